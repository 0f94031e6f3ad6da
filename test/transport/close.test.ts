/**
 * close(): idempotent, and it leaves no socket, server or timer behind.
 */
import net from 'node:net'
import t from 'tap'
import { firstNoiseMessage, introduce, manager, sleep } from './helpers.js'

const WATCHED = ['TCPSocketWrap', 'TCPServerWrap', 'Timeout']

function handles (): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(WATCHED.map((k) => [k, 0]))
  for (const kind of process.getActiveResourcesInfo()) if (kind in counts) counts[kind]++
  return counts
}

t.test('close() is idempotent and leaves no open handles', async (t) => {
  await sleep(50)
  const before = handles()
  const a = await manager(t, { handshakeTimeoutMs: 5000 })
  const b = await manager(t, { handshakeTimeoutMs: 5000 })
  introduce(a, b)
  await new Promise((resolve) => a.once('connection', resolve))
  // Work in flight at close time: a dial to a dead port, and a half-open handshake.
  const dead = net.createServer()
  await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', () => resolve()))
  const deadPort = (dead.address() as net.AddressInfo).port
  await new Promise((resolve) => dead.close(resolve))
  a.addManual('127.0.0.1', deadPort)
  const stalled = net.connect({ port: a.port, host: '127.0.0.1' })
  stalled.on('error', () => {})
  stalled.write((await firstNoiseMessage()).subarray(0, 10))
  await sleep(100)
  t.ok(handles().TCPSocketWrap > before.TCPSocketWrap, 'sockets are open before close (the check can fail)')

  const disconnections: unknown[] = []
  a.on('disconnection', (info) => disconnections.push(info))
  const first = a.close()
  t.equal(a.close(), first, 'a second close() returns the same promise')
  await Promise.all([first, a.close(), b.close(), b.close()])
  if (!stalled.closed) await new Promise((resolve) => stalled.once('close', resolve))
  t.equal(disconnections.length, 1, 'close() reported the live connection as gone')
  t.equal(a.connections().length, 0, 'no connection listed after close')
  await t.rejects(a.listen(), { code: 'CLOSED' }, 'listen() after close is refused')
  const dials = a.stats.dials
  a.addCandidate({ publicKey: b.publicKey, host: '127.0.0.1', port: 1, source: 'lan' })
  a.addManual('127.0.0.1', 1)
  await sleep(50)
  t.equal(a.stats.dials, dials, 'adding peers after close dials nothing')
  const after = handles()
  for (const kind of WATCHED) t.ok(after[kind] <= before[kind], `${kind}: ${after[kind]} after, ${before[kind]} before`)
})
