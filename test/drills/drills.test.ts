/**
 * Drills in process: a facilitator and participants on real stores linked by real Noise
 * streams. Checks acknowledgements, hop counts along a line, clock skew, forged probes
 * and acks, and the per-room opt-out.
 */
import t from 'tap'
import type { Tamtam } from '../../src/tamtam.js'
import { eventually, link, peer, replicator, contextOf } from '../helpers/peers.js'

/** Start the automatic responder on a peer, as a node does. */
async function respond (tt: Tamtam): Promise<void> {
  const r = await replicator(tt)
  await contextOf(tt).drills().respond(() => r.list())
}

async function line (t: any, names: string[], clocks: Record<string, () => number> = {}): Promise<Tamtam[]> {
  const peers = await Promise.all(names.map(async (n) => await peer(t, n, { clock: clocks[n] })))
  const { invite } = await peers[0].createRoom('atelier')
  for (const p of peers.slice(1)) await p.joinRoom(invite)
  for (const p of peers) await respond(p)
  t.teardown(async () => { for (const p of peers) await contextOf(p).drills().close() })
  for (let i = 0; i + 1 < peers.length; i++) await link(t, peers[i], peers[i + 1])
  // Wait until every peer knows every member log, so probes flow along the whole line.
  await eventually(async () => (await Promise.all(peers.map(async (p) => (await p.logs(p.rooms.resolve('atelier'))).list().length))).every((n) => n === peers.length), 10_000)
  return peers
}

t.test('a line F–A–B–C: everyone acknowledges, hop counts are 1, 2, 3, paths are right', async (t) => {
  const [f, a, b, c] = await line(t, ['F', 'A', 'B', 'C'])
  const room = f.rooms.resolve('atelier')
  const started = await contextOf(f).drills().start(room, { name: 'Coupure J1', probes: 2, intervalMs: 300, durationMs: 5000 })
  t.match(started, { drill: /^[0-9a-f]{12}$/, name: 'Coupure J1' }, 'the drill starts with an id')
  const done = await eventually(async () => {
    const r = await contextOf(f).drills().report(room)
    return r.participants.every((p) => p.receipts.length === 2 && p.clock === 'round-trip')
  }, 15_000, 100)
  t.ok(done, 'every participant acknowledged both probes, and the facilitator saw every acknowledgement')
  const report = await contextOf(f).drills().report(room)
  const byName = Object.fromEntries(report.participants.map((p) => [p.name, p]))
  t.same(Object.keys(byName).sort(), ['A', 'B', 'C'], 'the facilitator is not a participant')
  t.same([byName.A.receipts[0].hops, byName.B.receipts[0].hops, byName.C.receipts[0].hops], [1, 2, 3], 'hop counts follow the line')
  t.same(byName.C.receipts[0].path, ['F', 'A', 'B', 'C'], 'and so does the path')
  t.ok(report.participants.every((p) => p.receipts.every((r) => r.latencyMs >= 0 && r.roundTripMs !== null && r.latencyMs <= r.roundTripMs)), 'latencies are between 0 and the round trip')
  t.equal(report.reach.at5s, 3, 'all 3 reached within 5 s')
  t.same(report.unreached, [], 'nobody unreached')

  // Reproducible: C rebuilds the same report from its own copy of the logs.
  t.ok(await eventually(async () => {
    const fromC = await contextOf(c).drills().report(c.rooms.resolve('atelier'))
    return JSON.stringify(fromC.participants) === JSON.stringify(report.participants)
  }, 10_000, 100), 'a participant rebuilds the same report from the logs alone')
  void a; void b
  t.comment(`drill-line: latencies ${report.participants.map((p) => `${p.name} ${p.receipts[0].latencyMs} ms`).join(', ')}`)
})

t.test('a participant whose clock is 5 minutes off gets no negative or absurd latency', async (t) => {
  for (const skew of [5 * 60_000, -5 * 60_000]) {
    const [f, s] = await line(t, ['F', 'Skewed'], { Skewed: () => Date.now() + skew })
    const room = f.rooms.resolve('atelier')
    await contextOf(f).drills().start(room, { name: 'skew', probes: 3, intervalMs: 200, durationMs: 5000 })
    t.ok(await eventually(async () => (await contextOf(f).drills().report(room)).participants[0]?.receipts.filter((r) => r.roundTripMs !== null).length === 3, 15_000, 100), `skew ${skew / 60_000} min: all probes acknowledged, and the acknowledgements timed by the facilitator`)
    const p = (await contextOf(f).drills().report(room)).participants[0]
    t.ok(p.receipts.every((r) => r.latencyMs >= 0 && r.latencyMs < 5000), `latencies ${p.receipts.map((r) => r.latencyMs).join(', ')} ms are non-negative and under 5 s`)
    t.ok(p.clockOffsetMs !== null && Math.abs(p.clockOffsetMs - skew) < 5000, `the estimated offset ${p.clockOffsetMs} ms is within 5 s of the real ${skew} ms`)
    void s
  }
})

t.test('forged probes and acks: only the facilitator\'s probes count, and nobody acks for someone else', async (t) => {
  const [f, a, m] = await line(t, ['F', 'A', 'Mallory'])
  const room = f.rooms.resolve('atelier')
  // A turns acknowledgements off: A must then count as unreached, whatever Mallory claims.
  a.rooms.resolve('atelier').settings.drillAck = false
  const started = await contextOf(f).drills().start(room, { name: 'vrai', probes: 1, intervalMs: 1000, durationMs: 5000 })
  const mroom = m.rooms.resolve('atelier')
  const mlogs = await m.logs(mroom)
  const aKey = (await a.logs(a.rooms.resolve('atelier'))).own.key
  // Mallory copies the drill id into a probe of her own, and writes an ack that claims to be A's.
  await mlogs.own.append([{ type: 'drill-probe', drill: started.drill, seq: 0, name: 'faux' }])
  await mlogs.own.append([{ type: 'drill-ack', drill: started.drill, probe: started.probe, receivedAt: Date.now(), via: aKey, identity: aKey, core: aKey }])
  t.ok(await eventually(async () => (await contextOf(f).drills().list(room)).length === 2, 10_000, 100), 'both drills are listed, one per facilitator log')
  const report = await contextOf(f).drills().report(room, started.drill)
  t.equal(report.name, 'vrai', 'the facilitator\'s own report picks its own log, not the copy')
  t.ok(await eventually(async () => (await contextOf(f).drills().report(room, started.drill)).participants.some((p) => p.name === 'Mallory' && p.receipts.length === 1), 10_000, 100), 'Mallory\'s ack counts for Mallory')
  const again = await contextOf(f).drills().report(room, started.drill)
  t.same(again.participants.find((p) => p.name === 'A')?.receipts, [], 'and not for A, who did not acknowledge')
  t.ok(again.unreached.some((u) => u.startsWith('A ')), 'A is listed as never reached')
  await t.rejects(contextOf(a).drills().report(a.rooms.resolve('atelier'), started.drill), { code: 'DRILL_AMBIGUOUS' }, 'a third party is told the id is in two logs')
  const fKey = (await f.logs(room)).own.key
  t.equal((await contextOf(a).drills().report(a.rooms.resolve('atelier'), `${started.drill}@${fKey.slice(0, 8)}`)).name, 'vrai', 'and picks one with ID@LOG')
  t.equal(contextOf(a).drills().responder?.acked, 0, 'A wrote no acknowledgement with drill-ack off')
})
