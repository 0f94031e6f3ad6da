/**
 * Message lifetimes as people type them: `off`, or a whole number and a unit, `10s`,
 * `30m`, `24h`, `7d`, from 10 seconds to 365 days (records.ts MIN_EXPIRE_S, MAX_EXPIRE_S).
 */
import { fail } from '../errors/index.js'
import { MAX_EXPIRE_S, MIN_EXPIRE_S } from '../log/records.js'

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 }
const DURATION = /^(\d{1,9})([smhd])$/

/** Seconds from `off` or `<n>s|m|h|d`; a USAGE error for anything else or out of range. */
export function parseExpire (text: string): number {
  const word = text.trim().toLowerCase()
  if (word === 'off' || word === '0') return 0
  const m = DURATION.exec(word)
  if (m === null) throw fail('USAGE', `"${text}" is not a lifetime: use off, or a number and s, m, h or d (10s, 30m, 24h, 7d)`)
  const seconds = Number(m[1]) * UNITS[m[2]]
  if (seconds < MIN_EXPIRE_S || seconds > MAX_EXPIRE_S) throw fail('USAGE', `messages may expire after 10s at the least and 365d at the most, not ${text}`)
  return seconds
}

/** The shortest exact text for a lifetime in seconds: 86400 → "1d", 5400 → "90m", 0 → "off". */
export function formatExpire (seconds: number): string {
  if (seconds === 0) return 'off'
  for (const unit of ['d', 'h', 'm']) if (seconds % UNITS[unit] === 0) return `${seconds / UNITS[unit]}${unit}`
  return `${seconds}s`
}
