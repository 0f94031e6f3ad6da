/**
 * The mesh policy with real connection managers: many managers on 127.0.0.1, each told about
 * every other one (as LAN beacons would), with a cap of 8. They must converge to one connected
 * mesh with a small diameter, where both ends agree on every link and no manager ever holds
 * more than 8 connections; and mend it when a tenth of them leave.
 */
import t, { type Test } from 'tap'
import { graphStats, type ConnectionManager, type GraphStats } from '../../src/transport/index.js'
import { candidateOf, eventually, introduce, manager, sleep, sortedKeyPairs } from './helpers.js'

const PEERS = 100
const CAP = 8
const DEADLINE_MS = 25_000
const LEAVING = 10

/** The links each manager holds, by key. */
function graphOf (managers: ConnectionManager[]): Map<string, Set<string>> {
  return new Map(managers.map((m) => [m.publicKey.toString('hex'), new Set(m.connections().map((c) => c.info.publicKey.toString('hex')))]))
}

/** Links held at one end only (being opened or closed). */
function oneSided (graph: Map<string, Set<string>>): number {
  let count = 0
  for (const [a, links] of graph) for (const b of links) if (graph.get(b)?.has(a) !== true) count++
  return count
}

/** Poll until the mesh is connected, both ends agree and degrees held still for a second; bounded by `deadline`. */
async function settle (managers: ConnectionManager[], deadline: number): Promise<{ graph: Map<string, Set<string>>, stats: GraphStats }> {
  let graph = graphOf(managers)
  let stats = graphStats(graph)
  let stableSince = Date.now()
  let last = ''
  for (let i = 0; i < 1000 && Date.now() < deadline; i++) {
    await sleep(250)
    graph = graphOf(managers)
    stats = graphStats(graph)
    const shape = [...graph.values()].map((s) => s.size).join(',')
    const settled = stats.connected && oneSided(graph) === 0
    if (!settled || shape !== last) stableSince = Date.now()
    last = shape
    if (settled && Date.now() - stableSince >= 1000) break
  }
  return { graph, stats }
}

/** Check a settled mesh. */
function checkMesh (t: Test, label: string, graph: Map<string, Set<string>>, stats: GraphStats, peak: number): void {
  t.ok(stats.connected, `${label}: one connected mesh (${stats.components} component(s))`)
  t.equal(oneSided(graph), 0, `${label}: both ends agree on every link`)
  t.ok(stats.diameter <= 6, `${label}: diameter ${stats.diameter} ≤ 6`)
  t.ok(stats.maxDegree <= CAP, `${label}: no manager over the cap now (max ${stats.maxDegree})`)
  t.ok(peak <= CAP, `${label}: no manager ever over the cap (peak ${peak})`)
  t.ok(stats.medianDegree >= CAP - 2, `${label}: the cap is used (median degree ${stats.medianDegree})`)
}

t.test(`${PEERS} managers with maxConnections ${CAP} converge to a connected mesh, and repair it when ${LEAVING} leave`, async (t) => {
  const options = { maxConnections: CAP, graceMs: 300, backoff: { initialMs: 100, maxMs: 2000 }, mesh: { cooldownMs: 5000 } }
  const managers = await Promise.all(Array.from({ length: PEERS }, async () => await manager(t, options)))
  let peak = 0
  for (const m of managers) m.on('connection', () => { peak = Math.max(peak, m.connections().length) })
  const started = Date.now()
  for (const m of managers) for (const other of managers) if (other !== m) m.addCandidate(candidateOf(other))
  const first = await settle(managers, started + DEADLINE_MS)
  const took = Date.now() - started
  const s = first.stats
  t.comment(`after ${took} ms: ${s.links} links, degree min ${s.minDegree} / median ${s.medianDegree} / max ${s.maxDegree}, diameter ${s.diameter}, peak ${peak}`)
  const dials = managers.reduce((sum, m) => sum + m.stats.dials, 0)
  t.comment(`dials ${dials}, refused ${managers.reduce((sum, m) => sum + m.stats.refused, 0)}, evicted ${managers.reduce((sum, m) => sum + m.stats.evicted, 0)}`)
  t.ok(took < DEADLINE_MS, `settled within ${DEADLINE_MS} ms (took ${took} ms)`)
  checkMesh(t, 'all joined', first.graph, s, peak)
  t.ok(dials < PEERS * PEERS / 2, `far fewer dials than a full mesh would need (${dials})`)

  // Every tenth manager stops; the others hear it is gone, as from a lost beacon.
  const gone = managers.filter((_, i) => i % (PEERS / LEAVING) === 0)
  const staying = managers.filter((m) => !gone.includes(m))
  await Promise.all(gone.map(async (m) => await m.close()))
  for (const m of staying) for (const g of gone) m.removeCandidate(candidateOf(g))
  const restarted = Date.now()
  const second = await settle(staying, restarted + DEADLINE_MS)
  const s2 = second.stats
  t.comment(`repaired after ${Date.now() - restarted} ms: ${s2.links} links, degree min ${s2.minDegree} / median ${s2.medianDegree} / max ${s2.maxDegree}, diameter ${s2.diameter}`)
  checkMesh(t, `${LEAVING} left`, second.graph, s2, peak)
  await Promise.all(managers.map(async (m) => await m.close()))
})

t.test('a full manager makes room for a new ring neighbour by closing a long link', async (t) => {
  // Sorted keys: the hub is pairs[4]; the newcomer pairs[5] sits right next to it.
  const pairs = sortedKeyPairs(9)
  const cap = 4 // one ring neighbour per side, two long links
  const hub = await manager(t, { keyPair: pairs[4], maxConnections: cap, graceMs: 100, backoff: { initialMs: 50, maxMs: 400 } })
  const others = await Promise.all([0, 1, 2, 3, 6, 7, 8].map(async (i) => await manager(t, { keyPair: pairs[i], graceMs: 100, backoff: { initialMs: 50, maxMs: 400 } })))
  let peak = 0
  hub.on('connection', () => { peak = Math.max(peak, hub.connections().length) })
  for (const o of others) introduce(hub, o)
  const ringKeys = (): string[] => hub.connections().map((c) => c.info.publicKey.toString('hex'))
  const [below, above] = [pairs[3], pairs[6]].map((p) => p.publicKey.toString('hex'))
  t.ok(await eventually(() => hub.connections().length === cap && ringKeys().includes(below) && ringKeys().includes(above), 5000),
    `the hub fills its ${cap} slots, its two ring neighbours among them`)
  const status = hub.meshStatus()
  t.ok(!status.fullMesh && status.ring === 2, `it runs the mesh policy with 7 peers known and a cap of 4 (full mesh: ${String(status.fullMesh)}, ring ${status.ring})`)

  const newcomer = await manager(t, { keyPair: pairs[5], graceMs: 100, backoff: { initialMs: 50, maxMs: 400 } })
  const newHex = newcomer.publicKey.toString('hex')
  introduce(hub, newcomer)
  t.ok(await eventually(() => ringKeys().includes(newHex), 5000), 'the newcomer, now a ring neighbour, is connected')
  t.ok(hub.stats.evicted >= 1, `a long link was closed to make room (${hub.stats.evicted})`)
  t.ok(ringKeys().includes(below), 'the ring neighbour on the other side stays')
  await sleep(1000) // the peers that lost their slot keep knocking
  t.ok(hub.connections().length <= cap, `still within the cap (${hub.connections().length})`)
  t.ok(peak <= cap, `never over the cap (peak ${peak})`)
})
