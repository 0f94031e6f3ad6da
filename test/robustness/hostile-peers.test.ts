/**
 * Hostile peers (issue 8 item 5): a peer that floods room-protocol messages after the
 * Noise handshake, a member appending a burst of records, garbage on the beacon and TCP
 * ports, and a host replaying another node's beacons.
 */
import t from 'tap'
import { randomBytes } from 'node:crypto'
import c from 'compact-encoding'
import NoiseSecretStream from '@hyperswarm/secret-stream'
import Protomux from 'protomux'
import { helloEncoding, membersEncoding, selfEncoding, ROOM_PROTOCOL, ROOM_PROTOCOL_VERSION } from '../../src/replication/messages.js'
import { PEER_FLOOD, ROOM_MESSAGE_QUOTA, ROOM_MESSAGE_WINDOW_MS } from '../../src/replication/room-sync.js'
import { eventually, lines, link, peer, replicator } from '../helpers/peers.js'

t.test('a peer that floods hello messages after the handshake hits the quota and is disconnected; honest peers keep talking', async (t) => {
  const [a, b, honest] = await Promise.all([peer(t, 'A'), peer(t, 'B'), peer(t, 'Honest')])
  const { invite } = await a.createRoom('atelier')
  await b.joinRoom(invite)
  await honest.joinRoom(invite)
  await link(t, a, b)

  // The flooder: a raw Noise stream whose protomux speaks tamtam/rooms with the real encodings.
  const honestReplicator = await replicator(honest)
  const left = new NoiseSecretStream(true)
  const right = new NoiseSecretStream(false)
  left.rawStream.pipe(right.rawStream).pipe(left.rawStream)
  t.teardown(() => { left.destroy(); right.destroy() })
  const victim = honestReplicator.attach(left)
  const warnings: any[] = []
  victim.on('warning', (err) => warnings.push(err))
  await new Promise<void>((resolve) => right.once('open', () => resolve()))
  const mux = Protomux.from(right)
  let flooderClosed = false
  right.once('close', () => { flooderClosed = true })
  right.on('error', () => {})
  const FLOOD = 10_000
  let sent = 0
  let onopen = (): void => {}
  const opened = new Promise<void>((resolve) => { onopen = resolve })
  const channel = mux.createChannel({
    protocol: ROOM_PROTOCOL,
    handshake: c.uint,
    messages: [{ encoding: helloEncoding }, { encoding: membersEncoding }, { encoding: selfEncoding }],
    onopen: () => onopen()
  })
  channel.open(ROOM_PROTOCOL_VERSION)
  await opened
  for (let i = 0; i < FLOOD && !right.destroyed; i++) {
    channel.messages[0].send({ proofs: [randomBytes(32)] })
    sent++
  }

  // Meanwhile, an honest message between A and B.
  const started = Date.now()
  await a.send(a.rooms.resolve('atelier'), 'pendant le déluge')
  const arrived = await eventually(async () => (await lines(b, 'atelier')).some((l) => l.endsWith('pendant le déluge')), 5000)
  const honestMs = Date.now() - started
  t.ok(arrived, `an honest message A→B arrived in ${honestMs} ms during the flood`)

  t.ok(await eventually(() => flooderClosed, 5000), 'the flooder\'s stream was destroyed by the honest node')
  t.ok(victim.flooded, 'the session is marked as flooded')
  const flood = warnings.find((w) => w?.code === PEER_FLOOD)
  t.ok(flood, `a warning with code ${PEER_FLOOD} was emitted`)
  t.ok((await replicator(honest)).list().every((p) => p !== victim), 'the flooder\'s session is gone from the replicator')
  t.comment(`peer-flood: quota ${ROOM_MESSAGE_QUOTA} msgs / ${ROOM_MESSAGE_WINDOW_MS} ms, flooder queued ${sent} of ${FLOOD} hellos, disconnected after ${ROOM_MESSAGE_QUOTA + 1} processed; honest A→B message in ${honestMs} ms`)
})

