/**
 * Counts the unread messages that mention me, room by room, and says when to ring.
 *
 * What is new is told by log lengths, not by time: a room's baseline is the length of each
 * member log when it was last looked at, and an item is new when its block is past it. A
 * message written hours ago by someone who was offline is still new when it arrives. A
 * room seen for the first time only sets its baseline: history never counts or rings.
 * Background rooms are read at most once per `scanEveryMs`; the bell rings only for
 * mentions written less than `ringWithinMs` ago, so a room syncing old history stays quiet.
 */
import type { TimelineItem } from '../../src/timeline/index.js'

/** A background room is read for mentions at most this often. */
export const MENTION_SCAN_MS = 1000
/** Mentions older than this when they arrive do not ring. */
export const RING_WITHIN_MS = 10 * 60_000

/** Injected timing, so tests are deterministic. */
export interface MentionTrackerOptions { clock?: () => number, scanEveryMs?: number, ringWithinMs?: number }

interface RoomMentions { lengths: Map<string, number>, count: number, scannedAt: number }

/** Unread mentions per room. */
export class MentionTracker {
  private readonly rooms = new Map<string, RoomMentions>()
  private readonly clock: () => number
  private readonly scanEveryMs: number
  private readonly ringWithinMs: number

  constructor (opts: MentionTrackerOptions = {}) {
    this.clock = opts.clock ?? Date.now
    this.scanEveryMs = opts.scanEveryMs ?? MENTION_SCAN_MS
    this.ringWithinMs = opts.ringWithinMs ?? RING_WITHIN_MS
  }

  /**
   * How many blocks a background room has past its baseline, or 0 when it need not be
   * read now (first sight, which sets the baseline, or read less than scanEveryMs ago).
   */
  due (roomId: string, lengths: Map<string, number>): number {
    const room = this.rooms.get(roomId)
    if (room === undefined) {
      this.rooms.set(roomId, { lengths: new Map(lengths), count: 0, scannedAt: this.clock() })
      return 0
    }
    if (this.clock() - room.scannedAt < this.scanEveryMs) return 0
    let fresh = 0
    for (const [core, length] of lengths) fresh += Math.max(0, length - (room.lengths.get(core) ?? 0))
    return fresh
  }

  /**
   * Account for `items` read from a room whose logs had `lengths` just before: the new ones
   * that `mentionsMe` accepts are counted and returned. The baseline moves to `lengths`.
   */
  take (roomId: string, items: TimelineItem[], lengths: Map<string, number>, mentionsMe: (item: TimelineItem) => boolean): TimelineItem[] {
    const room = this.rooms.get(roomId)
    if (room === undefined) {
      this.rooms.set(roomId, { lengths: new Map(lengths), count: 0, scannedAt: this.clock() })
      return []
    }
    const fresh = items.filter((i) => i.seq >= (room.lengths.get(i.core) ?? 0) && mentionsMe(i))
    // Items may be past `lengths` (lengths are read first, items may land meanwhile): they are
    // counted now, so the baseline moves past them too and they never count twice.
    for (const [core, length] of lengths) room.lengths.set(core, Math.max(length, room.lengths.get(core) ?? 0))
    for (const i of items) room.lengths.set(i.core, Math.max(i.seq + 1, room.lengths.get(i.core) ?? 0))
    room.count += fresh.length
    room.scannedAt = this.clock()
    return fresh
  }

  /** Unread mentions of a room. */
  count (roomId: string): number {
    return this.rooms.get(roomId)?.count ?? 0
  }

  /** The room is on screen: its mentions are read. */
  clear (roomId: string): void {
    const room = this.rooms.get(roomId)
    if (room !== undefined) room.count = 0
  }

  /** Whether any of these mentions is recent enough to ring for. */
  ringFor (items: TimelineItem[]): boolean {
    const now = this.clock()
    return items.some((i) => now - i.ts < this.ringWithinMs)
  }
}
