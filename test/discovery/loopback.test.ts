// LanBeacon in this process, on real sockets over loopback (127.0.0.0/8 on lo, injected as the interface list):
// lifecycle, re-scans, restarts, expiry and option checks. Each test uses its own random group and port so
// parallel runs never hear each other; TTL 1 and lo keep every datagram on this machine.
import t from 'tap'
import { randomBytes, randomInt } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { LanBeacon, type LanBeaconOptions, type PeerCandidate, DEFAULT_GROUP, DEFAULT_BEACON_PORT, defaultPeerTimeoutMs } from '../../src/discovery/index.js'

/** Poll `check` until true, at most `ms`; returns whether it became true. */
async function eventually (check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  for (let i = 0; i < 1000 && Date.now() < deadline; i++) {
    if (check()) return true
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return check()
}

/** A fresh group and port, shared by the beacons of one test. */
function channel (): { group: string, beaconPort: number } {
  return { group: `239.255.${randomInt(1, 255)}.${randomInt(1, 255)}`, beaconPort: randomInt(20000, 60000) }
}

/** A beacon on loopback that records its events, stopped at teardown. */
function node (t: any, opts: Partial<LanBeaconOptions> & { group: string, beaconPort: number }): LanBeacon & { seen: PeerCandidate[], lost: PeerCandidate[], warnings: Error[] } {
  const b = new LanBeacon({ publicKey: randomBytes(32), port: randomInt(1024, 65535), addresses: () => [{ address: '127.0.0.1' }], announceIntervalMs: 200, ...opts })
  const rec = Object.assign(b, { seen: [] as PeerCandidate[], lost: [] as PeerCandidate[], warnings: [] as Error[] })
  b.on('peer', (c: PeerCandidate) => rec.seen.push(c))
  b.on('lost', (c: PeerCandidate) => rec.lost.push(c))
  b.on('warning', (e: Error) => rec.warnings.push(e))
  t.teardown(() => b.stop())
  return rec
}

/** How many sockets are members of `group` on `device`, from the kernel's own table. */
function igmpUsers (group: string, device: string): number {
  const hex = group.split('.').map((o) => Number(o).toString(16).padStart(2, '0').toUpperCase()).reverse().join('')
  let inDevice = false
  for (const line of readFileSync('/proc/net/igmp', 'utf8').split('\n')) {
    if (/^\d+\s/.test(line)) inDevice = line.split(/\s+/)[1] === device
    else if (inDevice && line.trim().startsWith(hex)) return Number(line.trim().split(/\s+/)[1])
  }
  return 0
}

/** Open UDP sockets and timers of this process, to prove stop() leaves none. */
function resources (): { udp: number, timers: number } {
  const all = process.getActiveResourcesInfo()
  return { udp: all.filter((r) => r === 'UDPWrap').length, timers: all.filter((r) => r === 'Timeout').length }
}

t.test('defaults', async (t) => {
  t.equal(DEFAULT_GROUP, '239.255.77.77')
  t.equal(DEFAULT_BEACON_PORT, 49737)
  t.equal(defaultPeerTimeoutMs(2000), 7000, 'three intervals plus a second')
  const b = new LanBeacon({ publicKey: randomBytes(32), port: 1 })
  t.equal(b.name, 'lan')
  t.equal(b.instanceId.length, 16, 'a random 16-byte instance id')
  t.not(b.instanceId.toString('hex'), new LanBeacon({ publicKey: randomBytes(32), port: 1 }).instanceId.toString('hex'), 'per run')
  t.same(b.stats, { sent: 0, received: 0, dropped: 0, peers: 0 })
  t.same(b.peers(), [])
})

t.test('bad options throw at construction', async (t) => {
  const ok = { publicKey: randomBytes(32), port: 1 }
  const cases: Array<[string, Partial<LanBeaconOptions>]> = [
    ['short public key', { publicKey: randomBytes(31) }],
    ['port 0', { port: 0 }],
    ['instance id of 8 bytes', { instanceId: randomBytes(8) }],
    ['unicast group', { group: '10.0.0.1' }],
    ['group that is not an address', { group: 'lan' }],
    ['beacon port 70000', { beaconPort: 70000 }],
    ['interval 0', { announceIntervalMs: 0 }],
    ['timeout NaN', { peerTimeoutMs: Number.NaN }],
    ['maxPeers 0', { maxPeers: 0 }],
    ['unknown mode', { mode: 'loud' as LanBeaconOptions['mode'] }]
  ]
  for (const [name, bad] of cases) t.throws(() => new LanBeacon({ ...ok, ...bad }), RangeError, name)
})

t.test('two beacons find each other; start and stop are idempotent and leave nothing behind', async (t) => {
  const before = resources()
  const n = channel()
  const a = node(t, n)
  const bKey = randomBytes(32)
  const b = node(t, { ...n, publicKey: bKey })
  await Promise.all([a.start(), a.start()])
  await b.start()
  t.ok(await eventually(() => a.seen.length > 0 && b.seen.length > 0, 3000), 'both see the other')
  t.equal(a.seen[0]?.host, '127.0.0.1')
  t.same(a.seen[0]?.publicKey, bKey, 'with its public key')
  t.equal(a.seen[0]?.instanceId, b.instanceId.toString('hex'), 'and its instance id')
  t.equal(a.seen[0]?.source, 'lan')
  t.equal(a.peers().length, 1, 'peers() lists b')
  t.ok(a.stats.sent >= 1 && a.stats.received >= 1, `stats count traffic: ${JSON.stringify(a.stats)}`)
  t.equal(a.seen.length, 1, 'one event only, however many beacons b sent')
  t.equal(resources().udp - before.udp, 4, 'one receive and one send socket each')
  await Promise.all([a.stop(), a.stop(), b.stop()])
  await b.stop()
  await new Promise((resolve) => setTimeout(resolve, 20)) // libuv finishes closing handles on its next turn
  const after = resources()
  t.equal(after.udp, before.udp, 'every socket is closed')
  t.ok(after.timers <= before.timers, 'every timer is cleared')
  t.same(a.peers(), [], 'peers are forgotten')
  t.equal(a.lost.length, 0, "stop() emits no 'lost'")
  await a.start()
  t.ok(await eventually(() => a.stats.sent > 0 && resources().udp === before.udp + 2, 2000), 'a stopped beacon starts again')
})

t.test('a restart with a new instance id is a new candidate; the old one is lost', async (t) => {
  const n = channel()
  const a = node(t, { ...n, peerTimeoutMs: 600 })
  const port = 5000
  const publicKey = randomBytes(32)
  const b1 = node(t, { ...n, port, publicKey })
  await a.start()
  await b1.start()
  t.ok(await eventually(() => a.seen.length === 1, 3000), 'a sees b')
  await b1.stop()
  const b2 = node(t, { ...n, port: port + 1, publicKey: randomBytes(32) })
  await b2.start()
  t.ok(await eventually(() => a.seen.length === 2, 3000), 'the new run is reported')
  t.equal(a.seen[1]?.instanceId, b2.instanceId.toString('hex'))
  t.equal(a.seen[1]?.port, port + 1, 'with its new port')
  t.ok(await eventually(() => a.lost.length === 1, 3000), 'the old run is lost')
  t.equal(a.lost[0]?.instanceId, b1.instanceId.toString('hex'))
  t.equal(a.peers().length, 1, 'only the new run is left')
})

t.test('a changed port or key under the same instance id is reported again', async (t) => {
  const n = channel()
  const a = node(t, n)
  const instanceId = randomBytes(16)
  const b1 = node(t, { ...n, instanceId, port: 6000 })
  await a.start()
  await b1.start()
  t.ok(await eventually(() => a.seen.length === 1, 3000), 'a sees b')
  await b1.stop()
  const b2 = node(t, { ...n, instanceId, port: 6001 })
  await b2.start()
  t.ok(await eventually(() => a.seen.length === 2, 3000), 'the change is reported')
  t.equal(a.seen[1]?.port, 6001)
  t.equal(a.peers().length, 1, 'as the same candidate')
})

t.test('interfaces are re-scanned at every announce', async (t) => {
  const n = channel()
  let mine = ['127.0.0.1']
  const a = node(t, { ...n, addresses: () => mine.map((address) => ({ address })), peerTimeoutMs: 800 })
  const b = node(t, n)
  await a.start()
  await b.start()
  t.ok(await eventually(() => b.seen.some((c) => c.host === '127.0.0.1'), 3000), 'b sees a at 127.0.0.1')
  t.equal(igmpUsers(n.group, 'lo'), 2, 'a and b are members of the group on lo')
  // Both addresses sit on lo: joining through the second is EADDRINUSE, which must count as joined.
  mine = ['127.0.0.1', '127.0.0.2']
  t.ok(await eventually(() => b.seen.some((c) => c.host === '127.0.0.2'), 3000), 'a new address is announced on')
  // Dropping the first leaves lo; a must join again through the second or it would go deaf.
  mine = ['127.0.0.2']
  t.ok(await eventually(() => b.lost.some((c) => c.host === '127.0.0.1'), 3000), 'the vanished address falls silent')
  t.equal(igmpUsers(n.group, 'lo'), 2, 'a is still a member on lo, through 127.0.0.2')
  const received = a.stats.received
  t.ok(await eventually(() => a.stats.received > received + 2, 3000), 'a still hears b after the membership moved')
  t.equal(a.lost.length, 0, 'a never lost b')
  t.same(a.warnings, [], 'no warnings along the way')
})

t.test('an address that is not ours is a warning, never a throw', async (t) => {
  const n = channel()
  // 192.0.2.0/24 is TEST-NET-1: never assigned here, so bind and join fail.
  const a = node(t, { ...n, addresses: () => [{ address: '192.0.2.123' }, { address: 'fe80::1' }, { address: '127.0.0.1' }] })
  const b = node(t, n)
  await a.start()
  await b.start()
  t.ok(await eventually(() => b.seen.length === 1, 3000), 'the good address still works')
  t.ok(a.warnings.length > 0, `warned: ${a.warnings.map((w) => w.message).join('; ')}`)
  t.ok(a.warnings.every((w) => /192\.0\.2\.123/.test(w.message)), 'only about the bad address (the IPv6 one is ignored)')
})

t.test('modes', async (t) => {
  const n = channel()
  const listener = node(t, { ...n, mode: 'listen-only' })
  const quiet = node(t, { ...n, mode: 'announce-only' })
  const both = node(t, n)
  await Promise.all([listener.start(), quiet.start(), both.start()])
  t.ok(await eventually(() => listener.seen.length === 2, 3000), 'listen-only sees both others')
  await new Promise((resolve) => setTimeout(resolve, 600))
  t.equal(listener.stats.sent, 0, 'listen-only sent nothing')
  t.equal(both.seen.length, 1, 'both sees only announce-only')
  t.equal(both.seen[0]?.instanceId, quiet.instanceId.toString('hex'))
  t.equal(quiet.seen.length, 0, 'announce-only emits no peer')
  t.ok(quiet.stats.received > 0, 'but counts what it receives')
})
