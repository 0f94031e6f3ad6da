/**
 * Hostile pushes (issue 19, protocol §5a): a member running modified code sends, on its
 * real Hypercore channel, pushes that a tamtam never sends. Each is dropped and counted,
 * nothing of it is stored, and the connection stays usable for honest traffic (except a
 * flood or repeated forgeries, which cut it, as a flood of room messages does).
 *
 * The hostile member runs with pushes off, so its own node pushes nothing honest that
 * could race the crafted message; the victim runs tamtam as shipped.
 */
import t from 'tap'
import type { Hypercore } from 'hypercore'
import type { Tamtam } from '../../src/tamtam.js'
import { pushLimits, type PushStats } from '../../src/replication/push.js'
import type { HypercorePeer } from '../../src/replication/push-gate.js'
import { provable, manifestOf } from '../../src/bundles/proofs.js'
import { eventually, lines, link, peer, replicator } from '../helpers/peers.js'

interface Setup { victimMux: { opened: (o: { protocol: string, id: Buffer }) => boolean }, victim: Tamtam, hostile: Tamtam, own: Hypercore, wire: WirePeer, stats: () => Promise<PushStats>, closed: () => boolean }
type WirePeer = HypercorePeer & { wireData: { send: (m: unknown) => void } }

/** A victim and a hostile member linked, with the hostile side's Hypercore peer for its own log. */
async function setup (t: any): Promise<Setup> {
  const victim = await peer(t, 'Victim')
  const hostile = await peer(t, 'Hostile', { push: false })
  const { invite } = await victim.createRoom('r')
  await hostile.joinRoom(invite)
  const { a: victimSession, b: session } = await link(t, victim, hostile)
  let closed = false
  session.stream.once('close', () => { closed = true })
  await hostile.send(hostile.rooms.resolve('r'), 'hello')
  t.ok(await eventually(async () => await sees(victim, 'hello')), 'linked: the victim has the hostile member\'s first message')
  const own = (await hostile.logs(hostile.rooms.resolve('r'))).own.core
  const wire = (own as unknown as { core: { replicator: { peers: WirePeer[] } } }).core.replicator.peers.find((p) => p.stream === session.stream)
  if (wire === undefined) throw new Error('no Hypercore channel for the hostile log on the link')
  const stats = async (): Promise<PushStats> => (await replicator(victim)).pushStats() as PushStats
  return { victimMux: victimSession.stream.userData, victim, hostile, own, wire, stats, closed: () => closed }
}

async function sees (tt: Tamtam, text: string): Promise<boolean> {
  return (await lines(tt, 'r')).some((l) => l.endsWith(` ${text}`))
}

/** A real push of block `index` as Hypercore sends it, for a receiver holding `held` blocks. */
async function pushOf (core: Hypercore, index: number, held: number): Promise<Record<string, any>> {
  const p = provable(core)
  const upgrade = held < core.length ? { start: held, length: core.length - held } : null
  const proof = await p.proof({ block: { index, nodes: upgrade === null ? await p.missingNodes(index) : 0 }, upgrade })
  return { request: 0, ...proof, manifest: held === 0 ? manifestOf(p) : null }
}

/** Append a real message without telling anyone but by the crafted push that follows. */
async function appendQuietly (s: Setup, text: string): Promise<number> {
  const held = s.own.length
  await s.hostile.send(s.hostile.rooms.resolve('r'), text)
  return held
}

/** The honest path still works: a message sent now arrives. */
async function stillUsable (t: any, s: Setup, marker: string): Promise<void> {
  await s.hostile.send(s.hostile.rooms.resolve('r'), marker)
  t.ok(await eventually(async () => await sees(s.victim, marker)), `the connection still carries honest traffic: "${marker}" arrives`)
  t.notOk(s.closed(), 'the connection was not cut')
}

t.test('a forged push (block bytes changed) is dropped, counted and never shown; the real block comes by replication', async (t) => {
  const s = await setup(t)
  const held = await appendQuietly(s, 'the real text')
  const forged = await pushOf(s.own, held, held)
  forged.block.value = Buffer.from(forged.block.value).fill(0x41)
  s.wire.wireData.send(forged)
  t.ok(await eventually(async () => (await s.stats()).dropped.forged === 1), 'the victim counted one forged push')
  t.ok(await eventually(async () => await sees(s.victim, 'the real text')), 'the real block arrived through normal replication')
  t.notMatch((await lines(s.victim, 'r')).join('\n'), /AAAA/, 'nothing of the forged bytes is shown')
  await stillUsable(t, s, 'after forgery')
})

t.test('an oversized push is dropped before verification and counted', async (t) => {
  const s = await setup(t)
  const held = await appendQuietly(s, 'normal')
  const huge = await pushOf(s.own, held, held)
  huge.block.value = Buffer.alloc(pushLimits.maxBlockBytes + 1, 1)
  s.wire.wireData.send(huge)
  t.ok(await eventually(async () => (await s.stats()).dropped.oversized === 1), 'the victim counted one oversized push')
  t.equal((await s.stats()).dropped.forged, 0, 'it never reached verification')
  await stillUsable(t, s, 'after huge')
})

