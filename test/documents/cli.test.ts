// The document commands as a person or a script runs them: real processes on a real home,
// no node and no network (nothing here may start one: it would announce on the host's real LAN).
import t from 'tap'
import path from 'node:path'
import { cli } from '../helpers/cli.js'
import { tempDir } from '../helpers/peers.js'
import { docsCli, jsonError, jsonLines, randomFile, sha256File } from './helpers.js'

async function home (t: any): Promise<string> {
  const h = path.join(tempDir(t), 'awa')
  t.equal((await cli(['--home', h, 'init', '--name', 'Awa'])).code, 0, 'init')
  t.equal((await cli(['--home', h, 'room', 'create', 'atelier'])).code, 0, 'room create')
  return h
}

t.test('share, then docs --json: one array of documents with a fixed shape', async (t) => {
  const h = await home(t)
  const dir = tempDir(t)
  const { file, sha256 } = await randomFile(dir, 'Compte rendu.pdf', 150_000)
  const shared = await docsCli(h, ['--json', 'share', 'atelier', file])
  t.equal(shared.code, 0, `share exits 0 ${shared.stderr}`)
  const result = jsonLines(shared.stdout).pop()
  t.match(result, { room: 'atelier', name: 'Compte rendu.pdf', size: 150_000, mime: 'application/pdf', sha256 }, 'share prints the announcement')
  t.match(result.id, /^[0-9a-f]{16}\.\d+$/, 'with an id like a timeline id')

  const listed = await docsCli(h, ['--json', 'docs', 'atelier'])
  t.equal(listed.code, 0, 'docs exits 0')
  const docs = JSON.parse(listed.stdout)
  t.ok(Array.isArray(docs) && docs.length === 1, 'one JSON array with the one document')
  t.same(Object.keys(docs[0]).sort(), ['author', 'authorKey', 'authorName', 'fileName', 'id', 'localBytes', 'mime', 'mine', 'name', 'sha256', 'size', 'status', 'ts'].sort(), 'documented fields, no more, no less')
  t.match(docs[0], { id: result.id, name: 'Compte rendu.pdf', fileName: 'Compte rendu.pdf', size: 150_000, sha256, authorName: 'Awa', mine: true, status: 'complete', localBytes: 150_000 }, 'values')
  t.match(docs[0].author, /^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/, 'author is the short fingerprint')
  t.match(docs[0].authorKey, /^[0-9a-f]{64}$/, 'authorKey is the identity key')

  const human = await docsCli(h, ['docs', 'atelier'])
  t.match(human.stdout, /Compte rendu\.pdf\s+146 KiB\s+complete\s+Awa \(you\)/, 'a line for people')

  const out = path.join(dir, 'copie.pdf')
  const got = await docsCli(h, ['--json', 'get', 'atelier', result.id.slice(0, 10), '-o', out])
  t.equal(got.code, 0, `get by id prefix exits 0 without a network (the document is ours) ${got.stderr}`)
  const lines = jsonLines(got.stdout)
  t.ok(lines.slice(0, -1).every((l) => l.event === 'progress' && typeof l.bytes === 'number' && typeof l.total === 'number' && 'rate' in l && 'eta' in l), 'progress events as JSON lines first')
  t.match(lines[lines.length - 1], { event: 'done', file: out, size: 150_000, sha256, downloadedBytes: 0 }, 'then the result')
  t.equal(await sha256File(out), sha256, 'the copy is identical')
})

t.test('errors have clear codes and exit status 1', async (t) => {
  const h = await home(t)
  const dir = tempDir(t)
  const { file } = await randomFile(dir, 'gros.bin', 3 * 1024 * 1024)
  const limits = await docsCli(h, ['--json', 'docs', 'limits', 'atelier', '--max-file', '2M', '--quota', '1G'])
  t.equal(limits.code, 0, 'docs limits exits 0')
  t.match(JSON.parse(limits.stdout), { maxFileBytes: 2 * 1024 * 1024, quotaBytes: 1024 ** 3, autoFetchBytes: 1024 * 1024, usedBytes: 0 }, 'limits shown after the change')
  const tooBig = await docsCli(h, ['--json', 'share', 'atelier', file])
  t.equal(tooBig.code, 1, 'share over the limit exits 1')
  t.equal(jsonError(tooBig)?.code, 'DOC_TOO_LARGE', 'with DOC_TOO_LARGE')
  t.match(jsonError(tooBig)?.message, /3\.0 MiB, over this room's limit of 2\.0 MiB/, 'saying how big and what the limit is')
  const human = await docsCli(h, ['share', 'atelier', file])
  t.match(human.stderr, /DOC_TOO_LARGE/, 'the code shows without --json too')
  const noRoom = await docsCli(h, ['--json', 'docs', 'nulle-part'])
  t.equal(jsonError(noRoom)?.code, 'ROOM_NOT_FOUND', 'an unknown room: ROOM_NOT_FOUND')
  const badSize = await docsCli(h, ['--json', 'docs', 'limits', 'atelier', '--quota', 'beaucoup'])
  t.equal(badSize.code, 2, 'a size that is not one is misuse (exit 2)')
})

t.test('--help of each command says what it does', async (t) => {
  for (const args of [['share', '--help'], ['docs', '--help'], ['docs', 'sync', '--help'], ['docs', 'limits', '--help'], ['get', '--help']]) {
    const r = await docsCli(tempDir(t), args)
    t.equal(r.code, 0, `${args.join(' ')} exits 0`)
    t.match(r.stdout, /Usage: tamtam /, `${args.join(' ')} prints usage`)
  }
  const get = await docsCli(tempDir(t), ['get', '--help'])
  t.match(get.stdout, /--output/, 'get documents -o')
  t.match(get.stdout, /--stall-timeout/, 'and the stall timeout')
})
