/**
 * The drill panel of an app attached to a running node: the same panel as DrillWatch
 * draws, read through the node's commands (`drill.list`, then `drill.report` as JSON)
 * instead of the logs, and rate-limited the same way so the node is not loaded by it.
 */
import type { DrillSummary } from '../../src/drills/index.js'
import type { DrillReport } from '../../src/drills/types.js'
import { DRILL_RECHECK_MS, DRILL_REPORT_EVERY_MS, isRunning, panelOf, type LatestDrill } from './drill-watch.js'
import type { DrillPanel } from './state.js'

/** A drill id that can be asked for by ID@LOG (the runner writes 12 hex digits); others came from a peer. */
const DRILL_ID = /^[0-9a-zA-Z_-]{1,64}$/
/** Until its report says how long it lasts, a drill is thought to last at most this long. */
const UNKNOWN_WINDOW_MS = 24 * 3600_000

/** Runs a command in the node. */
type Run = (name: string, args: Record<string, unknown>) => Promise<unknown>

interface Entry { at: number, panel: DrillPanel | null }

/** Drill panels of the rooms of a running node, read at most once a second (every 5 s with no drill). */
export class AttachedDrills {
  private readonly run: Run
  private readonly clock: () => number
  private readonly cache = new Map<string, Entry>()
  /** Planned durations learnt from reports, by ID@LOG: a finished drill is never reported again. */
  private readonly windows = new Map<string, number>()

  constructor (run: Run, clock: () => number = Date.now) {
    this.run = run
    this.clock = clock
  }

  /** The latest drill of a room, or null (its planned duration once a report told it). */
  async latest (roomId: string): Promise<LatestDrill | null> {
    const list = await this.run('drill.list', { room: roomId }) as DrillSummary[]
    const last = list.filter((d) => DRILL_ID.test(d.drill)).pop()
    if (last === undefined) return null
    const key = `${last.drill}@${last.facilitator}`
    return { drill: last.drill, core: last.facilitator, startedAt: last.startedAt, windowMs: this.windows.get(key) ?? UNKNOWN_WINDOW_MS }
  }

  /** The panel of the drill running in a room, or null; cached like DrillWatch's. */
  async panel (roomId: string): Promise<DrillPanel | null> {
    const now = this.clock()
    const entry = this.cache.get(roomId)
    if (entry !== undefined && now - entry.at < (entry.panel === null ? DRILL_RECHECK_MS : DRILL_REPORT_EVERY_MS)) return entry.panel
    const next: Entry = { at: now, panel: null }
    this.cache.set(roomId, next)
    next.panel = await this.read(roomId)
    return next.panel
  }

  /** Forget a room's panel, so the next read asks the node (a drill was just started there). */
  forget (roomId: string): void {
    this.cache.delete(roomId)
  }

  private async read (roomId: string): Promise<DrillPanel | null> {
    const latest = await this.latest(roomId)
    if (latest === null || !isRunning(latest, this.clock())) return null
    const drill = `${latest.drill}@${latest.core}`
    const { text } = await this.run('drill.report', { room: roomId, drill, format: 'json' }) as { text: string }
    const report = JSON.parse(text) as DrillReport
    this.windows.set(drill, report.durationMs)
    const endsAt = latest.startedAt + report.durationMs
    return isRunning({ ...latest, windowMs: report.durationMs }, this.clock()) ? panelOf(report, endsAt) : null
  }
}
