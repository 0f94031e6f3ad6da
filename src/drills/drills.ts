/**
 * Drills of one Tamtam: start one (facilitator), list them, build a report from the logs,
 * and (in a node) acknowledge other people's probes automatically.
 */
import type { Room } from '../room/index.js'
import type { Tamtam } from '../tamtam.js'
import { buildReport } from './report.js'
import { DrillResponder, type PeerView } from './responder.js'
import { DrillRunner, type DrillPlan, type StartedDrill } from './runner.js'
import { DrillScan } from './scan.js'
import type { DrillReport } from './types.js'

/** One line of `drill list`. */
export interface DrillSummary { drill: string, name: string, facilitator: string, startedAt: number, probes: number, acks: number }

/** The drills of one Tamtam. */
export class Drills {
  readonly tt: Tamtam
  readonly runner: DrillRunner
  responder: DrillResponder | null = null
  private readonly scans = new Map<string, DrillScan>()

  constructor (tt: Tamtam) {
    this.tt = tt
    this.runner = new DrillRunner(tt)
    // Scans hold logs of the old store after a disk-full reopen: build them again.
    tt.on('store-closing', () => this.scans.clear())
  }

  /** Start acknowledging probes; `peers` says who is behind each connection. */
  async respond (peers: () => PeerView[]): Promise<DrillResponder> {
    this.responder ??= new DrillResponder(this.tt, peers)
    await this.responder.start()
    return this.responder
  }

  /** Start a drill as facilitator (probes keep going while this process runs). */
  async start (room: Room, plan: DrillPlan): Promise<StartedDrill> {
    return await this.runner.start(room, plan)
  }

  /** The incremental scan of a room's drill records. */
  async scan (room: Room): Promise<DrillScan> {
    let scan = this.scans.get(room.id)
    if (scan === undefined) {
      scan = new DrillScan(await this.tt.logs(room))
      this.scans.set(room.id, scan)
    }
    await scan.refresh()
    return scan
  }

  /** Every drill run in a room, oldest first. */
  async list (room: Room): Promise<DrillSummary[]> {
    const scan = await this.scan(room)
    return scan.drills().map(({ core, drill, probes }) => ({
      drill,
      name: typeof probes[0].record.name === 'string' ? probes[0].record.name : drill,
      facilitator: core,
      startedAt: probes[0].ts,
      probes: probes.length,
      acks: probes.reduce((n, p) => n + (scan.acks.get(p.id)?.length ?? 0), 0)
    }))
  }

  /** The report of a drill (the latest when `query` is absent), from the logs alone. */
  async report (room: Room, query?: string): Promise<DrillReport> {
    const scan = await this.scan(room)
    return await buildReport(scan, await this.tt.logs(room), room, query, this.tt.clock())
  }

  /** Stop probing and acknowledging; writes pending receipts. */
  async close (): Promise<void> {
    this.runner.stop()
    await this.responder?.stop()
  }
}
