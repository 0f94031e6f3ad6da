/**
 * Reconnect delays: exponential backoff with jitter, as a pure function so it can be tested
 * with an injected random source.
 */

/** Delay bounds of the backoff, in ms. */
export interface BackoffOptions { initialMs: number, maxMs: number }

/** Default bounds: 500 ms, doubling up to 30 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 }

/** Share of the delay drawn at random either way, so peers that failed together retry apart. */
export const JITTER = 0.2

/** Past this many doublings the delay is at its cap anyway; stops 2 ** attempt from overflowing. */
const MAX_DOUBLINGS = 32

/**
 * The delay before retry number `attempt` (0 = first retry): `initialMs * 2 ** attempt`,
 * capped at `maxMs`, then multiplied by a factor in [0.8, 1.2) drawn from `random()`.
 */
export function backoffDelay (attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const doublings = Math.min(Math.max(0, Math.floor(attempt)), MAX_DOUBLINGS)
  const base = Math.min(options.maxMs, options.initialMs * 2 ** doublings)
  const factor = 1 - JITTER + 2 * JITTER * random()
  return Math.max(0, Math.round(base * factor))
}
