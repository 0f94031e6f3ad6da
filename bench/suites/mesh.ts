/**
 * The mesh suite (issue 9): 100 in-process peers with at most 8 connections each. Every peer
 * is a real Tamtam with a real ConnectionManager (TCP + Noise on 127.0.0.1, the mesh policy of
 * src/transport/mesh.ts) and a Replicator, in one room; candidates are handed over as LAN
 * beacons would report them. Measured: the time for one message to reach all the other peers
 * (median and p99 over several messages from random authors), connections per peer and the
 * diameter of the mesh, against a raw TCP round trip and a one-hop delivery between two peers
 * measured in the same run. Target: every peer reached in under 5 s.
 *
 * The simulation runs in a child process (`node dist/bench/suites/mesh.js --child JSON`), so its
 * memory and handles are its own. Set TAMTAM_BENCH_PROFILE=DIR to run the child with
 * `--cpu-prof` (whole child) and write a second profile of the counted messages alone, in DIR.
 */
import { writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { Session } from 'node:inspector'
import path from 'node:path'
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import type { BenchContext, Measure } from '../lib/measure.js'
import { against, figure, runNode, type Figure } from '../lib/measure.js'
import { cdfChart, markdownSection, targetLines, textTable, updateDoc, type BenchResult, type Target } from '../report/report.js'
import {
  closePeers, inBatches, introduceAll, linksOf, openPeers, peakRssMb, peersWithAllMembers, probe, seeded, seedMembers, startNetwork,
  tcpRoundTrips, useSodiumVerify, waitUntil, type MeshPeer
} from '../lib/mesh-peers.js'
import { distances, graphStats, undirected, type GraphStats } from '../../src/transport/index.js'

/** What one child simulates. */
export interface MeshPlan {
  /** Scratch dir for the peers' homes (removed by the parent). */
  dir: string
  peers: number
  maxConnections: number
  /** Counted messages, each from a random author, one at a time. */
  messages: number
  /** Pause between two messages, so one's trailing traffic does not delay the next. */
  gapMs: number
  /** Messages of the two-peer baseline. */
  oneHopMessages: number
  /** Round trips of the raw TCP baseline. */
  roundTrips: number
  seed: number
}

/** What the child reports. */
export interface MeshRun {
  peers: number
  maxConnections: number
  /** ms to open every peer and join the room; to a connected, settled mesh; to every peer holding every member log. */
  openMs: number
  meshMs: number
  membersMs: number
  graph: GraphStats
  degrees: number[]
  transport: { dials: number, refused: number, evicted: number }
  /** Per message: its author, the time to reach everyone, per receiver latency and hops, and this process's CPU time meanwhile. */
  probes: Array<{ author: number, reachAllMs: number, cpuMs: number, bitfieldMs: number, latencies: number[], hops: number[] }>
  oneHop: number[]
  roundTrips: number[]
  peakRssMb: number
  warnings: number
  /** While the counted messages ran: longest event-loop stall, and garbage-collector pauses. */
  stalls: { loopMaxMs: number, loopP99Ms: number, gcMaxMs: number, gcTotalMs: number, gcCount: number }
}

/** Profile `fn` with the inspector when TAMTAM_BENCH_PROFILE names a dir (the profile is written there as `label`.cpuprofile). */
async function profiled<T> (label: string, fn: () => Promise<T>): Promise<T> {
  const dir = process.env.TAMTAM_BENCH_PROFILE
  if (dir === undefined || dir === '') return await fn()
  const session = new Session()
  session.connect()
  const post = async (method: string, params?: object): Promise<any> => await new Promise((resolve, reject) => {
    session.post(method, params, (err, result) => { if (err !== null) reject(err); else resolve(result) })
  })
  await post('Profiler.enable')
  await post('Profiler.start')
  try {
    return await fn()
  } finally {
    const { profile } = await post('Profiler.stop')
    await writeFile(path.join(dir, `${label}-${process.pid}.cpuprofile`), JSON.stringify(profile))
    session.disconnect()
  }
}

/** Watch the event loop and the garbage collector while `fn` runs. */
async function watchStalls<T> (fn: () => Promise<T>): Promise<{ value: T, stalls: MeshRun['stalls'] }> {
  const loop = monitorEventLoopDelay({ resolution: 10 })
  const pauses: number[] = []
  const gc = new PerformanceObserver((list) => { for (const e of list.getEntries()) pauses.push(e.duration) })
  gc.observe({ entryTypes: ['gc'] })
  loop.enable()
  try {
    const value = await fn()
    return {
      value,
      stalls: { loopMaxMs: loop.max / 1e6, loopP99Ms: loop.percentile(99) / 1e6, gcMaxMs: Math.max(0, ...pauses), gcTotalMs: pauses.reduce((a, b) => a + b, 0), gcCount: pauses.length }
    }
  } finally {
    loop.disable()
    gc.disconnect()
  }
}

/** The suite's plan: 100 peers, cap 8. */
export const MESH_PLAN = { peers: 100, maxConnections: 8, messages: 20, gapMs: 300, oneHopMessages: 20, roundTrips: 100, seed: 9 }
/** The issue's target, in ms. */
const TARGET_MS = 5000
/** Marker of the child's result line on stdout. */
const RESULT = 'mesh-result '

// Child side ----------------------------------------------------------------------------

const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

/** Links held at one end only (being opened or closed). */
function oneSided (graph: Map<string, Set<string>>): number {
  let count = 0
  for (const [a, links] of graph) for (const b of links) if (graph.get(b)?.has(a) !== true) count++
  return count
}

/** Wait until the mesh is connected, both ends agree on every link, and degrees held for a second. */
async function settleMesh (peers: MeshPeer[], timeoutMs: number): Promise<number> {
  let last = ''
  let stableSince = performance.now()
  return await waitUntil(() => {
    const graph = linksOf(peers)
    const shape = [...graph.values()].map((s) => s.size).join(',')
    const settled = graphStats(graph).connected && oneSided(graph) === 0
    if (!settled || shape !== last) stableSince = performance.now()
    last = shape
    return settled && performance.now() - stableSince >= 1000
  }, timeoutMs, () => `the mesh did not settle: ${JSON.stringify(graphStats(linksOf(peers)))}`, 250)
}

/** Open, connect and fill one group of peers; returns the peers and the setup times. */
async function buildMesh (dir: string, n: number, plan: MeshPlan, onWarning: (err: unknown) => void): Promise<{ peers: MeshPeer[], openMs: number, meshMs: number, membersMs: number }> {
  const t0 = performance.now()
  const peers = await openPeers(dir, n, { maxConnections: plan.maxConnections })
  await inBatches(peers, async (p) => await startNetwork(p, { maxConnections: plan.maxConnections }, onWarning))
  const openMs = performance.now() - t0
  introduceAll(peers, seeded(plan.seed))
  const meshMs = await settleMesh(peers, 120_000)
  const t1 = performance.now()
  await seedMembers(peers)
  const membersMs = meshMs + (performance.now() - t1) + await waitUntil(async () => await peersWithAllMembers(peers) === n, 300_000,
    async () => `only ${await peersWithAllMembers(peers)} of ${n} peers hold every member log`, 500)
  return { peers, openMs, meshMs, membersMs }
}

/** ms spent so far in Hypercore's RemoteBitfield.insert, and how many calls (see timeBitfieldInserts). */
const bitfieldTime = { ms: 0, calls: 0 }

/**
 * Time every RemoteBitfield.insert of this process (instrumentation only: the method runs
 * unchanged). The first `bitfield` message a peer receives for a log on a connection lands
 * there and allocates a remote-bitfield segment with a sparse index over 256 KiB (hypercore
 * 11.39, lib/remote-bitfield.js): the first message of each author makes every directed link
 * of the mesh do it once. Measured here because it is where the slowest messages go.
 */
function timeBitfieldInserts (): void {
  const require = createRequire(import.meta.url)
  const RemoteBitfield = require('hypercore/lib/remote-bitfield.js') as { prototype: { insert: (...args: unknown[]) => unknown } }
  const insert = RemoteBitfield.prototype.insert
  RemoteBitfield.prototype.insert = function (this: unknown, ...args: unknown[]) {
    const t0 = performance.now()
    try {
      return insert.apply(this, args)
    } finally {
      bitfieldTime.ms += performance.now() - t0
      bitfieldTime.calls++
    }
  }
}

/** `count` messages from random authors (after one uncounted), one at a time. */
async function probes (peers: MeshPeer[], count: number, plan: MeshPlan): Promise<MeshRun['probes']> {
  const random = seeded(plan.seed + 1)
  const out: MeshRun['probes'] = []
  await probe(peers, peers[0], 'warm-up', 30_000)
  for (let i = 0; i < count; i++) {
    await sleep(plan.gapMs)
    const author = peers[Math.floor(random() * peers.length)]
    const hopsFrom = distances(undirected(linksOf(peers)), String(author.index))
    const bitfieldBefore = bitfieldTime.ms
    if (process.env.TAMTAM_BENCH_PROFILE !== undefined) process.stderr.write(`probe ${i} starts at ${process.hrtime.bigint() / 1000n} µs (profile clock)\n`)
    const cpu = process.cpuUsage()
    const r = await probe(peers, author, `probe ${i} from P${author.index}`, 30_000)
    const used = process.cpuUsage(cpu)
    const receivers = [...r.latencies.keys()]
    out.push({
      author: r.author,
      reachAllMs: r.reachAllMs,
      cpuMs: (used.user + used.system) / 1000,
      bitfieldMs: bitfieldTime.ms - bitfieldBefore,
      latencies: receivers.map((k) => r.latencies.get(k) ?? Number.NaN),
      hops: receivers.map((k) => hopsFrom.get(String(k)) ?? -1)
    })
  }
  return out
}

/** The whole simulation of one plan. */
export async function simulate (plan: MeshPlan): Promise<MeshRun> {
  useSodiumVerify()
  timeBitfieldInserts()
  let warnings = 0
  const onWarning = (): void => { warnings++ }
  const roundTrips = await tcpRoundTrips(plan.roundTrips)
  const pair = await buildMesh(path.join(plan.dir, 'pair'), 2, plan, onWarning)
  const oneHop = (await probes(pair.peers, plan.oneHopMessages, plan)).map((p) => p.reachAllMs)
  await closePeers(pair.peers)

  const { peers, openMs, meshMs, membersMs } = await buildMesh(path.join(plan.dir, 'mesh'), plan.peers, plan, onWarning)
  try {
    const { value: ran, stalls } = await watchStalls(async () => await profiled(`mesh-${plan.peers}-probes`, async () => await probes(peers, plan.messages, plan)))
    const graph = linksOf(peers)
    const transport = { dials: 0, refused: 0, evicted: 0 }
    for (const p of peers) {
      const s = p.manager?.stats
      transport.dials += s?.dials ?? 0
      transport.refused += s?.refused ?? 0
      transport.evicted += s?.evicted ?? 0
    }
    return {
      peers: plan.peers, maxConnections: plan.maxConnections, openMs, meshMs, membersMs,
      graph: graphStats(graph), degrees: [...graph.values()].map((s) => s.size), transport,
      probes: ran, oneHop, roundTrips, peakRssMb: await peakRssMb(), warnings, stalls
    }
  } finally {
    await closePeers(peers)
  }
}

// Parent side ---------------------------------------------------------------------------

/** Extra node flags for a child: a CPU profile of the whole child when TAMTAM_BENCH_PROFILE names a dir. */
function profileFlags (): string[] {
  const dir = process.env.TAMTAM_BENCH_PROFILE
  return dir === undefined || dir === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`]
}

/** Run one simulation in a child process of this script; rejects after `timeoutMs`. */
export async function runMeshChild (ctx: BenchContext, plan: MeshPlan, timeoutMs: number): Promise<MeshRun> {
  const script = path.join(ctx.root, 'dist', 'bench', 'suites', 'mesh.js')
  const run = await runNode([...profileFlags(), script, '--child', JSON.stringify(plan)], { cwd: ctx.root, timeoutMs })
  const line = run.stdout.split('\n').find((l) => l.startsWith(RESULT))
  if (line === undefined) throw new Error(`the child printed no result: ${run.stderr.trim().slice(-300)}`)
  const result = JSON.parse(line.slice(RESULT.length)) as MeshRun
  ctx.progress(`  ${plan.peers} peers: open ${(result.openMs / 1000).toFixed(1)} s, mesh ${(result.meshMs / 1000).toFixed(1)} s, members ${(result.membersMs / 1000).toFixed(1)} s; ` +
    `diameter ${result.graph.diameter}, degree max ${result.graph.maxDegree}; peak RSS ${result.peakRssMb.toFixed(0)} MB`)
  return result
}

/** The delivery figures of one run, shared by the mesh and scale suites; `prefix` starts their ids. */
export function deliveryFigures (measure: string, prefix: string, run: MeshRun): { rtt: Figure, hop: Figure, reach: Figure, latency: Figure } {
  const others = run.peers - 1
  const rtt = figure(measure, 'baseline: raw TCP round trip on 127.0.0.1, 64 bytes', 'ms', run.roundTrips, 'same process, before the peers start', { p99: true, id: `${prefix}.rtt` })
  const hop = against(figure(measure, 'baseline: one hop, 2 peers: send to the other peer\'s update event', 'ms', run.oneHop,
    'same harness and process, one connection', { p99: true, id: `${prefix}.hop` }), rtt)
  const reachAll = run.probes.map((p) => p.reachAllMs)
  const hops = run.probes.flatMap((p) => p.hops)
  const reach = against(figure(measure, `time for one message to reach all ${others} other peers`, 'ms', reachAll,
    `${run.probes.length} messages from random authors, one at a time; up to ${Math.max(...hops)} hops`, { p99: true, id: `${prefix}.reach` }), hop)
  const all = run.probes.flatMap((p) => p.latencies)
  const latency = against(figure(measure, 'per receiver: send to its update event', 'ms', all,
    `${all.length} samples (${run.probes.length} messages × ${others} receivers)`, { p99: true, id: `${prefix}.latency` }), hop)
  return { rtt, hop, reach, latency }
}

/** CPU of the one process per message, with what explains its slowest messages. */
export function cpuFigure (measure: string, run: MeshRun): Figure {
  const cpu = run.probes.map((p) => p.cpuMs)
  const slowest = [...run.probes].sort((a, b) => b.reachAllMs - a.reachAllMs)[0]
  const bitfield = run.probes.map((p) => p.bitfieldMs).sort((a, b) => a - b)
  const s = run.stalls
  return figure(measure, `CPU time of the process per message (all ${run.peers} peers share it)`, 'ms', cpu,
    `the slowest message took ${slowest.reachAllMs.toFixed(0)} ms and ${slowest.cpuMs.toFixed(0)} ms of CPU (all threads); ${slowest.bitfieldMs.toFixed(0)} ms of wall time went to Hypercore's ` +
    `RemoteBitfield.insert (median message: ${bitfield[bitfield.length >> 1].toFixed(0)} ms), first bitfields of a log on each link; ` +
    `longest event-loop stall ${s.loopMaxMs.toFixed(0)} ms, longest GC pause ${s.gcMaxMs.toFixed(0)} ms`, { p99: true, id: `${measure}.cpu` })
}

