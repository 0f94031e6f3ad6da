/**
 * A seized laptop whose home has a passphrase (issue 21): after a real session (two nodes,
 * messages, a nickname change, a document, private messages both ways, a drill), every
 * byte of the locked home is searched for anything that would betray the room or a person.
 * Control: the same search finds those things in the other member's unlocked home, and
 * finds a marker planted deep in a copy of the locked one.
 */
import t from 'tap'
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { cli, passphrases, start } from '../helpers/cli.js'
import { eventually, tempDir } from '../helpers/peers.js'

const PASS = 'le marché de Médina Koura'
const lockedArgs = passphrases(PASS)

/** Every regular file under `dir`, recursively. */
function filesUnder (dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) out.push(...filesUnder(full))
    else if (entry.isFile()) out.push(full)
  }
  return out
}

/** Which of `needles` (label → bytes) occur in any file under `dir`, and where. */
function search (dir: string, needles: Map<string, Buffer[]>): Map<string, string> {
  const found = new Map<string, string>()
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(file)
    for (const [label, forms] of needles) if (!found.has(label) && forms.some((f) => bytes.includes(f))) found.set(label, path.relative(dir, file))
  }
  return found
}

async function run (home: string, args: string[], locked = false): Promise<any> {
  const r = await cli(['--home', home, '--json', ...args], locked ? lockedArgs : {})
  if (r.code !== 0) throw new Error(`tamtam ${args.join(' ')}: ${r.stderr}`)
  const last = r.stdout.trim().split('\n').at(-1) ?? ''
  return last === '' ? null : JSON.parse(last)
}

t.test('a locked home after a real session holds nothing that betrays the room or a person', async (t) => {
  const dir = tempDir(t)
  const a = path.join(dir, 'awa')
  const b = path.join(dir, 'binta')
  const awa = await run(a, ['init', '--name', 'Awa Traoré', '--passphrase'], true)
  const binta = await run(b, ['init', '--name', 'Binta Keïta'])
  const created = await run(a, ['room', 'create', 'comite-greve-bamako'], true)
  await run(b, ['room', 'join', created.invite])

  const nodeA = await start(t, ['--home', a, '--json', 'up', '--lan-only', '--port', '0'], /"event":"up"/, 30_000, lockedArgs)
  const portA = JSON.parse(nodeA.output().split('\n').find((l) => l.includes('"event":"up"')) ?? '{}').port
  const nodeB = await start(t, ['--home', b, '--json', 'up', '--lan-only', '--port', '0', '--peer', `127.0.0.1:${String(portA)}`], /"event":"up"/)

  await run(a, ['send', 'comite-greve-bamako', 'rendez-vous au marché rose à 17h'])
  await run(b, ['send', 'comite-greve-bamako', 'je viens avec les tracts de Sikasso'])
  await run(a, ['nick', 'Awa la trésorière'])
  const logText = async (home: string): Promise<string> => (await cli(['--home', home, 'log', 'comite-greve-bamako', '--all'])).stdout
  t.ok(await eventually(async () => (await logText(b)).includes('marché rose') && (await logText(a)).includes('Sikasso'), 20_000, 200), 'both see both messages')
  await run(b, ['dm', 'comite-greve-bamako', awa.fingerprint, 'le mot de code est mangue verte'])
  const docBytes = Buffer.concat([Buffer.from('DOCUMENT-SECRET-liste-des-contacts '), randomBytes(4096), Buffer.from(' FIN-DU-DOCUMENT')])
  const docFile = path.join(dir, 'contacts.txt')
  writeFileSync(docFile, docBytes)
  const shared = await run(b, ['share', 'comite-greve-bamako', docFile])
  t.ok(await eventually(async () => (await cli(['--home', a, 'dms', 'comite-greve-bamako', binta.fingerprint])).stdout.includes('mangue verte'), 20_000, 200), 'a has b\'s private message')
  await run(a, ['dm', 'comite-greve-bamako', binta.fingerprint, 'reçu, je garde la caisse'])
  const outside = path.join(dir, 'fetched')
  mkdirSync(outside)
  await run(a, ['get', 'comite-greve-bamako', shared.id, '-o', outside])
  t.same(readFileSync(path.join(outside, 'contacts.txt')), docBytes, 'a fetched the document (outside its home)')
  await run(a, ['drill', 'start', 'comite-greve-bamako', '--name', 'exercice-coupure-zebre', '--probes', '1', '--interval', '1s', '--duration', '3s'])
  // Killed, not stopped: a crash must not leave anything in clear either (keys live in memory only).
  nodeA.child.kill('SIGKILL')
  nodeB.child.kill('SIGTERM')
  await Promise.all([nodeA.exited, nodeB.exited])

  const secretHex: string = JSON.parse(readFileSync(path.join(b, 'rooms.json'), 'utf8')).rooms[0].secret
  const forms = (text: string): Buffer[] => [Buffer.from(text, 'utf8')]
  const key = (hex: string): Buffer[] => [Buffer.from(hex, 'utf8'), Buffer.from(hex, 'hex'), Buffer.from(Buffer.from(hex, 'hex').toString('base64'), 'utf8')]
  const needles = new Map<string, Buffer[]>([
    ['room name', forms('comite-greve-bamako')],
    ['invite', forms(created.invite)],
    ['room secret', key(secretHex)],
    ['a\'s name', forms('Awa Traoré')],
    ['a\'s new name', forms('Awa la trésorière')],
    ['b\'s name', forms('Binta Keïta')],
    ['a\'s identity key', key(awa.publicKey)],
    ['b\'s identity key', key(binta.publicKey)],
    ['a\'s message', forms('rendez-vous au marché rose')],
    ['b\'s message', forms('tracts de Sikasso')],
    ['b\'s private message', forms('mangue verte')],
    ['a\'s private message', forms('je garde la caisse')],
    ['document bytes', [docBytes.subarray(0, 40), docBytes.subarray(2000, 2064)]],
    ['document name', forms('contacts.txt')],
    ['drill name', forms('exercice-coupure-zebre')]
  ])
  const inLocked = search(a, needles)
  t.same(Object.fromEntries(inLocked), {}, `the locked home (${filesUnder(a).length} files, ${filesUnder(a).reduce((n, f) => n + statSync(f).size, 0)} bytes) holds none of them`)

  // Controls: the search finds plaintext where it is.
  const inOpen = search(b, needles)
  for (const label of ['room name', 'room secret', 'b\'s name', 'b\'s identity key']) t.ok(inOpen.has(label), `control: b's unlocked home shows ${label} (${String(inOpen.get(label))})`)
  const copy = path.join(dir, 'copy')
  // The killed node's control socket is left behind: a socket cannot be copied.
  cpSync(a, copy, { recursive: true, filter: (src) => path.basename(src) !== 'control.sock' })
  const deep = filesUnder(path.join(copy, 'store')).sort((x, y) => statSync(y).size - statSync(x).size)[0]
  writeFileSync(deep, Buffer.concat([readFileSync(deep), docBytes.subarray(2000, 2064)]))
  t.equal(search(copy, needles).get('document bytes'), path.relative(copy, deep), 'control: bytes planted in the largest store file of a copy are found')
})