t.test('a member appending 2,000 records as fast as the API allows: peers neither crash nor stall', async (t) => {
  const [a, b, c2] = await Promise.all([peer(t, 'Spammer'), peer(t, 'B'), peer(t, 'C')])
  const { invite } = await a.createRoom('atelier')
  await b.joinRoom(invite)
  await c2.joinRoom(invite)
  await link(t, a, b)
  await link(t, b, c2)
  await link(t, a, c2)
  const room = a.rooms.resolve('atelier')
  const N = 2_000
  const started = Date.now()
  const writes: Array<Promise<unknown>> = []
  for (let i = 0; i < N; i++) writes.push(a.send(room, `spam ${i}`))
  await Promise.all(writes)
  const writeMs = Date.now() - started
  const honestStart = Date.now()
  await c2.send(c2.rooms.resolve('atelier'), 'toujours là')
  const arrived = await eventually(async () => (await lines(b, 'atelier', 20)).some((l) => l.endsWith('toujours là')), 10_000, 100)
  const honestMs = Date.now() - honestStart
  t.ok(arrived, `an honest message C→B arrived in ${honestMs} ms while B was receiving the spam`)
  t.comment(`member-flood: ${N} records appended in ${writeMs} ms (${Math.round(N / (writeMs / 1000))}/s); honest message arrived in ${honestMs} ms; NOT rate-limited in views or storage`)
})

/**
 * A node script for a namespace host: optionally capture the first real beacon from
 * `from` (hex, or 'none'), then send `count` packets to the beacon group via `via`, each
 * either that captured beacon (replay) or random bytes of random length (garbage). Also
 * listens on TCP `listenPort` (if not 0) and reports what dialled in.
 */
const UDP_SCRIPT = `
const dgram = require('dgram'); const net = require('net'); const crypto = require('crypto')
const [via, mode, count, from, listenPort, holdMs] = process.argv.slice(1)
const GROUP = '239.255.77.77', PORT = 49737
let conns = 0, bytes = 0
if (Number(listenPort) > 0) net.createServer((s) => { conns++; s.on('data', (d) => { bytes += d.length }); s.on('error', () => {}) }).listen(Number(listenPort), via)
const tx = dgram.createSocket({ type: 'udp4', reuseAddr: true })
tx.bind(0, via, () => {
  tx.setMulticastInterface(via)
  const blast = (pkt) => {
    let sent = 0
    const one = () => {
      if (sent >= Number(count)) return setTimeout(() => { console.log(JSON.stringify({ sent, conns, bytes })); process.exit(0) }, Number(holdMs))
      const p = pkt ?? crypto.randomBytes(1 + crypto.randomInt(1400))
      if (pkt === null && sent % 7 === 0) { p.write('TTBC', 0); p[4] = crypto.randomInt(256) } // some with the right magic
      tx.send(p, PORT, GROUP, () => { sent++; setImmediate(one) })
    }
    one()
  }
  if (mode === 'garbage') return blast(null)
  const rx = dgram.createSocket({ type: 'udp4', reuseAddr: true })
  rx.bind(PORT, () => {
    rx.addMembership(GROUP, via)
    rx.on('message', (msg, rinfo) => { if (rinfo.address === from && msg.length >= 56) { rx.close(); blast(msg) } })
  })
})
`

