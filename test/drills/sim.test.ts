/**
 * `drill sim`: the mesh and the wire as pure pieces, then whole simulations on real stores
 * and real Noise streams (a clean mesh, a partition that heals, a lossy network), and the
 * options a facilitator can get wrong. About 75 s on two idle cores, most of it the 50-peer
 * mesh settling: each peer verifies every member's binding with tweetnacl (~10 ms each).
 */
import t from 'tap'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { simulate, type SimResult } from '../../src/sim/simulation.js'
import { cutEdges, degrees, meshGraph, partitionGroup, type Edge } from '../../src/sim/graph.js'
import { mulberry32, Wire } from '../../src/sim/wire.js'
import type { DrillReport } from '../../src/drills/types.js'
import { REPORT_FORMATS, renderReport } from '../../src/drills/render/index.js'

/** Whether every peer can reach peer 0 over `edges`. */
function connected (n: number, edges: Edge[]): boolean {
  const next = Array.from({ length: n }, () => [] as number[])
  for (const [u, v] of edges) {
    next[u].push(v)
    next[v].push(u)
  }
  const seen = new Set([0])
  const todo = [0]
  while (todo.length > 0) for (const v of next[todo.pop() as number]) if (!seen.has(v)) { seen.add(v); todo.push(v) }
  return seen.size === n
}

/** One line per run for the CI log. */
function figure (label: string, r: SimResult): string {
  const s = r.stats
  return `drill-sim: ${label}: ${s.allReached ? 'all reached' : `${r.report.unreached.length} unreached`} in ${s.wallMs} ms (setup ${s.setupMs} ms, drill ${s.runMs} ms), ` +
    `p50 ${String(r.report.latency.p50)} ms, p90 ${String(r.report.latency.p90)} ms, event-loop delay p90 ${s.loopDelayP90Ms} ms, ${s.links} links, process peak RSS ${s.rssMb} MB, ` +
    `${s.retransmitted}/${s.chunks} chunks retransmitted, ${s.warnings} warnings, seed ${s.seed}`
}

const reachedNames = (report: DrillReport): string[] => report.participants.filter((p) => p.receipts.length > 0).map((p) => p.name)

t.test('the mesh is connected, about `degree` links per peer, and the same for the same seed', async (t) => {
  // [peers, degree]: the issue's example, a thin tree, a dense small mesh, the largest allowed.
  const cases: Array<[number, number]> = [[50, 3], [10, 1], [5, 4], [500, 16], [2, 1]]
  for (const [n, d] of cases) {
    const edges = meshGraph(n, d, mulberry32(7))
    const deg = degrees(n, edges)
    t.ok(connected(n, edges), `${n} peers, degree ${d}: connected`)
    t.ok(Math.max(...deg) <= Math.max(d, 2), `${n} peers, degree ${d}: nobody over max(degree, 2) links (max ${Math.max(...deg)})`)
    t.ok(new Set(edges.map(([u, v]) => `${u}-${v}`)).size === edges.length && edges.every(([u, v]) => u < v), 'no duplicate link, no self-link')
    if (d >= 2) t.ok(deg.filter((x) => x >= d).length >= n * 0.8, `most peers reach the degree (${deg.filter((x) => x >= d).length}/${n})`)
    t.same(meshGraph(n, d, mulberry32(7)), edges, 'same seed, same mesh')
  }
  t.not(JSON.stringify(meshGraph(50, 3, mulberry32(1))), JSON.stringify(meshGraph(50, 3, mulberry32(2))), 'another seed, another mesh')
})

t.test('a partition: about 30%, never the facilitator, and exactly who the cut strands', async (t) => {
  for (const n of [2, 3, 20, 300]) {
    const edges = meshGraph(n, Math.min(3, n - 1), mulberry32(n))
    const group = partitionGroup(n, edges, mulberry32(n))
    const inGroup = new Set(group)
    t.notOk(inGroup.has(0), `${n} peers: the facilitator stays outside`)
    t.ok(group.length >= Math.min(n - 1, Math.round(n * 0.3)) && group.length < n, `${n} peers: ${group.length} cut off`)
    const cut = cutEdges(edges, group)
    t.ok(cut.length >= 1 && cut.every((i) => inGroup.has(edges[i][0]) !== inGroup.has(edges[i][1])), 'links across are cut, and only those')
    const rest = Array.from({ length: n }, (_, i) => i).filter((i) => !inGroup.has(i))
    t.ok(connected(rest.length, edges.filter(([u, v]) => !inGroup.has(u) && !inGroup.has(v)).map(([u, v]) => [rest.indexOf(u), rest.indexOf(v)])), 'the rest still reaches the facilitator')
  }
})

