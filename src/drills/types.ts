/**
 * The data of a drill report. It is built from the room's logs alone (report.ts), so any
 * participant can rebuild it, and rendered to md, csv, html, json or svg (render/).
 * All times are milliseconds. Latencies are on the facilitator's clock (see `method`).
 */

/** One participant's receipt of one probe. */
export interface Receipt {
  /** Probe number (0-based, as in the probe record). */
  probe: number
  /** Estimated delivery latency: probe sent → participant received, facilitator clock. */
  latencyMs: number
  /** Round trip seen by the facilitator: probe sent → acknowledgement arrived; null if never seen. */
  roundTripMs: number | null
  /** Hops from the facilitator (1 = received straight from them); null when unknown. */
  hops: number | null
  /** Names along the path, facilitator first, participant last; empty when unknown. */
  path: string[]
}

/** One member of the room other than the facilitator. */
export interface Participant {
  /** Identity public key, hex. */
  identity: string
  /** Short fingerprint shown next to names. */
  fingerprint: string
  /** Nickname (already sanitised for terminals). */
  name: string
  /** Receipts, one per probe this participant acknowledged, by probe number. */
  receipts: Receipt[]
  /** Estimated clock offset of this participant against the facilitator, null when unknown. */
  clockOffsetMs: number | null
  /** Whether the offset came from a round trip ('round-trip') or could not be measured ('unverified'). */
  clock: 'round-trip' | 'unverified'
}

/** Reach of one probe at a given delay. */
export interface ReachPoint { atMs: number, reached: number }

/** One probe as sent. */
export interface ProbeInfo {
  probe: number
  /** Facilitator clock when written. */
  sentAt: number
  /** Participants who acknowledged it. */
  reached: number
}

/** A participant who received some probes late: away for a while, then caught up. */
export interface CaughtUp {
  name: string
  fingerprint: string
  /** Probe numbers (0-based) received late. */
  probes: number[]
  /** The longest of those delays. */
  lateMs: number
}

/** Percentiles of a list of latencies (null when the list is empty). */
export interface Distribution { count: number, p50: number | null, p90: number | null, max: number | null }

/** A whole drill report. */
export interface DrillReport {
  /** Report format version (written into json). */
  version: 1
  room: string
  drill: string
  name: string
  facilitator: { identity: string, fingerprint: string, name: string }
  startedAt: number
  /** How long the facilitator planned to watch the drill (from its first probe). */
  durationMs: number
  /** Probes planned (from the first probe record) and actually found in the log. */
  plannedProbes: number
  /** Planned time between probes (from the first probe record). */
  intervalMs: number
  probes: ProbeInfo[]
  participants: Participant[]
  /** Participants reached by at least one probe within 5 s, 30 s and 120 s of its sending. */
  reach: { at5s: number, at30s: number, at120s: number, total: number }
  /** Latencies of every receipt (all probes). */
  latency: Distribution
  /** Hop counts: hop number → receipts with that count; 'unknown' for null hops. */
  hops: Record<string, number>
  /** Reach over time: participants who had received at least one probe, by time since the drill started (ascending, starts at 0). */
  curve: ReachPoint[]
  /** Names of participants never reached. */
  unreached: string[]
  /** Names of participants reached before but missing a probe that is due (see standing.ts), when the report was built. */
  behind: string[]
  /** Participants who received probes late (away, then back): see standing.ts. */
  caughtUp: CaughtUp[]
  /** How latency was measured, in one sentence (shown in every format). */
  method: string
  /** When the report was built, and from how many logs. */
  builtAt: number
  logs: number
}
