/**
 * When a LAN beacon announces: periodically, with jitter so a room full of laptops does not
 * announce in lockstep, and at once for a newcomer, but never in a burst. The clock and the
 * randomness are passed in, so the timing is tested without timers.
 */

/** Periodic announces vary by ± this fraction of the interval. */
export const ANNOUNCE_JITTER = 0.2
/** Announces triggered by a newcomer are at least this far apart, so a crowd or a forger cannot make us flood. */
export const REANNOUNCE_MIN_GAP_MS = 250

/** The announce timing of one beacon; it outlives stop() and start(), as the gap must. */
export class AnnounceSchedule {
  private lastReannounceAt = -Infinity

  /** `intervalMs`: the mean time between periodic announces. */
  constructor (private readonly intervalMs: number, private readonly now: () => number, private readonly random: () => number) {}

  /** Milliseconds until the next periodic announce. */
  nextDelay (): number {
    const jitter = 1 + (this.random() * 2 - 1) * ANNOUNCE_JITTER
    return Math.round(this.intervalMs * jitter)
  }

  /**
   * Milliseconds a triggered announce must still wait (0 or less: send it now). Only these
   * triggered announces are spaced apart: measuring the gap from the start announce too would
   * delay the usual case, nodes starting together, by REANNOUNCE_MIN_GAP_MS.
   */
  reannounceWait (): number {
    return this.lastReannounceAt + REANNOUNCE_MIN_GAP_MS - this.now()
  }

  /** A triggered announce goes out now. */
  reannounced (): void {
    this.lastReannounceAt = this.now()
  }
}
