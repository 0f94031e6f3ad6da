/**
 * Who is behind and who caught up, from a report's receipts. This is what a room watches
 * when people stop their node during a drill: they miss the probes sent while away ("not
 * reached yet"), then receive them all at once on return ("caught up").
 */
import type { CaughtUp, Participant, ProbeInfo } from './types.js'

/**
 * A receipt this late means its participant was away (node stopped, laptop asleep, another
 * network) and caught up: on one Wi-Fi a probe arrives within a second or two. Capped by
 * the probe interval, so a fast drill (a rehearsal, a test) still tells the two apart.
 */
export const LATE_MS = 10_000
/** A probe younger than this is not counted as missing yet (the first reach mark, 5 s), capped at half the interval. */
export const BEHIND_GRACE_MS = 5_000

/** How late a receipt must be to count as caught up, for probes `intervalMs` apart. */
export function lateAfter (intervalMs: number): number {
  return Math.min(LATE_MS, Math.max(1, intervalMs))
}

/** How old a probe must be before a participant without it is behind. */
export function graceOf (intervalMs: number): number {
  return Math.min(BEHIND_GRACE_MS, Math.max(1, intervalMs / 2))
}

/** A participant as lists name them: name and short fingerprint. */
export function label (p: Participant): string {
  return `${p.name} (${p.fingerprint})`
}

/** Participants with at least one late receipt: which probes, and the longest delay. */
export function caughtUp (participants: Participant[], intervalMs: number): CaughtUp[] {
  const late = lateAfter(intervalMs)
  return participants.flatMap((p) => {
    const receipts = p.receipts.filter((r) => r.latencyMs >= late)
    if (receipts.length === 0) return []
    return [{ name: p.name, fingerprint: p.fingerprint, probes: receipts.map((r) => r.probe), lateMs: Math.max(...receipts.map((r) => r.latencyMs)) }]
  })
}

/**
 * Participants reached before but missing a probe sent more than the grace ago, at `now`
 * (facilitator clock). Those never reached are in `unreached` instead.
 */
export function behind (participants: Participant[], probes: ProbeInfo[], intervalMs: number, now: number): string[] {
  const due = probes.filter((p) => now - p.sentAt >= graceOf(intervalMs)).map((p) => p.probe)
  return participants
    .filter((p) => p.receipts.length > 0 && due.some((n) => !p.receipts.some((r) => r.probe === n)))
    .map(label)
}
