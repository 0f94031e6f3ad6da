/**
 * Private conversations for the app: the list of conversations of each room and the
 * messages of the one on screen, read through src/dm at most once a second per room
 * (the index there only reads new blocks, but the app refreshes on every update), and
 * which of them have unread messages.
 */
import type { DmConversation, DmMessage, DmSent } from '../../src/dm/index.js'
import { fingerprintOf } from '../../src/names/index.js'
import type { Room } from '../../src/room/index.js'
import type { NodeContext } from '../../src/node/context.js'
import type { TimelineItem } from '../../src/timeline/index.js'
import type { RoomEntry } from './state.js'

/** Conversations and messages are read again at most this often. */
export const DM_POLL_MS = 1000
/** Messages of a conversation kept for drawing. */
export const DM_WINDOW = 300

/** What the app uses of src/dm (injectable, so views and counts are tested with a fake). */
export interface DmApi {
  send: (room: Room, to: string, text: string) => Promise<DmSent>
  conversations: (room: Room) => Promise<DmConversation[]>
  messages: (room: Room, withIdentity: string, opts?: { limit?: number }) => Promise<DmMessage[]>
}

/** Injected dependencies. */
export interface DmWatchOptions { clock?: () => number, everyMs?: number, api?: DmApi }

interface Cached<T> { at: number, value: Promise<T> }

/** The id of a conversation's entry in the room list. */
export function dmEntryId (roomId: string, identity: string): string {
  return `${roomId}/@${identity}`
}

/** Room-list entries of a room's conversations, newest first, with their unread counts. */
export function dmEntries (roomId: string, conversations: DmConversation[], labels: Map<string, string>, unread: Map<string, number>): RoomEntry[] {
  return conversations.map((c) => ({ id: dmEntryId(roomId, c.identity), name: labels.get(c.identity) ?? c.name, unread: unread.get(c.identity) ?? 0, dm: { room: roomId, identity: c.identity } }))
}

/** Private messages as timeline items, so the timeline view draws them like the room's. */
export function dmItems (messages: DmMessage[]): TimelineItem[] {
  return messages.map((m, i) => ({ id: m.id, author: fingerprintOf(m.from), authorKey: m.from, name: m.fromName, ts: m.ts, type: 'msg', text: m.text, core: 'dm', seq: i }))
}

/** Rate-limited reads of private messages, and what has been read of each conversation. */
export class DmWatch {
  private readonly ctx: NodeContext
  private readonly clock: () => number
  private readonly everyMs: number
  private readonly injected: DmApi | undefined
  private readonly lists = new Map<string, Cached<DmConversation[]>>()
  private readonly threads = new Map<string, Cached<DmMessage[]>>()
  /** Messages already read, per conversation (room/@identity). */
  private readonly seen = new Map<string, number>()
  /** Rooms whose conversations were listed at least once. */
  private readonly known = new Set<string>()

  constructor (ctx: NodeContext, opts: DmWatchOptions = {}) {
    this.ctx = ctx
    this.clock = opts.clock ?? Date.now
    this.everyMs = opts.everyMs ?? DM_POLL_MS
    this.injected = opts.api
  }

  private get api (): DmApi {
    return this.injected ?? this.ctx.dms()
  }

  /** The conversations of a room, newest first (read again after everyMs). */
  async conversations (room: Room): Promise<DmConversation[]> {
    return await this.cached(this.lists, room.id, async () => await this.api.conversations(room))
  }

  /** The latest messages with `identity` in a room, oldest first. */
  async messages (room: Room, identity: string): Promise<DmMessage[]> {
    return await this.cached(this.threads, dmEntryId(room.id, identity), async () => await this.api.messages(room, identity, { limit: DM_WINDOW }))
  }

  /** Send, then count the message as read and read the room again on the next refresh. */
  async send (room: Room, to: string, text: string): Promise<DmSent> {
    const sent = await this.api.send(room, to, text)
    this.sent(room.id, sent.to.identity)
    return sent
  }

  /** A message was sent to `identity` (here or by the `dm` command): count it as read, read the room again. */
  sent (roomId: string, identity: string): void {
    const key = dmEntryId(roomId, identity)
    this.seen.set(key, (this.seen.get(key) ?? 0) + 1)
    this.forget(roomId)
  }

  /** Drop what was read of a room, so the next call reads it again. */
  forget (roomId: string): void {
    for (const map of [this.lists, this.threads]) for (const key of [...map.keys()]) if (key === roomId || key.startsWith(`${roomId}/`)) map.delete(key)
  }

  /**
   * Unread messages per conversation of a room; the one on screen (`viewing`, an identity)
   * is read. The first listing of a room is taken as read: only what comes after counts.
   */
  unread (roomId: string, conversations: DmConversation[], viewing: string | null): Map<string, number> {
    const first = !this.known.has(roomId)
    this.known.add(roomId)
    const out = new Map<string, number>()
    for (const c of conversations) {
      const key = dmEntryId(roomId, c.identity)
      if (first || c.identity === viewing) this.seen.set(key, c.count)
      out.set(c.identity, Math.max(0, c.count - (this.seen.get(key) ?? 0)))
    }
    return out
  }

  private async cached<T> (map: Map<string, Cached<T>>, key: string, read: () => Promise<T>): Promise<T> {
    const entry = map.get(key)
    if (entry !== undefined && this.clock() - entry.at < this.everyMs) return await entry.value
    const value = read()
    // A failure is kept for everyMs too, so a broken read is not retried on every refresh.
    value.catch(() => {})
    map.set(key, { at: this.clock(), value })
    return await value
  }
}