t.test('a lossy wire delays but never drops or reorders bytes', async (t) => {
  const wire = new Wire({ delayMs: [1, 5], loss: 0.3, rtoMs: 5, random: mulberry32(3) })
  const got: Buffer[] = []
  const sink = new PassThrough()
  wire.b.pipe(sink)
  sink.on('data', (d: Buffer) => got.push(d))
  const ended = new Promise((resolve) => sink.once('end', resolve))
  const sent = Array.from({ length: 200 }, (_, i) => Buffer.from(`chunk ${i};`))
  for (const chunk of sent) wire.a.write(chunk)
  wire.a.end()
  await ended
  t.equal(Buffer.concat(got).toString(), Buffer.concat(sent).toString(), 'every byte arrives, in order')
  t.ok(wire.stats.lost > 20 && wire.stats.lost < 120, `about 30% of 200 chunks were retransmitted (${wire.stats.lost})`)
  wire.destroy()
  t.ok(wire.a.destroyed && wire.b.destroyed, 'cutting the wire closes both ends')
})

t.test('50 peers, degree 3: everyone is reached, and the report renders in every format', async (t) => {
  const phases = new Set<string>()
  const r = await simulate({ peers: 50, degree: 3, probes: 3, intervalMs: 500, seed: 50, onProgress: (e) => phases.add(e.phase) })
  const { report, stats } = r
  t.equal(report.participants.length, 49, '49 participants: everyone but the facilitator')
  t.equal(report.facilitator.name, 'Facilitator', 'peer 0 runs the drill')
  t.ok(stats.allReached && report.unreached.length === 0, 'nobody unreached')
  t.ok(stats.complete, 'every probe acknowledged by everyone, every acknowledgement timed')
  const receipts = report.participants.flatMap((p) => p.receipts)
  t.ok(receipts.every((x) => x.hops !== null && x.hops >= 1), `hop counts are known and at least 1 (up to ${Math.max(...receipts.map((x) => x.hops ?? 0))})`)
  t.ok(receipts.every((x) => x.latencyMs >= 0), 'latencies are not negative')
  t.ok(report.participants.every((p) => p.receipts[0].path[0] === 'Facilitator' && p.receipts[0].path.at(-1) === p.name), 'paths run from the facilitator to the participant')
  t.match(stats, { peers: 50, lossPct: 0, partitionMs: 0, seed: 50, settled: true, warnings: 0 }, 'the stats say what was simulated')
  t.ok(stats.degreeMax <= 3 && stats.links >= 49, `${stats.links} links, at most 3 per peer`)
  t.ok(stats.rssMb > 0 && stats.setupMs + stats.runMs <= stats.wallMs, 'memory and times are filled in')
  t.same([...phases].sort(), ['open', 'report', 'run', 'sync'], 'progress went through open, sync, run and report')
  t.comment(figure('50 peers degree 3', r))

  // A simulated report renders in every format (imported statically: a missing or broken
  // renderer fails this file instead of skipping the check).
  t.ok(REPORT_FORMATS.length >= 5, `there are report formats to check (${REPORT_FORMATS.join(', ')})`)
  for (const format of REPORT_FORMATS) {
    const text = renderReport(report, format)
    t.ok(text.length > 0 && text.includes(format === 'svg' ? '<svg' : 'P0'), `renders as ${format}`)
  }
})

