/**
 * The fork mark of a member log (MemberLog.guardForks): set when its author rewrote
 * history, kept in the core's local user data so it survives restarts.
 */

/**
 * A log whose author rewrote history: Hypercore moved it to a new fork (the author
 * truncated it and appended again). We keep what we held and refuse the new fork.
 */
export interface ForkMark {
  /** Blocks of the old fork we held (kept; ids below this keep their content). */
  length: number
  /** Fork id the author moved to. */
  fork: number
  /** Our clock when we refused it. */
  seenAt: number
}

/** User-data key holding a log's fork mark (local, never sent). */
export const FORK_MARK = 'tamtam/fork/v1'

/** A stored fork mark, or null when it does not parse. */
export function parseForkMark (raw: Buffer): ForkMark | null {
  try {
    const m = JSON.parse(raw.toString()) as Partial<ForkMark>
    return { length: Number(m.length) || 0, fork: Number(m.fork) || 0, seenAt: Number(m.seenAt) || 0 }
  } catch {
    return null
  }
}
