/**
 * The connection manager over real sockets on 127.0.0.1: who dials, one connection per key,
 * manual peers, reconnection and the connection cap.
 */
import t from 'tap'
import NoiseSecretStream from '@hyperswarm/secret-stream'
import { ConnectionManager } from '../../src/transport/index.js'
import { candidateOf, eventually, FAST, introduce, liveCounter, manager, next, sleep, sortedKeyPairs } from './helpers.js'

t.test('candidates exchanged: the lower key dials, one connection each way, data flows', async (t) => {
  const [low, high] = sortedKeyPairs(2)
  const a = await manager(t, { keyPair: low, graceMs: 1000 })
  const b = await manager(t, { keyPair: high, graceMs: 1000 })
  const connectedA = next(a, 'connection')
  const connectedB = next(b, 'connection')
  introduce(a, b)
  const [[streamA, infoA], [streamB, infoB]] = await Promise.all([connectedA, connectedB])
  t.equal(infoA.initiator, true, 'the lower key initiated')
  t.equal(infoB.initiator, false, 'the higher key answered')
  t.ok(infoA.publicKey.equals(b.publicKey) && infoB.publicKey.equals(a.publicKey), 'each side knows the other\'s key')
  t.equal(infoA.source, 'lan', 'the dialler reports the discovery source')
  t.equal(infoB.source, 'incoming', 'the listener reports an incoming connection')
  t.ok(streamA.handshakeHash.equals(streamB.handshakeHash), 'both hold the same connection')

  const received = next(streamB, 'data')
  streamA.write(Buffer.from('bonjour'))
  const [data] = await received
  t.equal(data.toString(), 'bonjour', 'a message written by A is read by B')
  const reply = next(streamA, 'data')
  streamB.write(Buffer.from('salut'))
  t.equal((await reply)[0].toString(), 'salut', 'and the other way round')

  await sleep(1200) // past the higher key's grace period
  t.equal(a.connections().length, 1, 'A still has exactly one connection')
  t.equal(b.connections().length, 1, 'B still has exactly one connection')
  t.equal(b.stats.dials, 0, 'the higher key never dialled: the lower one came within the grace period')
  const [summary] = b.connections()
  t.ok(summary.bytesIn > 0 && summary.bytesOut > 0, `bytes are counted (in ${summary.bytesIn}, out ${summary.bytesOut})`)
})

t.test('simultaneous dials (graceMs 0): both ends keep the same single connection', async (t) => {
  for (let round = 1; round <= 3; round++) {
    const [low, high] = sortedKeyPairs(2)
    const a = await manager(t, { keyPair: low, graceMs: 0 })
    const b = await manager(t, { keyPair: high, graceMs: 0 })
    const liveA = liveCounter(a)
    const liveB = liveCounter(b)
    introduce(a, b)
    t.ok(await eventually(() => a.connections().length === 1 && b.connections().length === 1), `round ${round}: both connected`)
    await sleep(1000)
    const [ca] = a.connections()
    const [cb] = b.connections()
    t.equal(a.connections().length + b.connections().length, 2, `round ${round}: no lingering duplicate after 1 s`)
    t.ok(ca.stream.handshakeHash !== null && cb.stream.handshakeHash !== null && ca.stream.handshakeHash.equals(cb.stream.handshakeHash), `round ${round}: same connection at both ends (same handshake hash)`)
    t.equal(ca.info.initiator, true, `round ${round}: the survivor is the one the lower key initiated`)
    t.equal(liveA(), 1, `round ${round}: A's connection/disconnection events net to one live connection`)
    t.equal(liveB(), 1, `round ${round}: B's connection/disconnection events net to one live connection`)
    t.ok(!ca.stream.destroying && !cb.stream.destroying, `round ${round}: the survivor is open`)
    t.comment(`round ${round}: duplicates closed by A ${a.stats.duplicates}, by B ${b.stats.duplicates}; dials A ${a.stats.dials}, B ${b.stats.dials}`)
    await Promise.all([a.close(), b.close()])
  }
})

t.test('manual peer: connects without knowing the key, and learns it', async (t) => {
  const a = await manager(t)
  const b = await manager(t)
  const connected = next(a, 'connection')
  a.addManual('127.0.0.1', b.port)
  const [, info] = await connected
  t.ok(info.publicKey.equals(b.publicKey), 'the handshake revealed B\'s key')
  t.equal(info.source, 'manual', 'source is manual')
  t.equal(info.initiator, true, 'we dialled')
  a.addManual('127.0.0.1', b.port)
  await sleep(300)
  t.equal(a.stats.dials, 1, 'adding the same address again does not dial again while connected')
  t.throws(() => a.addManual('127.0.0.1', 0), { code: 'PEER_INVALID' }, 'port 0 is refused')
})

t.test('manual address pointing at ourselves: one attempt, no connection, a warning', async (t) => {
  const a = await manager(t, { backoff: { initialMs: 20, maxMs: 40 } })
  const warnings: Error[] = []
  a.on('warning', (err: Error) => warnings.push(err))
  let connections = 0
  a.on('connection', () => { connections++ })
  a.addManual('127.0.0.1', a.port)
  await sleep(1000) // 25+ retries would fit in here if it looped
  t.equal(a.stats.dials, 1, 'dialled exactly once')
  t.equal(connections, 0, 'no connection event')
  t.equal(a.connections().length, 0, 'no connection')
  t.equal(warnings.filter((w) => /itself/.test(w.message)).length, 1, 'one warning says the address is this node')
})