/** The last run, kept for the chart (written with the doc). */
let lastRun: MeshRun | null = null

async function measureMesh (ctx: BenchContext): Promise<Figure[]> {
  const run = await runMeshChild(ctx, { ...MESH_PLAN, dir: await ctx.scratch.dir('mesh') }, 20 * 60_000)
  lastRun = run
  const { rtt, hop, reach, latency } = deliveryFigures('100 peers reached', 'mesh', run)
  const g = run.graph
  const shape = `${g.links} links, cap ${run.maxConnections}; ${run.transport.dials} dials, ${run.transport.refused} refused, ${run.transport.evicted} evicted`
  const m = 'mesh shape'
  return [
    rtt, hop, reach, latency, cpuFigure('100 peers reached', run),
    figure(m, 'connections per peer', 'links', run.degrees, shape, { id: 'mesh.degree' }),
    figure(m, 'graph diameter', 'hops', [g.diameter], g.connected ? 'one connected mesh' : `NOT connected: ${g.components} components`, { id: 'mesh.diameter' }),
    figure('mesh setup', `open ${run.peers} peers and join the room`, 'ms', [run.openMs], 'one sample: homes, identities, stores, listeners'),
    figure('mesh setup', 'candidates handed over to a connected, settled mesh', 'ms', [run.meshMs], 'one sample: settled = connected, both ends agree, degrees unchanged for 1 s'),
    figure('mesh setup', `to every peer holding all ${run.peers} member logs`, 'ms', [run.membersMs],
      `one sample, from the candidates: the mesh settles, every peer is given the member list, then ${run.peers * (run.peers - 1)} first blocks (log bindings) replicate and are verified (with libsodium in this process: see above)`),
    figure('mesh setup', 'peak RSS of the process holding the 100 peers', 'MB', [run.peakRssMb], `${run.warnings} warnings from replication`)
  ]
}

