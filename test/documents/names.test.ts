// Names from peers: the pure rules (table-driven), then real documents with awkward names
// shared by one peer and mirrored by another into a folder, where each must land inside.
import t from 'tap'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { numberedName, safeFileName, syncRoom } from '../../src/documents/index.js'
import { eventually, link, peer, tempDir, contextOf } from '../helpers/peers.js'
import { randomFile, sha256File, tree } from './helpers.js'

t.test('safeFileName', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['rapport.pdf', 'rapport.pdf', 'a plain name is kept'],
    ['../../.bashrc', 'bashrc', 'traversal: only the last component, and never hidden'],
    ['..', 'document', 'a bare parent reference leaves nothing: fallback name'],
    ['/etc/passwd', 'passwd', 'an absolute path loses its directories'],
    ['C:\\Windows\\system.ini', 'system.ini', 'a Windows path loses its drive and directories'],
    ['dossier/../../x.txt', 'x.txt', 'mixed traversal'],
    ['CON', '_CON', 'a reserved device name is prefixed'],
    ['nul.txt', '_nul.txt', 'reserved with an extension too'],
    ['com1', '_com1', 'COM ports'],
    ['console.txt', 'console.txt', 'a name that only starts like a device is kept'],
    ['a\x1b[31mrouge\x1b[0m\x07.txt', 'arouge.txt', 'escape sequences and controls are removed'],
    ['ligne\nsuivante.txt', 'ligne suivante.txt', 'a newline becomes a space'],
    ['quoi?<>|*:".txt', 'quoi_______.txt', 'characters Windows refuses become _'],
    ['  espaces.txt . ', 'espaces.txt', 'leading and trailing spaces and dots go'],
    ['Rapport d\'activité été 2024.pdf', 'Rapport d\'activité été 2024.pdf', 'French accents and spaces are kept'],
    ['e\u0301te\u0301.txt', 'été.txt', 'normalised to NFC'],
    ['\u202eexe.txt', 'exe.txt', 'bidi overrides are removed'],
    ['a\u200bb.txt', 'ab.txt', 'zero-width characters are removed'],
    ['', 'document', 'an empty name gets the fallback'],
    ['///', 'document', 'only separators: fallback']
  ]
  for (const [input, expected, why] of cases) t.equal(safeFileName(input), expected, `${why}: ${JSON.stringify(input)}`)
  const long = safeFileName(`${'é'.repeat(300)}.pdf`)
  t.ok(Buffer.byteLength(long) <= 200, 'a long name is cut to 200 bytes')
  t.ok(long.endsWith('é.pdf'), 'on a character boundary, keeping the extension')
  t.equal(numberedName('rapport.pdf', 2), 'rapport (2).pdf', 'collisions are numbered before the extension')
  t.equal(numberedName('bashrc', 1), 'bashrc (1)', 'and at the end without one')
})

t.test('awkward names shared by A land inside B\'s folder under harmless names', async (t) => {
  const a = await peer(t, 'Awa')
  const b = await peer(t, 'Moussa')
  const { invite } = await a.createRoom('atelier')
  await b.joinRoom(invite)
  await link(t, a, b)
  const src = tempDir(t)
  const { file } = await randomFile(src, 'contenu.bin', 70_000)
  const empty = path.join(src, 'vide.txt')
  await fs.writeFile(empty, '')
  const names: Array<[string, string]> = [
    ['../../.bashrc', 'bashrc'],
    ['/etc/passwd', 'passwd'],
    ['..\\..\\Windows\\win.ini', 'win.ini'],
    ['CON', '_CON'],
    ['Rapport d\'activité – été 2024.pdf', 'Rapport d\'activité – été 2024.pdf'],
    ['même nom.txt', 'même nom.txt'],
    ['même nom.txt', 'même nom (1).txt']
  ]
  const ra = a.rooms.resolve('atelier')
  for (const [name] of names) await (await contextOf(a).documents()).share(ra, file, { name })
  const zero = await (await contextOf(a).documents()).share(ra, empty)
  t.equal(zero.size, 0, 'a zero-byte file can be shared')
  const rb = b.rooms.resolve('atelier')
  t.ok(await eventually(async () => (await (await contextOf(b).documents()).list(rb)).length === names.length + 1, 10_000, 50), 'B sees every document')

  const root = tempDir(t)
  const mirror = path.join(root, 'miroir', 'atelier')
  const result = await syncRoom((await contextOf(b).documents()), rb, mirror, { stallMs: 10_000 })
  t.equal(result.fetched.length, names.length + 1, 'every document was fetched')
  t.same(result.failed, [], 'none failed')
  const expected = [...names.map(([, safe]) => safe), 'vide.txt', '.tamtam-sync.json'].sort()
  t.same(await tree(mirror), expected, 'exactly the harmless names, in the folder itself')
  t.same(await tree(root), ['miroir', 'miroir/atelier', ...expected.map((n) => `miroir/atelier/${n}`)].sort(), 'nothing written beside or above it')
  t.equal((await fs.stat(path.join(mirror, 'vide.txt'))).size, 0, 'the zero-byte file is there, empty')
  t.equal(await sha256File(path.join(mirror, 'bashrc')), await sha256File(file), 'contents intact')

  const again = await syncRoom((await contextOf(b).documents()), rb, mirror, { stallMs: 10_000 })
  t.equal(again.fetched.length, 0, 'a second sync fetches nothing')
  t.equal(again.upToDate, names.length + 1, 'every document is up to date')
  await fs.rm(path.join(mirror, 'passwd'))
  const third = await syncRoom((await contextOf(b).documents()), rb, mirror, { stallMs: 10_000 })
  t.same(third.fetched.map((f) => path.basename(f.file)), ['passwd'], 'a deleted file is restored, and only it')

  const direct = await (await contextOf(b).documents()).get(rb, zero.id, { dir: root, stallMs: 10_000 })
  t.equal(direct.file, path.join(root, 'vide.txt'), 'get of the zero-byte document writes an empty file')
})