t.test('garbage to the multicast beacon port and to the TCP port: nodes keep running and an honest message arrives', async (t) => {
  const { skipUnlessLan } = await import('../helpers/lan.js')
  if (!skipUnlessLan(t)) return
  const { lanWithRoom, startNode, tamtam, texts } = await import('../helpers/lan-nodes.js')
  const { lan, homes } = await lanWithRoom(t, { wifi: ['a', 'b', 'm'] }, ['a', 'b'])
  const [na, nb] = await Promise.all(['a', 'b'].map(async (h) => await startNode(lan, h, homes[h]!)))
  t.teardown(async () => { await na!.stop(); await nb!.stop() })
  const port = na!.events.find((e) => e.event === 'up')?.port
  const m = lan.host('m').ip
  const PACKETS = 5000
  const udp = lan.exec('m', [process.execPath, '-e', UDP_SCRIPT, m, 'garbage', String(PACKETS), 'none', '0', '0'], { timeout: 60_000 })
  const tcp = Array.from({ length: 20 }, async () => await lan.exec('m', [process.execPath, '-e', `const s=require('net').connect(${Number(port)}, '${lan.host('a').ip}', () => s.end(require('crypto').randomBytes(4096))); s.on('error', () => {}); s.on('close', () => process.exit(0)); setTimeout(() => process.exit(0), 15000)`], { timeout: 20_000 }))
  await tamtam(homes.a!, 'send', 'atelier', 'malgré le bruit')
  const started = Date.now()
  t.ok(await eventually(async () => (await texts(nb!, 'atelier')).includes('malgré le bruit'), 20_000, 100), 'an honest message A→B arrives during the garbage')
  const ms = Date.now() - started
  const r = await udp
  await Promise.all(tcp)
  const sent = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}').sent
  t.equal(sent, PACKETS, `${PACKETS} garbage datagrams sent to ${'239.255.77.77'}:49737`)
  t.equal(na!.child.exitCode, null, 'A still runs')
  t.equal(nb!.child.exitCode, null, 'B still runs')
  await tamtam(homes.b!, 'send', 'atelier', 'et après')
  t.ok(await eventually(async () => (await texts(na!, 'atelier')).includes('et après'), 15_000, 100), 'and B→A works afterwards')
  t.comment(`garbage: ${sent} UDP datagrams + 20 TCP connections of 4 KiB random bytes; honest message in ${ms} ms; 0 crashes`)
})

t.test('a host replaying a captured beacon many times: no crash, honest nodes connect, the replayer gets no room data', async (t) => {
  const { skipUnlessLan } = await import('../helpers/lan.js')
  if (!skipUnlessLan(t)) return
  const { lanWithRoom, startNode, tamtam, texts } = await import('../helpers/lan-nodes.js')
  const { lan, homes } = await lanWithRoom(t, { wifi: ['a', 'b', 'm'] }, ['a', 'b'])
  const na = await startNode(lan, 'a', homes.a!)
  t.teardown(async () => { await na.stop() })
  const port = na.events.find((e) => e.event === 'up')?.port
  const m = lan.host('m').ip
  const REPLAYS = 2000
  // m captures A's real beacon, listens on A's port itself, and replays the beacon from its own address.
  const replay = lan.exec('m', [process.execPath, '-e', UDP_SCRIPT, m, 'replay', String(REPLAYS), lan.host('a').ip, String(port), '4000'], { timeout: 60_000 })
  const nb = await startNode(lan, 'b', homes.b!)
  t.teardown(async () => { await nb.stop() })
  await tamtam(homes.a!, 'send', 'atelier', 'beacon rejoué')
  const started = Date.now()
  t.ok(await eventually(async () => (await texts(nb, 'atelier')).includes('beacon rejoué'), 20_000, 100), 'A and B still connect and sync')
  const ms = Date.now() - started
  const r = await replay
  const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}')
  t.equal(out.sent, REPLAYS, `${REPLAYS} replayed beacons sent`)
  t.equal(na.child.exitCode, null, 'A still runs')
  t.equal(nb.child.exitCode, null, 'B still runs')
  // Dialled nodes send only a Noise handshake message (well under 1 KiB per connection); the
  // replayer cannot answer it without A's private key, so no room data ever reaches it.
  t.ok(out.conns === 0 || out.bytes / out.conns < 1024, `the replayer received only handshake bytes: ${String(out.conns)} connection(s), ${String(out.bytes)} bytes`)
  t.comment(`beacon-replay: ${out.sent} replays of A's beacon from another host; ${out.conns} dial(s) to the replayer, ${out.bytes} bytes (handshake only); honest sync in ${ms} ms; 0 crashes`)
})
