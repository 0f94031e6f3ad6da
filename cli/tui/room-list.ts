/**
 * What the room list shows of each room: its unread messages, its unread mentions of me
 * (ringing for new ones when the room asks, `/bell on`), and its private conversations
 * under it. The room on screen counts as read.
 */
import { roomMembers } from '../../src/members/index.js'
import { mentionBellOn } from '../../src/room/settings.js'
import { displayNames } from '../../src/names/index.js'
import type { Room } from '../../src/room/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import type { TimelineItem } from '../../src/timeline/index.js'
import { dmEntries, type DmWatch } from './dm-watch.js'
import { MentionTracker } from './mentions.js'
import { plainName } from './people.js'
import { scanMentions } from './room-people.js'
import type { RoomEntry } from './state.js'

/** What the room list is told of the app. */
export interface RoomListOptions {
  tt: Tamtam
  dms: DmWatch
  /** Ring the terminal bell. */
  bell: () => void
  /** Private messages could not be read; the entries are left out. */
  dmFailed: (err: unknown) => void
}

/** Unread counts of every room, remembered across refreshes. */
export class RoomList {
  private readonly opts: RoomListOptions
  /** Unread mentions of me, per room. */
  private readonly mentions = new MentionTracker()
  /** Per room, the readable length of all its logs when it was last on screen. */
  private readonly seenLength = new Map<string, number>()

  constructor (opts: RoomListOptions) {
    this.opts = opts
  }

  /** The entries of `rooms`; `room` is on screen, showing the conversation with `dm` if not null. `me` is my identity. */
  async entries (rooms: Room[], room: Room | null, dm: string | null, me: string | null): Promise<RoomEntry[]> {
    const entries: RoomEntry[] = []
    for (const r of rooms) {
      const viewing = r === room && dm === null
      entries.push({ id: r.id, name: r.name, unread: await this.unread(r), mentions: viewing ? 0 : await this.backgroundMentions(r, me) })
      entries.push(...await this.conversations(r, r === room ? dm : null))
    }
    return entries
  }

  /** The room on screen shows `items`, read after its logs' `lengths`: all of it is read. */
  async read (room: Room, items: TimelineItem[], lengths: Map<string, number>, mentionsMe: (item: TimelineItem) => boolean): Promise<void> {
    this.seenLength.set(room.id, await this.totalLength(room))
    this.ring(room, this.mentions.take(room.id, items, lengths, mentionsMe))
    this.mentions.clear(room.id)
  }

  private async totalLength (room: Room): Promise<number> {
    return (await this.opts.tt.logs(room)).list().reduce((sum, l) => sum + l.readable, 0)
  }

  /** Messages since the room was last on screen; its first count is its baseline. */
  private async unread (room: Room): Promise<number> {
    const seen = this.seenLength.get(room.id)
    const total = await this.totalLength(room)
    if (seen === undefined) {
      this.seenLength.set(room.id, total)
      return 0
    }
    return Math.max(0, total - seen)
  }

  /** Unread mentions of a room not on screen (read at most once a second), ringing for new ones. */
  private async backgroundMentions (room: Room, me: string | null): Promise<number> {
    if (me === null) return 0
    this.ring(room, await scanMentions(this.opts.tt, room, this.mentions, me))
    return this.mentions.count(room.id)
  }

  /** Ring the terminal bell for new mentions, if the room asks for it. */
  private ring (room: Room, fresh: TimelineItem[]): void {
    if (fresh.length > 0 && mentionBellOn(room) && this.mentions.ringFor(fresh)) this.opts.bell()
  }

  /** The entries of a room's private conversations; `viewing` is the one on screen. */
  private async conversations (room: Room, viewing: string | null): Promise<RoomEntry[]> {
    const { dms, tt } = this.opts
    try {
      const conversations = await dms.conversations(room)
      // Counted even when empty: a room's first listing is its baseline, even with nothing in it.
      const unread = dms.unread(room.id, conversations, viewing)
      if (conversations.length === 0) return []
      const people = [...await roomMembers(tt, room), ...conversations]
      const labels = displayNames(people.map((p) => ({ identity: p.identity, name: plainName(p.name) })))
      return dmEntries(room.id, conversations, labels, unread)
    } catch (err) {
      this.opts.dmFailed(err)
      return []
    }
  }
}