/** The goals of the issue for this suite. */
const TARGETS: Target[] = [
  { label: `${MESH_PLAN.peers} peers with at most ${MESH_PLAN.maxConnections} connections each: one message reaches all in under 5 s`, figure: 'mesh.reach', stat: 'p99', op: '<', limit: TARGET_MS },
  { label: `no peer over ${MESH_PLAN.maxConnections} connections`, figure: 'mesh.degree', stat: 'max', op: '<=', limit: MESH_PLAN.maxConnections },
  { label: 'small diameter (6 hops or fewer)', figure: 'mesh.diameter', stat: 'max', op: '<=', limit: 6 }
]

/** The time-to-reach chart of a run. */
export function reachChart (run: MeshRun, title: string, markers: Array<{ x: number, label: string }> = []): string {
  const pooled = run.probes.flatMap((p) => p.latencies)
  return cdfChart({
    title,
    subtitle: `${run.peers} in-process peers, cap ${run.maxConnections}, diameter ${run.graph.diameter}; ${run.probes.length} messages from random authors`,
    xLabel: 'ms from the send call to the receiver\'s update event (log scale)',
    log: true,
    markers,
    yLabel: 'share of receivers reached',
    series: [
      ...run.probes.map((p, i) => ({ label: 'one message (one line each)', samples: p.latencies, color: '#bbb', width: 1, legend: i === 0 })),
      { label: `all ${pooled.length} deliveries`, samples: pooled, color: '#c0392b', width: 2.5 },
      { label: 'baseline: one hop, 2 peers', samples: run.oneHop, color: '#2471a3', width: 2, dashed: true }
    ]
  })
}

