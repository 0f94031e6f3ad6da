/**
 * `drill sim`: rehearse a drill in one process, so a facilitator can show a class how
 * messages spread across a mesh before the real exercise. Every peer is a real Tamtam on
 * a real store, running the replicator and the drill responder as a node does; links are
 * real Noise streams over an in-process network with delay and loss (wire.ts), laid
 * out as a seeded random mesh (graph.ts). A partition can cut part of the mesh off
 * for a while. The result is the facilitator's own DrillReport, as after a real drill.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { RoomLogs } from '../log/room-logs.js'
import type { Room } from '../room/index.js'
import { cutEdges, degrees, meshGraph, partitionGroup, type Edge } from './graph.js'
import { checkSimOptions, type SimOptions, type SimPlan, type SimProgress } from './options.js'
import { closePeer, inBatches, Link, openPeer, PEER_BATCH, seedMembers, startNode, type SimPeer } from './peers.js'
import { mulberry32 } from './wire.js'
import type { DrillReport } from '../drills/types.js'

export { checkSimOptions, settleMs, SIM_DEFAULTS, SIM_LIMITS, type SimOptions, type SimPlan, type SimProgress } from './options.js'

/** Figures of one simulation run. */
export interface SimStats {
  peers: number
  links: number
  /** Most links any peer had. */
  degreeMax: number
  /** Whole run, setup (stores, room, links, first sync) and drill, in ms. */
  wallMs: number
  setupMs: number
  runMs: number
  /** Peak resident memory of the process during the run, in MB. */
  rssMb: number
  lossPct: number
  partitionMs: number
  /** Every participant acknowledged at least one probe. */
  allReached: boolean
  /** Every participant acknowledged every probe, and the facilitator timed every acknowledgement. */
  complete: boolean
  /** Whether every peer had every member's log, verified, and every link was up before the first probe. */
  settled: boolean
  /**
   * 90th percentile of the event loop's delay during the drill, in ms. Every peer shares
   * one process, so a busy simulator delays every hop: latencies near this figure say more
   * about the simulator's load than about the mesh.
   */
  loopDelayP90Ms: number
  /** Chunks sent over all wires, and how many of them needed a retransmission. */
  chunks: number
  retransmitted: number
  /** Warnings raised by peers (streams, replication, responders); the first few are in `warningSamples`. */
  warnings: number
  warningSamples: string[]
  seed: number
}

/** The partition of a run, when there was one. */
export interface SimPartition {
  /** Names of the peers cut off. */
  group: string[]
  /** Links cut, then re-created. */
  cutLinks: number
  /** Since the first probe. */
  atMs: number
  healedAtMs: number | null
  /** The facilitator's report just before the links came back (null when it never healed). */
  before: DrillReport | null
}

/** What a simulation returns. */
export interface SimResult { report: DrillReport, stats: SimStats, partition: SimPartition | null }

/** How often progress is checked during the run. */
const POLL_MS = 500
/** How often memory is sampled. */
const RSS_SAMPLE_MS = 250
/** Longest wait for the mesh to settle before the first probe: 120 s plus 30 ms per (peer, member log), twice what tweetnacl needs. */
const settleTimeoutMs = (peers: number): number => 120_000 + 30 * peers * peers
const ROOM = 'sim'

/** Run a simulated drill and return its report. Everything it made is closed and removed. */
export async function simulate (opts: SimOptions): Promise<SimResult> {
  const plan = checkSimOptions(opts)
  plan.signal?.throwIfAborted()
  const sim = new Simulation(plan)
  try {
    return await sim.run()
  } finally {
    await sim.close()
  }
}

/** Acknowledgements written by each participant, per drill, counted from its responder's events. */
class AckTally {
  private readonly counts: Array<Map<string, number>>

  constructor (peers: SimPeer[]) {
    this.counts = peers.slice(1).map((p) => {
      const byDrill = new Map<string, number>()
      p.node.context.drills().responder?.on('ack', (e: { drill: string }) => byDrill.set(e.drill, (byDrill.get(e.drill) ?? 0) + 1))
      return byDrill
    })
  }