t.test('reconnect: a restarted peer on the same port is found again within the backoff window', async (t) => {
  for (const order of ['dialler has the lower key', 'dialler has the higher key']) {
    const [low, high] = sortedKeyPairs(2)
    const [mine, theirs] = order === 'dialler has the lower key' ? [low, high] : [high, low]
    const backoff = { initialMs: 100, maxMs: 400 }
    const a = await manager(t, { keyPair: mine, backoff, graceMs: 100 })
    const b = await manager(t, { keyPair: theirs })
    a.addCandidate(candidateOf(b))
    await next(a, 'connection')
    const port = b.port
    const gone = next(a, 'disconnection')
    await b.close()
    await gone
    await sleep(500) // down long enough for a few failed retries
    const failuresWhileDown = a.stats.dialFailures
    const b2 = await manager(t, { keyPair: theirs, port })
    t.equal(b2.port, port, `${order}: the new peer listens on the same port`)
    const started = Date.now()
    const [, info] = await next(a, 'connection', 3000)
    const took = Date.now() - started
    t.ok(info.publicKey.equals(b2.publicKey), `${order}: reconnected to the same key`)
    t.ok(took <= 100 + backoff.maxMs * 1.2 + 300, `${order}: within grace + one max backoff (took ${took} ms)`)
    t.ok(failuresWhileDown >= 1 && failuresWhileDown <= 5, `${order}: retried while down, with growing delays (${failuresWhileDown} failures in ~500 ms, not ~10)`)
    await Promise.all([a.close(), b2.close()])
  }
})

t.test('cap: maxConnections 2 with 3 peers gives at most 2 connections', async (t) => {
  const hub = await manager(t, { maxConnections: 2, graceMs: 100 })
  const peers = await Promise.all([1, 2, 3].map(async () => await manager(t, { graceMs: 100 })))
  let peak = 0
  hub.on('connection', () => { peak = Math.max(peak, hub.connections().length) })
  for (const p of peers) introduce(hub, p)
  t.ok(await eventually(() => hub.connections().length === 2), 'the hub reaches 2 connections')
  await sleep(1000) // give the third peer time to retry
  t.equal(hub.connections().length, 2, 'the hub holds 2 connections')
  t.ok(peak <= 2, `never more than 2 at once (peak ${peak})`)
  t.equal(peers.reduce((sum, p) => sum + p.connections().length, 0), 2, 'exactly two peers are connected to the hub')
  t.ok(hub.stats.refused >= 1, `the third peer's sockets were closed at once (${hub.stats.refused} refused)`)
})

t.test('listen: false dials but binds nothing', async (t) => {
  const b = await manager(t)
  const a = new ConnectionManager({ keyPair: sortedKeyPairs(1)[0], ...FAST, listen: false })
  t.teardown(() => a.close())
  t.equal(await a.listen(), 0, 'listen() resolves 0')
  t.equal(a.port, 0, 'no port')
  const connected = next(a, 'connection')
  a.addManual('127.0.0.1', b.port)
  const [, info] = await connected
  t.ok(info.publicKey.equals(b.publicKey), 'a dial-only manager still connects out')
})

t.test('attach: streams from another source follow the same one-per-key rule', async (t) => {
  const [mine, theirs] = sortedKeyPairs(2)
  const a = await manager(t, { keyPair: mine })
  /** An authenticated in-process pair, as Hyperswarm would hand over; returns A's end. */
  const pair = async (aInitiates: boolean): Promise<NoiseSecretStream> => {
    const local = new NoiseSecretStream(aInitiates, null, { keyPair: mine })
    const remote = new NoiseSecretStream(!aInitiates, null, { keyPair: theirs })
    local.rawStream.pipe(remote.rawStream).pipe(local.rawStream)
    remote.on('error', () => {})
    t.teardown(() => remote.destroy())
    await Promise.all([local.opened, remote.opened])
    return local
  }
  const info = { publicKey: theirs.publicKey, host: '10.0.0.9', port: 4000, source: 'internet' as const, initiator: false }
  const live = liveCounter(a)

  const first = await pair(false)
  t.equal(a.attach(first, info), true, 'a first stream for a key is adopted')
  t.equal(a.connections()[0]?.info.source, 'internet', 'with its source')

  const forged = await pair(true)
  t.equal(a.attach(forged, { ...info, publicKey: Buffer.alloc(32, 7) }), false, 'a stream whose key differs from the claimed one is refused')
  t.ok(forged.destroying, 'and destroyed')

  // Both `first` and `second` were initiated by B: the lower handshake hash must win.
  const second = await pair(false)
  const secondWins = Buffer.compare(second.handshakeHash as Buffer, first.handshakeHash as Buffer) < 0
  t.equal(a.attach(second, info), secondWins, `same initiator: the lower handshake hash wins (${secondWins ? 'new' : 'old'} one)`)
  t.equal(a.connections().length, 1, 'one connection for the key')
  t.equal(a.connections()[0].stream, secondWins ? second : first, 'the survivor is the predicted one')

  // A stream A initiated: A has the lower key, so it beats any stream B initiated.
  const mineFirst = await pair(true)
  t.equal(a.attach(mineFirst, { ...info, initiator: true }), true, 'the stream initiated by the lower key displaces the other')
  t.equal(a.connections()[0].stream, mineFirst, 'and is the one listed')
  await sleep(50)
  t.equal(live(), 1, 'connection minus disconnection events is still one')
})
