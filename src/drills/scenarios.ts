/**
 * The drill guide's scenarios as data (docs/drill-guide.*.md), so the guide, the app and
 * the tests use the same timings. The exam-day scenario asks volunteers to stop their node
 * for a while: its probes must keep going out during that stop, or the room sees nothing
 * (five probes 20 s apart were all out before volunteers stopped at 1 min 30).
 */
import type { DrillPlan } from './runner.js'

/** When volunteers stop their node, and for how long, in ms since the first probe. */
export interface StopWindow { volunteers: number, atMs: number, forMs: number }

/** A scenario of the guide: the drill to start and, for some, a stop the room watches. */
export interface Scenario { plan: DrillPlan, stop: StopWindow | null }

/**
 * Scenario 1, exam day: 6 probes 30 s apart (0 s to 2 min 30), watched for 5 min. Three
 * volunteers stop at about 45 s (the panel shows probe 2/6) for a minute: probes 3 and 4
 * go out while they are away, so they show as "not reached yet", then catch up on return;
 * probes 5 and 6 reach everyone again.
 */
export const EXAM_DAY: Scenario = {
  plan: { name: 'Coupure J1', probes: 6, intervalMs: 30_000, durationMs: 5 * 60_000 },
  stop: { volunteers: 3, atMs: 45_000, forMs: 60_000 }
}

/** Scenario 2, election night: 10 probes 15 s apart, watched for 5 min. */
export const ELECTION_NIGHT: Scenario = {
  plan: { name: 'Soir du vote', probes: 10, intervalMs: 15_000, durationMs: 5 * 60_000 },
  stop: null
}

/** Scenario 3, two networks and a courier: 3 probes 30 s apart, watched for 15 min. */
export const TWO_NETWORKS: Scenario = {
  plan: { name: 'Deux quartiers', probes: 3, intervalMs: 30_000, durationMs: 15 * 60_000 },
  stop: null
}

/** The probes (0-based numbers) sent while a stop window is open. */
export function probesDuringStop (plan: DrillPlan, stop: StopWindow): number[] {
  const out: number[] = []
  for (let i = 0; i < plan.probes; i++) {
    const at = i * plan.intervalMs
    if (at > stop.atMs && at < stop.atMs + stop.forMs) out.push(i)
  }
  return out
}

/** A scenario with every time divided by `factor`, so a test runs it in seconds. */
export function scaled (scenario: Scenario, factor: number): Scenario {
  const s = (ms: number): number => Math.round(ms / factor)
  const { plan, stop } = scenario
  return {
    plan: { ...plan, intervalMs: s(plan.intervalMs), durationMs: s(plan.durationMs) },
    stop: stop === null ? null : { ...stop, atMs: s(stop.atMs), forMs: s(stop.forMs) }
  }
}