t.test('a partition: the cut-off group is unreached until the links come back, then reached', async (t) => {
  const peers = 15
  const r = await simulate({ peers, degree: 3, partitionMs: 3000, probes: 3, intervalMs: 500, seed: 20 })
  const { partition, report, stats } = r
  if (partition === null || partition.before === null) throw new Error('the partition never healed')
  t.ok(partition.group.length >= Math.round(peers * 0.3) && partition.group.length < peers - 1, `${partition.group.length} of ${peers} peers cut off`)
  t.notOk(partition.group.includes('Facilitator'), 'never the facilitator')
  const before = reachedNames(partition.before)
  t.same(before.filter((n) => partition.group.includes(n)), [], 'while cut off, nobody in the group was reached')
  t.same(partition.before.unreached.map((u) => u.split(' ')[0]).sort(), [...partition.group].sort(), 'and the report of that moment lists exactly them as unreached')
  t.equal(before.length, peers - 1 - partition.group.length, 'while everyone else was')
  t.ok(partition.healedAtMs !== null && partition.healedAtMs >= 3000, `healed after ${partition.healedAtMs} ms`)
  t.ok(stats.allReached && report.unreached.length === 0, 'after healing, everybody is reached')
  t.same(stats.warningSamples, [], 'cutting and re-creating links raised no warning')
  // Store and forward: the group gets probe 0 only after the heal. The report's NTP-style
  // clock estimate takes part of that one-way wait for a clock offset (all clocks here are
  // one), so only the order and a loose floor are checked, not the full 3 s.
  const first = (inGroup: boolean): number[] => report.participants.filter((p) => partition.group.includes(p.name) === inGroup).map((p) => p.receipts[0].latencyMs)
  t.ok(Math.min(...first(true)) > Math.max(...first(false)) && Math.min(...first(true)) >= 1000,
    `the group got probe 0 later (${Math.min(...first(true))} ms and up) than anyone else (${Math.max(...first(false))} ms at most)`)
  t.comment(figure(`${peers} peers, ${partition.group.length} cut off for 3 s`, r))
})

t.test('5% loss: everyone is still reached', async (t) => {
  const r = await simulate({ peers: 12, degree: 3, lossPct: 5, probes: 3, intervalMs: 500, seed: 5 })
  t.ok(r.stats.allReached && r.stats.complete, 'every probe reached everyone, and came back')
  t.ok(r.stats.retransmitted > 0, `the wires lost chunks (${r.stats.retransmitted} retransmitted)`)
  t.comment(figure('12 peers degree 3, 5% loss', r))
})

t.test('a simulation leaves nothing behind: no temp dir, no timer; a given dir is kept', async (t) => {
  const tmp = (): string[] => readdirSync(os.tmpdir()).filter((f) => f.startsWith('tamtam-sim-'))
  const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
  const [dirsBefore, timersBefore] = [tmp(), timers()]
  const r = await simulate({ peers: 4, degree: 2, probes: 1, seed: 4 })
  t.ok(r.stats.complete, 'the small drill completed')
  t.same(tmp(), dirsBefore, 'the temp dir is gone')
  t.ok(timers() <= timersBefore, `no timer left running (${timers()} now, ${timersBefore} before)`)
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tamtam-test-sim-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  await simulate({ peers: 2, degree: 1, probes: 1, seed: 2, dir })
  t.same(readdirSync(dir).sort(), ['p0', 'p1'], 'stores in a given dir are kept, one home per peer')

  // Ctrl-C: stopped during setup, it still closes every store and removes its dir.
  const stop = new AbortController()
  await t.rejects(simulate({ peers: 6, degree: 2, seed: 6, signal: stop.signal, onProgress: (e) => { if (e.phase === 'open' && e.done === 3) stop.abort() } }), { name: 'AbortError' }, 'a stopped simulation rejects with the abort')
  t.same(tmp(), dirsBefore, 'and leaves no temp dir either')
})

t.test('options a facilitator can get wrong fail with USAGE before anything is created', async (t) => {
  // [options, what the message must name]
  const cases: Array<[Parameters<typeof simulate>[0], RegExp]> = [
    [{ peers: 1, degree: 1 }, /--peers/],
    [{ peers: 501, degree: 3 }, /--peers/],
    [{ peers: 2.5, degree: 1 }, /--peers/],
    [{ peers: 5, degree: 5 }, /--degree must be lower than --peers/],
    [{ peers: 50, degree: 0 }, /--degree/],
    [{ peers: 50, degree: 17 }, /--degree/],
    [{ peers: 50, degree: 3, lossPct: 90 }, /--loss/],
    [{ peers: 50, degree: 3, lossPct: -1 }, /--loss/],
    [{ peers: 50, degree: 3, partitionMs: -5 }, /--partition/],
    [{ peers: 50, degree: 3, delayMs: [30, 5] }, /delay/],
    [{ peers: 50, degree: 3, probes: 0 }, /--probes/],
    [{ peers: 50, degree: 3, probes: 10, intervalMs: 1000, durationMs: 2000 }, /do not fit/],
    [{ peers: 50, degree: 3, seed: -1 }, /--seed/],
    [{ peers: 50, degree: 3, partitionMs: 1000, partitionAtMs: 20_000, durationMs: 10_000 }, /after the drill ends/]
  ]
  for (const [opts, message] of cases) {
    await t.rejects(simulate(opts), { code: 'USAGE', message }, `${JSON.stringify(opts)} is refused`)
  }
})
