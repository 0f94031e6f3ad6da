/**
 * Hostile input on the listener and lying candidates: bad sockets are closed, good peers
 * still connect, nobody crashes.
 */
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import net from 'node:net'
import t from 'tap'
import { candidateOf, eventually, firstNoiseMessage, manager, sleep } from './helpers.js'

/** How long a test waits for the listener to close a bad socket before calling it a failure. */
const CLOSE_WAIT_MS = 3000

/**
 * A raw socket to `port` that sends `bytes` then stalls. `closedAfter` resolves with when
 * the listener closed it (ms after connect), or with Infinity if it did not within
 * CLOSE_WAIT_MS: a broken handshake timeout fails the test instead of hanging the file.
 * The socket is destroyed at teardown either way.
 */
async function hostileSocket (t: any, port: number, bytes: Buffer): Promise<{ closedAfter: Promise<number> }> {
  const socket = net.connect({ port, host: '127.0.0.1' })
  t.teardown(() => socket.destroy())
  socket.on('error', () => {}) // a reset is one way of being closed
  socket.on('data', () => {}) // drain whatever the listener answers
  await once(socket, 'connect', { signal: AbortSignal.timeout(CLOSE_WAIT_MS) })
  const start = Date.now()
  socket.write(bytes)
  const closed = once(socket, 'close').then(() => Date.now() - start)
  let timer: NodeJS.Timeout | undefined
  const gaveUp = new Promise<number>((resolve) => { timer = setTimeout(() => resolve(Infinity), CLOSE_WAIT_MS) })
  return { closedAfter: Promise.race([closed, gaveUp]).finally(() => clearTimeout(timer)) }
}

t.test('garbage and a truncated handshake are closed; a real peer connects meanwhile', async (t) => {
  const m = await manager(t, { handshakeTimeoutMs: 500 })
  const good = await manager(t, { handshakeTimeoutMs: 500 })
  const warnings: Error[] = []
  m.on('warning', (err: Error) => warnings.push(err))
  const msg1 = await firstNoiseMessage()
  t.equal(msg1.byteLength, 35, 'a real first Noise message is 3 + 32 bytes')

  const cases = [
    { name: 'random 64 KiB', bytes: randomBytes(64 * 1024), min: 0 },
    { name: 'first 10 bytes of a real Noise message, then silence', bytes: msg1.subarray(0, 10), min: 400 }
  ]
  const sockets = await Promise.all(cases.map(async (c) => await hostileSocket(t, m.port, c.bytes)))
  const start = Date.now()
  let goodAfter = -1
  good.on('connection', () => { goodAfter = Date.now() - start })
  good.addManual('127.0.0.1', m.port)

  for (const [i, c] of cases.entries()) {
    const closedAfter = await sockets[i].closedAfter
    t.ok(closedAfter >= c.min && closedAfter < 2000, `${c.name}: ${closedAfter === Infinity ? `still open after ${CLOSE_WAIT_MS} ms` : `closed after ${closedAfter} ms`}`)
  }
  t.ok(goodAfter >= 0 && goodAfter < 400, `the real peer connected in ${goodAfter} ms, before the stalled socket timed out`)
  t.equal(m.connections().length, 1, 'the listener holds only the real peer')
  t.ok(m.stats.handshakeFailures >= 2, `both bad sockets count as handshake failures (${m.stats.handshakeFailures})`)
  t.ok(warnings.length >= 2 && warnings.every((w: any) => w.code === 'PEER_REJECTED'), 'each was reported as a PEER_REJECTED warning')

  // Still serving: another peer connects after the attack.
  const late = await manager(t)
  late.addManual('127.0.0.1', m.port)
  t.ok(await eventually(() => late.connections().length === 1, 3000), 'the listener still accepts new peers')
})

t.test('a peer whose key differs from the announced one is rejected', async (t) => {
  const a = await manager(t, { graceMs: 0, backoff: { initialMs: 200, maxMs: 400 } })
  const b = await manager(t)
  const warnings: Error[] = []
  a.on('warning', (err: Error) => warnings.push(err))
  let connections = 0
  a.on('connection', () => { connections++ })
  const forged = randomBytes(32) // a replayed beacon: B's address with somebody else's key
  a.addCandidate(candidateOf(b, forged))
  t.ok(await eventually(() => warnings.some((w) => /instead of the announced/.test(w.message)), 3000), 'a warning names the key mismatch')
  await sleep(300)
  t.equal(connections, 0, 'no connection event for the impostor')
  t.equal(a.connections().length, 0, 'no connection kept')
  t.ok(a.stats.rejected >= 1, `counted as rejected (${a.stats.rejected})`)
  t.ok(await eventually(() => b.connections().length === 0, 2000), 'the other end sees the connection closed too')
  a.removeCandidate(candidateOf(b, forged))
  const dials = a.stats.dials
  await sleep(600)
  t.equal(a.stats.dials, dials, 'once the candidate is removed, no more dials')
})

t.test('malformed candidates are dropped with a warning, never thrown', async (t) => {
  const a = await manager(t)
  const warnings: Error[] = []
  a.on('warning', (err: Error) => warnings.push(err))
  const cases: Array<{ candidate: any, why: string }> = [
    { candidate: { publicKey: randomBytes(32), host: '127.0.0.1', port: 0, source: 'lan' }, why: 'port 0' },
    { candidate: { publicKey: randomBytes(32), host: '127.0.0.1', port: 70_000, source: 'lan' }, why: 'port above 65535' },
    { candidate: { publicKey: randomBytes(32), host: '', port: 4000, source: 'lan' }, why: 'empty host' },
    { candidate: { publicKey: randomBytes(16), host: '127.0.0.1', port: 4000, source: 'lan' }, why: 'a 16-byte key' },
    { candidate: { publicKey: a.publicKey, host: '127.0.0.1', port: a.port, source: 'lan' }, why: 'our own announcement (silently)' }
  ]
  for (const c of cases) t.doesNotThrow(() => a.addCandidate(c.candidate), c.why)
  await sleep(200)
  t.equal(warnings.filter((w: any) => w.code === 'PEER_INVALID').length, 4, 'one PEER_INVALID warning per malformed candidate')
  t.equal(a.stats.dials, 0, 'nothing was dialled')
})
