/**
 * Keeps the drill panel fed without loading the node: while a drill runs in a room its
 * report is rebuilt at most once a second; when none runs, only the incremental drill
 * scan is looked at, at most every few seconds, and the report is never built.
 */
import type { DrillReport } from '../../src/drills/index.js'
import type { Room } from '../../src/room/index.js'
import type { NodeContext } from '../../src/node/context.js'
import type { DrillPanel } from './state.js'

/** The report of a running drill is rebuilt at most this often. */
export const DRILL_REPORT_EVERY_MS = 1000
/** With no drill running, the room is looked at again at most this often. */
export const DRILL_RECHECK_MS = 5000
/** How long a drill is shown when its probe record carries no usable duration. */
export const DEFAULT_DRILL_WINDOW_MS = 5 * 60_000
/** A probe record is written by a peer: a longer duration is not believed (the plan limit). */
const MAX_DRILL_WINDOW_MS = 24 * 3600_000
/** A drill that "starts" further in the future than this is a forged or absurd clock: not shown. */
const MAX_FUTURE_START_MS = 3600_000

/** What a drill id may look like to be named in a query (the runner writes 12 hex digits). */
const DRILL_ID = /^[0-9a-zA-Z_-]{1,64}$/

/** Injected timing, so tests run fast and deterministic. */
export interface DrillWatchOptions { clock?: () => number, reportEveryMs?: number, recheckMs?: number }

/** The latest drill of a room as found in the logs. */
export interface LatestDrill { drill: string, core: string, startedAt: number, windowMs: number }

interface Entry { at: number, panel: DrillPanel | null, pending: Promise<DrillPanel | null> | null }

/** The planned duration from probe 0's record, within bounds; the default otherwise. */
export function drillWindow (record: Record<string, unknown>): number {
  const ms = record.durationMs
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? Math.min(ms, MAX_DRILL_WINDOW_MS) : DEFAULT_DRILL_WINDOW_MS
}

/** Whether a drill is still running at `now`. */
export function isRunning (latest: LatestDrill, now: number): boolean {
  return latest.startedAt - now <= MAX_FUTURE_START_MS && now < latest.startedAt + latest.windowMs
}

/** The panel's data from a report (pure). */
export function panelOf (report: DrillReport, endsAt: number): DrillPanel {
  return {
    drill: report.drill,
    name: report.name,
    startedAt: report.startedAt,
    endsAt,
    now: report.builtAt,
    probesSent: report.probes.length,
    probesPlanned: report.plannedProbes,
    reached: report.curve.length === 0 ? 0 : report.curve[report.curve.length - 1].reached,
    total: report.reach.total,
    p50: report.latency.p50,
    p90: report.latency.p90,
    curve: report.curve.map((p) => ({ atMs: p.atMs, reached: p.reached })),
    // Someone who stopped their node is "not reached yet" again until they catch up.
    unreached: [...report.unreached, ...report.behind],
    caughtUp: report.caughtUp
      .map((c) => ({ who: `${c.name} (${c.fingerprint})`, lateMs: c.lateMs }))
      .filter((c) => !report.behind.includes(c.who))
  }
}

/** The drill panels of one Tamtam's rooms, rate-limited per room. */
export class DrillWatch {
  private readonly ctx: NodeContext
  private readonly clock: () => number
  private readonly reportEveryMs: number
  private readonly recheckMs: number
  private readonly cache = new Map<string, Entry>()

  constructor (ctx: NodeContext, opts: DrillWatchOptions = {}) {
    this.ctx = ctx
    this.clock = opts.clock ?? (() => ctx.tt.clock())
    this.reportEveryMs = opts.reportEveryMs ?? DRILL_REPORT_EVERY_MS
    this.recheckMs = opts.recheckMs ?? DRILL_RECHECK_MS
  }

  /**
   * The panel of the drill running in `room`, or null. Cached: a running drill is read
   * again after reportEveryMs, "no drill" after recheckMs; concurrent calls share one read.
   * A failed read is cached as "no drill" too (so it is not retried every second) and rethrown.
   */
  async panel (room: Room): Promise<DrillPanel | null> {
    const now = this.clock()
    const entry = this.cache.get(room.id)
    if (entry?.pending != null) return await entry.pending
    if (entry !== undefined && now - entry.at < (entry.panel === null ? this.recheckMs : this.reportEveryMs)) return entry.panel
    const next: Entry = { at: now, panel: entry?.panel ?? null, pending: this.read(room) }
    this.cache.set(room.id, next)
    try {
      next.panel = await next.pending
    } catch (err) {
      next.panel = null
      throw err
    } finally {
      next.pending = null
    }
    return next.panel
  }

  /** Drop what is known about a room, so the next panel() reads the logs (after starting a drill here). */
  forget (roomId: string): void {
    this.cache.delete(roomId)
  }

  /**
   * The latest drill of a room (the one `drill report` picks by default), or null when
   * there is none. Ids come from peers' logs: one that could not be asked for by ID@LOG
   * (real ids are hex) is skipped.
   */
  async latest (room: Room): Promise<LatestDrill | null> {
    const scan = await this.ctx.drills().scan(room)
    const last = scan.drills().filter((d) => DRILL_ID.test(d.drill)).pop()
    if (last === undefined) return null
    const first = last.probes.find((p) => p.number === 0) ?? last.probes[0]
    return { drill: last.drill, core: last.core, startedAt: first.ts, windowMs: drillWindow(first.record) }
  }

  private async read (room: Room): Promise<DrillPanel | null> {
    const latest = await this.latest(room)
    if (latest === null || !isRunning(latest, this.clock())) return null
    // ID@LOG names exactly the drill the scan found, even if a newer one lands meanwhile.
    const report = await this.ctx.drills().report(room, `${latest.drill}@${latest.core}`)
    return panelOf(report, latest.startedAt + latest.windowMs)
  }
}
