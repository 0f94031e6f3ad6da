/**
 * Values read back from a member log's user data (user-data.ts), checked: each parser
 * returns null for a value that is absent or malformed, and the caller rebuilds it.
 */
import type { LogIndex } from './log-index.js'
import { isLogIndex } from './log-index.js'

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

/** Why we stop downloading a log at some block. */
export interface LogLimit { end: number, reason: 'oversized' | 'bytes' }

/** A cached binding verdict (see checkBinding). */
export interface Verdict { ok: boolean, identity?: string, name?: string, host?: string }

/** A cached verdict, or null when there is none or it does not parse (then block 0 is checked again). */
export function parseVerdict (raw: Buffer | null): Verdict | null {
  if (raw === null) return null
  try {
    const v = JSON.parse(raw.toString()) as Verdict | null
    return v !== null && typeof v === 'object' && typeof v.ok === 'boolean' ? v : null
  } catch {
    return null
  }
}

/** A stored fork mark, or null when it does not parse. */
export function parseForkMark (raw: Buffer): ForkMark | null {
  try {
    const m = JSON.parse(raw.toString()) as Partial<ForkMark>
    return { length: Number(m.length) || 0, fork: Number(m.fork) || 0, seenAt: Number(m.seenAt) || 0 }
  } catch {
    return null
  }
}

/** A persisted index, or null when there is none or it does not parse (then it is rebuilt). */
export function parseIndex (cached: Buffer | null): LogIndex | null {
  if (cached === null) return null
  try {
    const index: unknown = JSON.parse(cached.toString())
    return isLogIndex(index) ? index : null
  } catch {
    return null
  }
}

/** A stored download limit, or null when absent or malformed. */
export function parseLimit (v: unknown): LogLimit | null {
  const l = v as Partial<LogLimit> | null
  return l !== null && typeof l === 'object' && Number.isInteger(l.end) && (l.reason === 'oversized' || l.reason === 'bytes') ? { end: Number(l.end), reason: l.reason } : null
}

/** The stored live-growth baseline, or null when absent or malformed. */
export function parseSeen (v: unknown): { length: number, at: number } | null {
  const s = v as { length?: unknown, at?: unknown } | null
  return s !== null && typeof s === 'object' && typeof s.length === 'number' && typeof s.at === 'number' ? { length: s.length, at: s.at } : null
}