  /** Participants who acknowledged at least one probe of `drill`. */
  reached (drill: string): number {
    return this.counts.filter((c) => (c.get(drill) ?? 0) > 0).length
  }

  /** Whether every participant acknowledged `probes` probes of `drill`. */
  all (drill: string, probes: number): boolean {
    return this.counts.every((c) => (c.get(drill) ?? 0) >= probes)
  }
}

/** Every participant acknowledged every probe, and the facilitator saw each acknowledgement. */
function complete (report: DrillReport, peers: number, probes: number): boolean {
  return report.participants.length === peers - 1 && report.participants.every((p) => p.receipts.length === probes && p.clock === 'round-trip')
}

class Simulation {
  private readonly plan: SimPlan
  private readonly t0 = performance.now()
  private dir = ''
  private ownsDir = false
  private peers: SimPeer[] = []
  private rooms: Room[] = []
  private logs: RoomLogs[] = []
  private edges: Edge[] = []
  private links: Link[] = []
  private linkGeneration = 0
  /** Figures of the wires of links already destroyed (a partition replaces them). */
  private wireChunks = 0
  private wireLost = 0
  private rssPeak = 0
  private sampler: NodeJS.Timeout | null = null
  private warnings = 0
  private readonly warningSamples: string[] = []
  /** The highest count reported in the current phase, so the counter shown never goes back. */
  private phase: { name: SimProgress['phase'], most: number } | null = null
  private settled = false
  private loopDelayP90Ms = 0
  private closed = false
  private readonly onWarning = (err: unknown): void => {
    this.warnings++
    if (this.warningSamples.length < 5) this.warningSamples.push(String((err as Error)?.message ?? err))
  }

  constructor (plan: SimPlan) {
    this.plan = plan
  }

  private elapsed (): number {
    return Math.round(performance.now() - this.t0)
  }

  private sampleRss (): void {
    this.rssPeak = Math.max(this.rssPeak, process.memoryUsage.rss())
  }

  async run (): Promise<SimResult> {
    this.sampler = setInterval(() => this.sampleRss(), RSS_SAMPLE_MS)
    this.sampler.unref()
    await this.setup()
    const setupMs = this.elapsed()
    const { report, partition } = await this.drill()
    const runMs = this.elapsed() - setupMs
    this.sampleRss()
    const n = this.plan.peers
    const wires = this.links.filter((l) => !l.destroyed).map((l) => l.wire.stats)
    const stats: SimStats = {
      peers: n,
      links: this.edges.length,
      degreeMax: Math.max(...degrees(n, this.edges)),
      wallMs: this.elapsed(),
      setupMs,
      runMs,
      rssMb: Math.round(this.rssPeak / 2 ** 20),
      lossPct: this.plan.lossPct,
      partitionMs: this.plan.partitionMs,
      allReached: report.participants.length === n - 1 && report.unreached.length === 0,
      complete: complete(report, n, this.plan.probes),
      settled: this.settled,
      loopDelayP90Ms: this.loopDelayP90Ms,
      chunks: this.wireChunks + wires.reduce((s, w) => s + w.chunks, 0),
      retransmitted: this.wireLost + wires.reduce((s, w) => s + w.lost, 0),
      warnings: this.warnings,
      warningSamples: this.warningSamples,
      seed: this.plan.seed
    }
    return { report, stats, partition }
  }

  /** Report progress; also where a stop request is noticed between steps. */
  private progress (e: Omit<SimProgress, 'elapsedMs'>): void {
    this.plan.signal?.throwIfAborted()
    if (this.phase?.name !== e.phase) this.phase = { name: e.phase, most: 0 }
    const count = e.done ?? e.reached
    if (count !== undefined) this.phase.most = Math.max(this.phase.most, count)
    const most = this.phase.most
    this.plan.onProgress({ ...e, ...(e.done !== undefined ? { done: most } : {}), ...(e.reached !== undefined ? { reached: most } : {}), elapsedMs: this.elapsed() })
  }

