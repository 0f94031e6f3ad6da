/**
 * The `history` request of a phone session (docs/protocol.md §17): its checked arguments,
 * and its answer cut into frames that each fit the channel's 64 KiB limit (300 items of up
 * to 8 KiB of text do not fit in one).
 */
import { fail } from '../errors/index.js'
import type { PhoneMessage } from '../phone/index.js'
import type { Cursor, TimelineItem } from '../timeline/timeline.js'

/** Most items one history request returns. */
export const MAX_HISTORY_ITEMS = 300
/** Items asked for when the phone gives no limit. */
export const DEFAULT_HISTORY_ITEMS = 50
/** Plaintext bytes of one `items` frame at most; the rest of 64 KiB is headroom for the wrapper. */
const ITEMS_FRAME_BYTES = 60 * 1024

/**
 * What the last `items` frame says of the room's expiry (§17): `expire`, seconds (0: off),
 * and with it `horizon`, the host's time (ms) before which nothing is shown.
 */
export interface RoomExpiryFields { expire: number, horizon?: number }

/** `limit` (1..300) and `before` (a timeline cursor) of a history request; USAGE when malformed. */
export function parseHistory (m: PhoneMessage): { limit: number, before?: Cursor } {
  const limit = m.limit === undefined ? DEFAULT_HISTORY_ITEMS : m.limit
  if (!Number.isSafeInteger(limit) || (limit as number) < 1) throw fail('USAGE', 'limit is a whole number from 1')
  if (m.before === undefined || m.before === null) return { limit: Math.min(limit as number, MAX_HISTORY_ITEMS) }
  const b = m.before as Partial<Cursor>
  if (typeof b !== 'object' || !Number.isSafeInteger(b.ts) || typeof b.core !== 'string' || !/^[0-9a-f]{64}$/.test(b.core) || !Number.isSafeInteger(b.seq)) {
    throw fail('USAGE', 'before is {ts, core, seq} of an item')
  }
  return { limit: Math.min(limit as number, MAX_HISTORY_ITEMS), before: { ts: b.ts as number, core: b.core, seq: b.seq as number } }
}

/** The first of `values` that fit in one frame together (the members list). */
export function fitFrame<T> (values: T[]): T[] {
  let bytes = 0
  const fit: T[] = []
  for (const value of values) {
    bytes += Buffer.byteLength(JSON.stringify(value)) + 1
    if (bytes > ITEMS_FRAME_BYTES) break
    fit.push(value)
  }
  return fit
}

/** The items, oldest first, in as many `items` frames as needed; the last has `last: true`. */
export function historyFrames (items: TimelineItem[], expiry: RoomExpiryFields = { expire: 0 }): PhoneMessage[] {
  const frames: PhoneMessage[] = []
  let chunk: TimelineItem[] = []
  let bytes = 0
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item)) + 1
    if (chunk.length > 0 && bytes + size > ITEMS_FRAME_BYTES) {
      frames.push({ t: 'items', items: chunk, last: false })
      chunk = []
      bytes = 0
    }
    chunk.push(item)
    bytes += size
  }
  frames.push({ t: 'items', items: chunk, last: true, ...expiry })
  return frames
}
