/**
 * Fuzzing pushes (issue 19, protocol §5a): a hostile member sends real pushes of its own log
 * with one field mutated (block bytes, index, proof nodes, upgrade range, signature, size).
 * Whatever arrives, the victim shows only what the member really wrote, counts each push it
 * did not store, and the connection keeps carrying honest traffic.
 */
import t from 'tap'
import fc from 'fast-check'
import { pushLimits, type PushStats } from '../../src/replication/push.js'
import type { HypercorePeer } from '../../src/replication/push-gate.js'
import { provable } from '../../src/bundles/proofs.js'
import { eventually, lines, link, peer, replicator } from '../helpers/peers.js'

type WirePeer = HypercorePeer & { wireData: { send: (m: unknown) => void } }
type Mutation = (push: any, rnd: number) => void

/** One change to a real push each; `rnd` in [0, 1) picks where. */
const MUTATIONS: Record<string, Mutation> = {
  'block byte': (p, r) => { p.block.value = Buffer.from(p.block.value); p.block.value[Math.floor(r * p.block.value.length)] ^= 0xff },
  'block index': (p, r) => { p.block.index = Math.floor(r * 1_000_000) },
  'block size': (p, r) => { p.block.value = Buffer.alloc(Math.floor(r * 2 * pushLimits.maxBlockBytes), 7) },
  'node hash': (p, r) => { const n = p.upgrade?.nodes ?? p.block.nodes; if (n.length > 0) n[Math.floor(r * n.length)].hash = Buffer.alloc(32, 9) },
  'upgrade range': (p, r) => { if (p.upgrade !== null) p.upgrade.length = 1 + Math.floor(r * 100) },
  signature: (p, r) => { if (p.upgrade?.signature != null) { p.upgrade.signature = Buffer.from(p.upgrade.signature); p.upgrade.signature[Math.floor(r * 64)] ^= 1 } },
  fork: (p, r) => { p.fork = 1 + Math.floor(r * 3) }
}

t.test('mutated pushes never show anything the member did not write, and the link stays usable', async (t) => {
  const invalidLimit = pushLimits.invalidLimit
  pushLimits.invalidLimit = 1_000_000
  t.teardown(() => { pushLimits.invalidLimit = invalidLimit })
  const victim = await peer(t, 'Victim')
  const hostile = await peer(t, 'Hostile', { push: false })
  const { invite } = await victim.createRoom('r')
  await hostile.joinRoom(invite)
  const { b: session } = await link(t, victim, hostile)
  const room = hostile.rooms.resolve('r')
  await hostile.send(room, 'real 0')
  t.ok(await eventually(async () => (await lines(victim, 'r')).some((l) => l.endsWith('real 0'))), 'linked')
  const own = provable((await hostile.logs(room)).own.core)
  const wire = (own as unknown as { core: { replicator: { peers: WirePeer[] } } }).core.replicator.peers.find((p) => p.stream === session.stream)
  if (wire === undefined) throw new Error('no channel for the hostile log')

  const cases = fc.sample(fc.tuple(fc.constantFrom(...Object.keys(MUTATIONS)), fc.double({ min: 0, max: 0.999, noNaN: true })), 60)
  const written = new Set(['real 0'])
  for (const [i, [name, rnd]] of cases.entries()) {
    const held = own.length
    await hostile.send(room, `real ${i + 1}`)
    written.add(`real ${i + 1}`)
    const proof = await own.proof({ block: { index: held, nodes: 0 }, upgrade: { start: held, length: own.length - held } })
    const push: any = { request: 0, ...proof, manifest: null }
    MUTATIONS[name](push, rnd)
    wire.wireData.send(push)
  }
  await hostile.send(room, 'marker')
  t.ok(await eventually(async () => (await lines(victim, 'r')).some((l) => l.endsWith(' marker')), 30_000), 'an honest message sent after all of them arrives')
  const shown = (await lines(victim, 'r')).filter((l) => / Hostile msg /.test(l)).map((l) => l.replace(/^.* Hostile msg /, ''))
  t.same(shown.filter((text) => !written.has(text) && text !== 'marker'), [], 'every message shown is one the member wrote')
  t.equal(shown.length, written.size + 1, 'and every one it wrote arrived, through replication when the push was bad')
  const stats = (await replicator(victim)).pushStats() as PushStats
  const dropped = Object.values(stats.dropped).reduce((a, b) => a + b, 0)
  t.comment(`fuzz: ${cases.length} mutated pushes; dropped ${JSON.stringify(stats.dropped)}, duplicates ${stats.duplicates}, stored ${stats.received}`)
  t.ok(dropped + stats.duplicates > 0, 'mutated pushes were dropped and counted')
  t.notOk(session.stream.destroyed, 'the connection was never cut (forgery limit raised for the fuzz)')
})
