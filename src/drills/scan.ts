/**
 * An incremental index of the drill records of one room: probes, acknowledgements and
 * facilitator receipts ("seen"), read from every member log. Each refresh only reads the
 * drill blocks that arrived since the last one (found through each log's index), so the
 * TUI can redraw a live drill every second even in a room with a long history. Everything
 * here comes from the logs alone.
 */
import { readIndexed } from '../log/indexed-read.js'
import type { MemberLog } from '../log/member-log.js'
import type { RoomLogs } from '../log/room-logs.js'
import { rerunning } from '../rerun.js'
import { messageId } from '../timeline/index.js'

/** A probe as found in its author's log. */
export interface ProbeEntry { core: string, seq: number, id: string, drill: string, number: number, ts: number, record: Record<string, unknown> }
/** An acknowledgement, attributed to the log it is in (never to anything it claims). */
export interface AckEntry { core: string, seq: number, id: string, drill: string, probe: string, receivedAt: number, ts: number, via: string | null }

/** The record types this index reads (found through each log's own index). */
const DRILL_TYPES = ['drill-probe', 'drill-ack', 'drill-seen'] as const

/** What the index knows about one member log. */
interface LogCursor { scanned: number }

/** The drill records of one room. */
export class DrillScan {
  /** Probes by author core (hex), in log order. */
  readonly probes = new Map<string, ProbeEntry[]>()
  /** Acknowledgements by probe message id, in arrival order per log. */
  readonly acks = new Map<string, AckEntry[]>()
  /** Facilitator receipts: author core → ack message id → facilitator clock. */
  readonly seen = new Map<string, Map<string, number>>()
  private readonly cursors = new Map<string, LogCursor>()
  private readonly logs: RoomLogs

  constructor (logs: RoomLogs) {
    this.logs = logs
  }

  /** Read the blocks that arrived since the last refresh (src/rerun.ts: never a stale pass). */
  readonly refresh = rerunning(async () => await this.scanAll())

  private async scanAll (): Promise<void> {
    for (const log of this.logs.list()) await this.scanLog(log)
  }

  private async scanLog (log: MemberLog): Promise<void> {
    if (await log.verifyBinding() === null) return
    const cursor = this.cursors.get(log.key) ?? { scanned: 1 }
    this.cursors.set(log.key, cursor)
    const next = await readIndexed(log, DRILL_TYPES, cursor.scanned, (entry) => this.add(log.key, entry.seq, entry.record as unknown as Record<string, unknown>))
    cursor.scanned = Math.max(cursor.scanned, next)
  }

  private add (core: string, seq: number, r: Record<string, unknown>): void {
    const id = messageId(core, seq)
    if (r.type === 'drill-probe') {
      const list = this.probes.get(core) ?? []
      list.push({ core, seq, id, drill: String(r.drill), number: Number(r.seq), ts: Number(r.ts), record: r })
      this.probes.set(core, list)
    } else if (r.type === 'drill-ack') {
      const via = typeof r.via === 'string' && /^[0-9a-f]{64}$/.test(r.via) ? r.via : null
      const ack: AckEntry = { core, seq, id, drill: String(r.drill), probe: String(r.probe), receivedAt: Number(r.receivedAt), ts: Number(r.ts), via }
      const list = this.acks.get(ack.probe) ?? []
      list.push(ack)
      this.acks.set(ack.probe, list)
    } else if (r.type === 'drill-seen') {
      const map = this.seen.get(core) ?? new Map<string, number>()
      // The first receipt time recorded for an ack wins: later duplicates change nothing.
      for (const [ackId, at] of r.seen as Array<[string, number]>) if (!map.has(ackId)) map.set(ackId, at)
      this.seen.set(core, map)
    }
  }

  /** Every drill in the room: (author core, drill id) with its probes, oldest first. */
  drills (): Array<{ core: string, drill: string, probes: ProbeEntry[] }> {
    const out: Array<{ core: string, drill: string, probes: ProbeEntry[] }> = []
    for (const [core, probes] of this.probes) {
      const byDrill = new Map<string, ProbeEntry[]>()
      for (const p of probes) byDrill.set(p.drill, [...(byDrill.get(p.drill) ?? []), p])
      for (const [drill, list] of byDrill) out.push({ core, drill, probes: list })
    }
    return out.sort((a, b) => a.probes[0].ts - b.probes[0].ts)
  }
}