t.test('a push far behind the tail (an old block) is dropped as stale', async (t) => {
  const s = await setup(t)
  for (let i = 0; i < pushLimits.window + 5; i++) await s.hostile.send(s.hostile.rooms.resolve('r'), `old ${i}`)
  t.ok(await eventually(async () => await sees(s.victim, `old ${pushLimits.window + 4}`)), 'the victim holds the whole log')
  s.wire.wireData.send(await pushOf(s.own, 1, s.own.length))
  t.ok(await eventually(async () => (await s.stats()).dropped.stale === 1), 'the old block pushed again is dropped as stale')
  await stillUsable(t, s, 'after stale')
})

t.test('a push storm over the quota cuts the connection (PEER_FLOOD)', async (t) => {
  const quota = pushLimits.quota
  pushLimits.quota = 20
  t.teardown(() => { pushLimits.quota = quota })
  const s = await setup(t)
  const warnings: string[] = []
  ;(await replicator(s.victim)).on('warning', (err: { code?: string }) => warnings.push(String(err?.code)))
  const latest = await pushOf(s.own, s.own.length - 1, s.own.length - 1)
  for (let i = 0; i < 30; i++) s.wire.wireData.send(latest)
  t.ok(await eventually(() => s.closed()), 'the victim cut the connection')
  t.ok((await s.stats()).dropped.quota >= 1, 'pushes over the quota were dropped and counted')
  t.ok(warnings.includes('PEER_FLOOD'), 'and reported as PEER_FLOOD')
})

t.test('repeated forged pushes cut the connection', async (t) => {
  const s = await setup(t)
  const held = await appendQuietly(s, 'target')
  const forged = await pushOf(s.own, held, held)
  forged.block.value = Buffer.from(forged.block.value).fill(0x42)
  for (let i = 0; i <= pushLimits.invalidLimit; i++) s.wire.wireData.send(forged)
  t.ok(await eventually(() => s.closed()), `the victim cut the connection after over ${pushLimits.invalidLimit} forgeries in the window`)
  t.ok((await s.stats()).dropped.forged >= 1, 'the forgeries were counted')
})

t.test('a push of a log the room does not hold has no channel to travel on', async (t) => {
  const s = await setup(t)
  const store = s.hostile.openStore()
  if (store === null) throw new Error('the hostile store is not open')
  const foreign = store.get({ name: 'not-in-the-room' })
  await foreign.ready()
  await foreign.append(Buffer.from('junk'))
  const inner = (foreign as unknown as { core: { replicator: { attachTo: (m: unknown) => void, peers: HypercorePeer[] } } }).core.replicator
  inner.attachTo((s.wire as unknown as { protomux: unknown }).protomux)
  await stillUsable(t, s, 'after foreign')
  t.equal(inner.peers.length, 0, 'the victim never opened a channel for the foreign log, so no push can reach it')
  t.notOk(s.victimMux.opened({ protocol: 'hypercore/alpha', id: foreign.discoveryKey as Buffer }), 'and has no such channel open')
})

t.test('a forged reorg sent unasked does not mark the member as having rewritten history', async (t) => {
  // With pushes off the gate is not there: Hypercore itself takes unasked reorgs (and then
  // pauses that peer for the log, as for any invalid data), so this checks the fork guard
  // of the member log, which verifies the author's signature before marking anything.
  const victim = await peer(t, 'Victim', { push: false })
  const hostile = await peer(t, 'Hostile', { push: false })
  const { invite } = await victim.createRoom('r')
  await hostile.joinRoom(invite)
  const { a: victimSession, b: session } = await link(t, victim, hostile)
  await hostile.send(hostile.rooms.resolve('r'), 'hello')
  t.ok(await eventually(async () => await sees(victim, 'hello')), 'linked')
  const own = (await hostile.logs(hostile.rooms.resolve('r'))).own.core
  const wire = (own as unknown as { core: { replicator: { peers: WirePeer[] } } }).core.replicator.peers.find((p) => p.stream === session.stream) as WirePeer
  const log = (await victim.logs(victim.rooms.resolve('r'))).list().find((l) => l.key === own.key.toString('hex'))
  const seen = (log?.core as unknown as { core: { replicator: { peers: HypercorePeer[] } } }).core.replicator.peers.find((p) => p.stream === victimSession.stream)
  const reorg = await pushOf(own, own.length - 1, 0)
  reorg.fork = 1
  reorg.upgrade.signature = Buffer.alloc(reorg.upgrade.signature.length, 3)
  wire.wireData.send(reorg)
  t.ok(await eventually(() => (seen?.stats.invalidData ?? 0) >= 1), 'the victim handled the reorg and found it invalid')
  t.equal(log?.forked, null, 'the member log is not marked as forked')
})
