/**
 * The facilitator's side of a drill: write probe 0 now, then one probe every interval
 * until the planned number is sent. Probes are ordinary records in the facilitator's own
 * log, so they travel (and are stored and forwarded) like messages.
 */
import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { fail } from '../errors/index.js'
import type { Room } from '../room/index.js'
import type { Tamtam } from '../tamtam.js'
import { messageId } from '../timeline/index.js'

/** What a facilitator asks for. */
export interface DrillPlan { name: string, probes: number, intervalMs: number, durationMs: number }

/** Defaults from the issue: 5 probes, 20 s apart, watched for 5 minutes. */
export const DEFAULT_PLAN: Omit<DrillPlan, 'name'> = { probes: 5, intervalMs: 20_000, durationMs: 5 * 60_000 }
/** Bounds that keep a typo from flooding the room or running for a week. */
export const PLAN_LIMITS = { probes: 1000, minIntervalMs: 100, maxDurationMs: 24 * 3600_000 }

/** A drill that has started. */
export interface StartedDrill { room: string, drill: string, name: string, probe: string, startedAt: number, plan: DrillPlan }

/** Check a plan; fails with USAGE and says which bound was crossed. */
export function checkPlan (plan: DrillPlan): DrillPlan {
  if (!Number.isInteger(plan.probes) || plan.probes < 1 || plan.probes > PLAN_LIMITS.probes) throw fail('USAGE', `--probes must be 1 to ${PLAN_LIMITS.probes}`)
  if (!(plan.intervalMs >= PLAN_LIMITS.minIntervalMs)) throw fail('USAGE', `--interval must be at least ${PLAN_LIMITS.minIntervalMs} ms`)
  if (!(plan.durationMs > 0 && plan.durationMs <= PLAN_LIMITS.maxDurationMs)) throw fail('USAGE', '--duration must be over 0 and at most 24 h')
  if ((plan.probes - 1) * plan.intervalMs > plan.durationMs) throw fail('USAGE', `${plan.probes} probes ${plan.intervalMs} ms apart do not fit in a ${plan.durationMs} ms drill: lower --probes or --interval, or raise --duration`)
  return plan
}

/** Runs the probe schedules of the drills this home started; a failed later probe is a 'warning'. */
export class DrillRunner extends EventEmitter {
  private readonly tt: Tamtam
  private readonly timers = new Set<NodeJS.Timeout>()

  constructor (tt: Tamtam) {
    super()
    this.tt = tt
  }

  /** Write probe 0 and schedule the rest. */
  async start (room: Room, plan: DrillPlan): Promise<StartedDrill> {
    checkPlan(plan)
    const drill = randomBytes(6).toString('hex')
    const seq = await this.probe(room, drill, 0, plan)
    const startedAt = (await this.tt.logs(room)).own.lastAppendTs
    for (let i = 1; i < plan.probes; i++) {
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        void this.probe(room, drill, i, plan).catch((err) => this.emit('warning', err))
      }, i * plan.intervalMs)
      this.timers.add(timer)
    }
    return { room: room.name, drill, name: plan.name, probe: messageId((await this.tt.logs(room)).own.key, seq), startedAt, plan }
  }

  private async probe (room: Room, drill: string, n: number, plan: DrillPlan): Promise<number> {
    return await this.tt.write(async () => {
      const logs = await this.tt.logs(room)
      const [seq] = await logs.own.append([{ type: 'drill-probe', drill, seq: n, name: plan.name, probes: plan.probes, intervalMs: plan.intervalMs, durationMs: plan.durationMs }], this.tt.clock())
      return seq
    })
  }

  /** Cancel every probe not sent yet. */
  stop (): void {
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }
}
