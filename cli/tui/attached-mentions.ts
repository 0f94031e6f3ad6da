/**
 * Mentions of me for the app attached to a node: unread mention counts of the rooms not on
 * screen, and the bell for new mentions in rooms that ask for it (`/bell on`), as the app
 * with its own node shows them (room-list.ts). The attached app has no store, so it reads
 * the latest items of a room that grew through the node's `view` command.
 */
import type { RoomSummaryView, RoomView } from '../../src/commands/view.js'
import type { TimelineItem } from '../../src/timeline/index.js'
import { mentionsMeIn } from './people.js'

/** Most items read back from a room that grew while not on screen (older ones are not counted). */
export const MENTION_SCAN_ITEMS = 100

/** Reads the latest `limit` items of a room (with its members, for names). */
export type ReadRoom = (roomId: string, limit: number) => Promise<RoomView | null>

/** Unread mentions per room, remembered across refreshes. */
export class AttachedMentions {
  /** Per room, its length when last scanned (a room's first sighting is its baseline). */
  private readonly scanned = new Map<string, number>()
  /** Per room, the ids of unread items that mention me. */
  private readonly unread = new Map<string, Set<string>>()
  /** Ids of mentions already rung for, so a redraw never rings twice. */
  private readonly rung = new Set<string>()

  constructor (private readonly read: ReadRoom, private readonly bell: () => void) {}

  /** Unread mentions of a room. */
  count (roomId: string): number {
    return this.unread.get(roomId)?.size ?? 0
  }

  /**
   * After a view: the room on screen (`shown`, null for none) is read, and rings for its new
   * mentions; every other room that grew is read back and counted.
   */
  async update (rooms: RoomSummaryView[], shown: RoomView | null, me: string | null): Promise<void> {
    for (const r of rooms) {
      const before = this.scanned.get(r.id)
      this.scanned.set(r.id, r.length)
      if (r.id === shown?.id) {
        this.unread.delete(r.id)
        // First sighting: what is already there is old news, remembered without a ring.
        this.ring(r, this.mentions(shown, me), before !== undefined)
        continue
      }
      if (before === undefined || r.length <= before) continue
      const room = await this.read(r.id, Math.min(MENTION_SCAN_ITEMS, r.length - before))
      if (room === null) continue
      const found = this.mentions(room, me)
      const set = this.unread.get(r.id) ?? new Set<string>()
      for (const item of found) set.add(item.id)
      this.unread.set(r.id, set)
      this.ring(r, found)
    }
  }

  private mentions (room: RoomView, me: string | null): TimelineItem[] {
    return room.timeline.filter((item) => mentionsMeIn(item, { members: room.members, me }))
  }

  /** Ring once for mentions not rung for yet, if the room asks for it (and `loud`); remember them either way. */
  private ring (room: RoomSummaryView, items: TimelineItem[], loud = true): void {
    const fresh = items.filter((item) => !this.rung.has(`${room.id}/${item.id}`))
    for (const item of fresh) this.rung.add(`${room.id}/${item.id}`)
    if (loud && fresh.length > 0 && room.bell) this.bell()
  }
}
