/**
 * Issue 17, finding 9: one `members` message of 2,000 made-up keys, sent by anyone holding a
 * relay code, used to fill MAX_ROOM_MEMBERS on the node it reached and on every peer it
 * forwarded them to; no newcomer's log was accepted after that, even across restarts.
 * Real `tamtam up` processes on namespace hosts; the attacker is a raw Noise + protomux
 * client with the capability from `room relay-code`.
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { skipUnlessLan } from '../helpers/lan.js'
import { lanWithRoom, startNode, tamtam, texts, type LanNode } from '../helpers/lan-nodes.js'
import { childEnv } from '../helpers/cli.js'
import { eventually } from '../helpers/peers.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const JUNK = 2000

/** The attacker: prove the room with the relay code's capability, announce JUNK random keys, stay a while. */
const ATTACKER = `
const [root, to, code, count, holdMs] = process.argv.slice(1)
const { createRequire } = await import('node:module')
const require = createRequire(root + '/package.json')
const net = require('node:net'); const crypto = require('node:crypto')
const NoiseSecretStream = require('@hyperswarm/secret-stream'); const Protomux = require('protomux'); const c = require('compact-encoding')
const m = await import(root + '/dist/src/replication/messages.js')
const { decodeRelayCode } = await import(root + '/dist/src/relay/relay-code.js')
const { capability } = decodeRelayCode(code)
const [host, port] = to.split(':')
const stream = new NoiseSecretStream(true, net.connect(Number(port), host))
stream.on('error', () => {})
const mux = Protomux.from(stream); stream.userData = mux
const keys = Array.from({ length: Number(count) }, () => crypto.randomBytes(32))
let sent = 0
const ch = mux.createChannel({ protocol: m.ROOM_PROTOCOL, handshake: c.uint,
  messages: [{ encoding: m.helloEncoding, onmessage: () => {} }, { encoding: m.membersEncoding, onmessage: () => {} }, { encoding: m.selfEncoding, onmessage: () => {} }, { encoding: m.wantEncoding, onmessage: () => {} }],
  onopen: () => {
    const tag = m.roomProof(capability, stream.handshakeHash, true)
    ch.messages[0].send({ proofs: [tag] })
    setTimeout(() => { ch.messages[1].send({ tag, cores: keys }); sent = keys.length }, 300)
  } })
ch.open(m.ROOM_PROTOCOL_VERSION)
setTimeout(() => { console.log(JSON.stringify({ sent, keys: keys.map((k) => k.toString('hex')) })); stream.destroy(); setTimeout(() => process.exit(0), 100) }, Number(holdMs))
`

/** Member keys of "atelier" written in a home's rooms.json. */
function stored (home: string): string[] {
  const rooms = JSON.parse(readFileSync(path.join(home, 'rooms.json'), 'utf8')).rooms as Array<{ name: string, members: string[] }>
  return rooms.find((r) => r.name === 'atelier')?.members ?? []
}

/** Member logs a node holds in memory for "atelier" (its own included), through `room list`. */
async function held (node: LanNode): Promise<number> {
  const rooms = JSON.parse(await tamtam(node.home, 'room', 'list', '--json')) as Array<{ room: string, members: number }>
  return rooms.find((r) => r.room === 'atelier')?.members ?? 0
}

t.test('2,000 made-up member keys from a relay-code holder neither fill the room nor spread; a newcomer still gets in', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes, invite } = await lanWithRoom(t, { wifi: ['a', 'b', 'c', 'm'] }, ['a', 'b'])
  const na = await startNode(lan, 'a', homes.a!)
  const nb = await startNode(lan, 'b', homes.b!)
  t.teardown(async () => { await na.stop(); await nb.stop() })
  await tamtam(homes.a!, 'send', 'atelier', 'avant')
  t.ok(await eventually(async () => (await texts(nb, 'atelier')).includes('avant'), 20_000, 100), 'A and B share the room')

  const code = JSON.parse(await tamtam(homes.a!, 'room', 'relay-code', 'atelier', '--json')).code as string
  const port = na.events.find((e) => e.event === 'up')?.port as number
  const attack = lan.exec('m', [process.execPath, '--input-type=module', '-e', ATTACKER, ROOT, `${lan.host('a').ip}:${port}`, code, String(JUNK), '6000'], { timeout: 30_000, env: childEnv() })
  // Peak while the attack runs: how many keys A and B hold for the room.
  let peakA = 0
  let peakB = 0
  const watchUntil = Date.now() + 8000
  const watching = (async () => {
    for (let i = 0; i < 80 && Date.now() < watchUntil; i++) {
      peakA = Math.max(peakA, await held(na))
      peakB = Math.max(peakB, await held(nb))
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  })()
  const r = await attack
  await watching
  t.comment(`attack over; peak held A ${peakA}, B ${peakB}`)
  const report = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { sent?: number, keys?: string[] }
  t.equal(report.sent, JUNK, `the attacker announced ${JUNK} made-up keys to A (${r.stderr.slice(0, 200)})`)
  const junk = new Set(report.keys ?? [])

  // A newcomer joins after the attack.
  await tamtam(homes.c!, 'room', 'join', invite)
  const nc = await startNode(lan, 'c', homes.c!)
  t.teardown(async () => { await nc.stop() })
  await tamtam(homes.c!, 'send', 'atelier', 'bonjour de C')
  const started = Date.now()
  const inA = await eventually(async () => (await texts(na, 'atelier')).includes('bonjour de C'), 30_000, 200)
  t.ok(inA, `A accepts the newcomer's log and shows its message (${Date.now() - started} ms)`)
  t.ok(await eventually(async () => (await texts(nb, 'atelier')).includes('bonjour de C'), 10_000, 200), 'so does B')

  // Every made-up key is gone: from memory and from rooms.json, on A and on B.
  t.ok(await eventually(async () => await held(na) === 3, 30_000, 250), `A ends with its 3 real member logs (held ${await held(na)})`)
  const storedA = stored(homes.a!)
  const storedB = stored(homes.b!)
  t.equal(storedA.filter((k) => junk.has(k)).length, 0, 'no made-up key in A\'s rooms.json')
  t.equal(storedB.filter((k) => junk.has(k)).length, 0, 'no made-up key in B\'s rooms.json')
  t.ok(peakB <= 3, `B never held a made-up key: A did not forward them (B's peak ${peakB} logs)`)
  t.comment(`members-junk: attacker announced ${JUNK} keys to A; peak held A ${peakA}, B ${peakB}; after: A holds ${await held(na)}, rooms.json A ${storedA.length} keys (${storedA.filter((k) => junk.has(k)).length} junk), B ${storedB.length} (${storedB.filter((k) => junk.has(k)).length} junk); newcomer ${inA ? 'accepted' : 'LOCKED OUT'}`)
})