  private async sleep (ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.plan.signal })
  }

  // Setup --------------------------------------------------------------------------

  private async setup (): Promise<void> {
    const n = this.plan.peers
    this.ownsDir = this.plan.dir === undefined
    this.dir = this.plan.dir ?? await mkdtemp(path.join(os.tmpdir(), 'tamtam-sim-'))
    this.peers = new Array<SimPeer>(n)
    await inBatches([...this.peers.keys()], PEER_BATCH, async (i) => {
      this.peers[i] = await openPeer(this.dir, i, this.plan.facilitator)
      this.progress({ phase: 'open', done: this.peers.filter(Boolean).length, total: n })
    })
    const { room, invite } = await this.peers[0].tt.createRoom(ROOM)
    this.rooms = new Array<Room>(n)
    this.rooms[0] = room
    await inBatches(this.peers.slice(1), PEER_BATCH, async (p) => { this.rooms[p.index] = await p.tt.joinRoom(invite) })
    this.plan.signal?.throwIfAborted()
    await inBatches(this.peers, PEER_BATCH, async (p) => await startNode(p, this.onWarning))
    this.edges = meshGraph(n, this.plan.degree, mulberry32(this.plan.seed))
    this.links = this.edges.map((e, i) => this.link(e, i))
    // Seeded once the links exist: a member log announced with no connected peer to serve
    // it is dropped after 4 s (room-logs.ts, against made-up keys). Seeded before the nodes
    // started, a loaded machine took longer than that to start 50 of them, every seeded log
    // was dropped, and the mesh took minutes to learn them again by gossip.
    await seedMembers(this.peers, this.rooms)
    this.plan.signal?.throwIfAborted()
    await this.settle()
  }

  /** A fresh link for edge `i` (a new generation after a heal gets new random delays). */
  private link ([u, v]: Edge, i: number): Link {
    const seed = (this.plan.seed + Math.imul(i + 1, 0x9e3779b1) + Math.imul(this.linkGeneration, 0x85ebca6b)) >>> 0
    const wire = { delayMs: this.plan.delayMs, loss: this.plan.lossPct / 100, random: mulberry32(seed) }
    return new Link(this.peers[u], this.peers[v], wire, this.onWarning)
  }

  /**
   * Wait until every link runs the room protocol and every peer holds every member's log
   * with its binding verified, as in a class whose laptops synced before the drill. Bounded:
   * after the timeout the drill starts anyway and `settled` is false in the stats.
   */
  private async settle (): Promise<void> {
    const n = this.plan.peers
    const logs = this.logs = await Promise.all(this.peers.map(async (p, i) => await p.tt.logs(this.rooms[i])))
    const ready = (i: number): boolean => {
      const list = logs[i].list()
      return list.length === n && list.every((l) => l.author !== null)
    }
    const deadline = performance.now() + settleTimeoutMs(n)
    while (performance.now() < deadline) {
      const linksUp = this.links.every((l) => l.up(this.rooms[0]))
      const done = this.peers.filter((_, i) => ready(i)).length
      this.progress({ phase: 'sync', done, total: n })
      if (linksUp && done === n) {
        this.settled = true
        return
      }
      await this.sleep(Math.min(POLL_MS, 100 + n))
    }
  }

  // Drill --------------------------------------------------------------------------

  private async drill (): Promise<{ report: DrillReport, partition: SimPartition | null }> {
    const lag = monitorEventLoopDelay({ resolution: 10 })
    lag.enable()
    try {
      return await this.watch()
    } finally {
      lag.disable()
      this.loopDelayP90Ms = Math.round(lag.percentile(90) / 1e6)
    }
  }

  /**
   * Start the drill, cut and heal when due, and watch until every participant acknowledged
   * every probe and the facilitator timed each acknowledgement, or the time is up. Progress
   * is counted in memory (responders' ack events, log lengths): a report reads every new
   * block from the store, and with 100 peers writing at once one took over 30 s, so
   * reports are only built once the facilitator holds every acknowledgement.
   */
  private async watch (): Promise<{ report: DrillReport, partition: SimPartition | null }> {
    const { probes, intervalMs, durationMs, partitionMs, partitionAtMs, name } = this.plan
    const fac = this.peers[0].node.context.drills()
    const room = this.rooms[0]
    const acks = new AckTally(this.peers)
    const { drill } = await fac.start(room, { name, probes, intervalMs, durationMs })
    const start = performance.now()
    const since = (): number => performance.now() - start
    const partition = partitionMs > 0 ? this.partition() : null
    let cut: number[] = []
    let report: DrillReport | null = null
    for (;;) {
      if (partition !== null && cut.length === 0 && partition.healedAtMs === null && since() >= partitionAtMs) {
        cut = this.cut(partition)
        partition.atMs = Math.round(since())
      }
      if (partition !== null && cut.length > 0 && since() >= partitionAtMs + partitionMs) {
        partition.before = await fac.report(room)
        this.heal(cut)
        cut = []
        partition.healedAtMs = Math.round(since())
        this.progress({ phase: 'heal', done: partition.cutLinks, total: this.links.length })
      }
      this.progress({ phase: 'run', reached: acks.reached(drill), total: this.plan.peers - 1 })
      if (acks.all(drill, probes) && this.facilitatorHoldsAll()) {
        report = await fac.report(room)
        if (complete(report, this.plan.peers, probes)) break
      }
      if (since() >= durationMs) break
      // Wake for the next poll, or sooner for a cut or a heal that is due (even if overdue).
      const due = [durationMs]
      if (partition !== null && partition.healedAtMs === null) due.push(cut.length === 0 ? partitionAtMs : partitionAtMs + partitionMs)
      await this.sleep(Math.max(1, Math.min(POLL_MS, ...due.map((t) => t - since()))))
    }
    this.progress({ phase: 'report' })
    if (report === null || !complete(report, this.plan.peers, probes)) report = await fac.report(room)
    return { report, partition }
  }

  /** Whether the facilitator's copy of every participant's log is as long as the original. */
  private facilitatorHoldsAll (): boolean {
    const copies = new Map(this.logs[0].list().map((l) => [l.key, l]))
    return this.logs.slice(1).every((own) => (copies.get(own.own.key)?.readable ?? -1) >= own.own.core.length)
  }

  /** The group a partition cuts off, chosen from the seed. */
  private partition (): SimPartition {
    const group = partitionGroup(this.plan.peers, this.edges, mulberry32((this.plan.seed ^ 0x5bd1e995) >>> 0))
    return { group: group.map((i) => this.peers[i].name), cutLinks: cutEdges(this.edges, group).length, atMs: 0, healedAtMs: null, before: null }
  }

  /** Destroy every link between the group and the rest; returns the edges cut. */
  private cut (partition: SimPartition): number[] {
    const group = partition.group.map((name) => this.peers.findIndex((p) => p.name === name))
    const edges = cutEdges(this.edges, group)
    for (const i of edges) this.retire(i)
    return edges
  }

  /** Re-create the cut links, with fresh stream pairs. */
  private heal (edges: number[]): void {
    this.linkGeneration++
    for (const i of edges) this.links[i] = this.link(this.edges[i], i)
  }

  /** Destroy a link, keeping its wire figures for the stats. */
  private retire (i: number): void {
    const { chunks, lost } = this.links[i].wire.stats
    this.wireChunks += chunks
    this.wireLost += lost
    this.links[i].destroy()
  }

  // Close ----------------------------------------------------------------------------

  /** Stop every drill, cut every link, close every store, remove the temp dir (idempotent). */
  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.sampler !== null) clearInterval(this.sampler)
    const peers = this.peers.filter(Boolean)
    await Promise.all(peers.map(async (p) => await p.node.context.drills().close().catch(this.onWarning)))
    for (const link of this.links) link.destroy()
    await inBatches(peers, PEER_BATCH, async (p) => await closePeer(p).catch(this.onWarning))
    if (this.ownsDir && this.dir !== '') await rm(this.dir, { recursive: true, force: true, maxRetries: 3 })
  }
}