const INTRO = [
  'Every peer is a real Tamtam (store, room logs) with a real ConnectionManager (TCP + Noise on 127.0.0.1,',
  'the mesh policy of `src/transport/mesh.ts`) and a Replicator, all in one process on this machine; candidates',
  'are handed to each manager as LAN beacons would report them (multicast must stay inside namespaces), and each',
  'peer is given the member list once the mesh settled (as if everyone had met before; gossip still runs).',
  'p99 is nearest-rank (with 30 messages it is the slowest). Ratio is this median over the median of its',
  'baseline in the same run. Log bindings are verified with libsodium in this process only: one process',
  'verifies n × (n − 1) of them before anything is measured (tweetnacl: about 100 a second here), and',
  'messages never go through it.'
]

/** The mesh section of docs/benchmarks.md, and its chart beside it. */
export async function updateMeshDoc (file: string, result: BenchResult): Promise<void> {
  const chart = 'bench-mesh.svg'
  if (lastRun !== null) await writeFile(path.join(path.dirname(file), chart), reachChart(lastRun, `Time for one message to reach each of ${lastRun.peers - 1} peers`, [{ x: TARGET_MS, label: 'target: all within 5 s' }]))
  const after = ['Targets (issue 9):', ...targetLines(result.figures, TARGETS).map((l) => `- ${l}`)]
  if (lastRun !== null) after.push('', `![time to reach each peer: one line per message](${chart})`)
  await updateDoc(file, result, (r) => markdownSection(r, { title: 'Mesh: 100 peers, 8 connections each', intro: INTRO, after }))
}

/** The terminal table, with the targets. */
function meshText (result: BenchResult): string {
  return `${textTable(result)}\n\ntargets:\n${targetLines(result.figures, TARGETS).map((l) => `  ${l}`).join('\n')}`
}

/** The measures of the suite. */
export function meshMeasures (): Measure[] {
  return [{ id: 'mesh-100', title: `${MESH_PLAN.peers} in-process peers, cap ${MESH_PLAN.maxConnections}: time to reach all`, run: measureMesh }]
}

/** The suite, as bench/run.ts lists it. */
export const meshSuite = { name: 'mesh', measures: meshMeasures, text: meshText, writeDoc: updateMeshDoc }

if (process.argv[2] === '--child' && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  simulate(JSON.parse(process.argv[3] ?? '{}') as MeshPlan).then((run) => {
    process.stdout.write(RESULT + JSON.stringify(run) + '\n')
    process.exit(0)
  }, (err) => {
    process.stderr.write(`mesh child: ${(err as Error)?.stack ?? String(err)}\n`)
    process.exit(1)
  })
}
