/**
 * `view`: what the terminal app draws of a node, in one read, so an app attached to a
 * running node (`tamtam up`) paints from one round trip per refresh, and `room.bell`,
 * the one room setting the app changes that had no command. The result is plain JSON,
 * versioned (`v`), described in docs/protocol.md §6.
 */
import { hasDefaultRoute } from '../discovery/routes.js'
import type { DmConversation, DmMessage } from '../dm/index.js'
import { fail } from '../errors/index.js'
import { onePerPerson, roomMembers } from '../members/index.js'
import { keyChanged, rememberNames, verifiedIn } from '../names/index.js'
import { syncState } from '../network/sync-watch.js'
import type { NodeContext } from '../node/context.js'
import { reachOf } from '../replication/reach.js'
import type { Room } from '../room/index.js'
import { mentionBellOn, mutedIn, setMentionBell } from '../room/settings.js'
import type { Tamtam } from '../tamtam.js'
import type { TimelineItem } from '../timeline/index.js'
import { optInt, optStr } from './args.js'
import { roomArg } from './room.js'
import type { Command } from './types.js'

/** Version of the view's shape. */
export const VIEW_VERSION = 1
/** Most timeline items one view returns (the app keeps this many in memory). */
export const VIEW_MAX_ITEMS = 300

/** The status bar's facts about a room: LAN peers, Internet, sync and reach of my last message. */
export interface RoomStatusView {
  lanPeers: number
  internet: boolean | null
  missing: number
  seen: { k: number, n: number } | null
  /** Seconds after which the room's messages disappear (room set --expire); 0 or absent: kept. */
  expire?: number
}

/** One member as the app lists them. */
export interface MemberView { name: string, fingerprint: string, identity: string, online: boolean, you: boolean, muted: boolean, verified: boolean, keyChanged: boolean }

/** One room in the list: `length` is the readable length of all its logs, for unread counts. */
export interface RoomSummaryView { id: string, name: string, length: number, bell: boolean, conversations: DmConversation[] }

/** The room on screen. */
export interface RoomView {
  id: string
  name: string
  /** The latest items, oldest first, muted members left out. */
  timeline: TimelineItem[]
  /** The readable length of each member log when the timeline was read, by log key. */
  lengths: Record<string, number>
  members: MemberView[]
  status: RoomStatusView
  /** The private conversation asked for, when one was. */
  dm?: { identity: string, messages: DmMessage[] }
}

/** The whole answer of `view`. */
export interface NodeView { v: number, me: string | null, rooms: RoomSummaryView[], room: RoomView | null }

/** What `online` the node's network can tell (the running Network has it; a handle may not). */
interface Online { online?: (roomId: string) => Set<string> }

/** The status of `room`; `timeline` is what is on screen, where my last message is looked for. */
export async function roomStatusOf (ctx: NodeContext, room: Room, timeline: TimelineItem[]): Promise<RoomStatusView> {
  const logs = await ctx.tt.logs(room)
  const peers = ctx.network?.peers() ?? []
  const lastMine = timeline.filter((i) => i.core === logs.own.key && i.type === 'msg').pop()
  return {
    lanPeers: peers.filter((p) => p.source !== 'internet').length,
    internet: hasDefaultRoute(),
    missing: syncState(logs).missing,
    // Reach receipts: how many connected peers hold my log up to my last message.
    seen: lastMine === undefined ? null : reachOf(logs, lastMine.seq),
    expire: (await ctx.tt.moderation(room)).expiry?.seconds ?? 0
  }
}

/** The members of a room; names never seen here are remembered with their key (rooms saved), as the app always did. */
async function membersOf (ctx: NodeContext, room: Room): Promise<MemberView[]> {
  const tt = ctx.tt
  const members = await roomMembers(tt, room)
  if (rememberNames(room, members)) await tt.rooms.save()
  const online = (ctx.network as Online | null)?.online?.(room.id) ?? new Set<string>()
  const muted = new Set(mutedIn(room))
  const verified = new Set(verifiedIn(room))
  return onePerPerson(members, online).map((m) => ({
    name: m.name,
    fingerprint: m.fingerprint,
    identity: m.identity,
    online: m.online,
    you: m.you,
    muted: muted.has(m.identity),
    verified: verified.has(m.identity),
    keyChanged: !m.you && keyChanged(room, m.name, m.identity)
  }))
}

async function totalLength (tt: Tamtam, room: Room): Promise<number> {
  return (await tt.logs(room)).list().reduce((sum, l) => sum + l.readable, 0)
}

/** A room's private conversations; none when they cannot be read (the app says so once). */
async function conversationsOf (ctx: NodeContext, room: Room): Promise<DmConversation[]> {
  return await ctx.dms().conversations(room).catch(() => [])
}

async function roomView (ctx: NodeContext, room: Room, limit: number, dm: string | undefined): Promise<RoomView> {
  const tt = ctx.tt
  const members = await membersOf(ctx, room)
  // Lengths before items: whatever lands in between is in the items, so counted once.
  const lengths = Object.fromEntries((await tt.logs(room)).list().map((l) => [l.key, l.readable]))
  const muted = new Set(mutedIn(room))
  const items = (await (await tt.timeline(room)).page({ limit })).filter((i) => !muted.has(i.authorKey))
  const view: RoomView = { id: room.id, name: room.name, timeline: items, lengths, members, status: await roomStatusOf(ctx, room, items) }
  if (dm !== undefined) view.dm = { identity: dm, messages: await ctx.dms().messages(room, dm, { limit }) }
  return view
}

/** `view [--room ID] [--limit N] [--dm IDENTITY]`: rooms, and what the app shows of one room. */
export const view: Command = {
  name: 'view',
  summary: 'what the terminal app shows: the rooms, and the timeline, members and status of one',
  run: async (ctx, args) => {
    const tt = ctx.tt
    await tt.open()
    const me = await tt.identity().then((id) => id.publicKey.toString('hex'), () => null)
    const rooms: RoomSummaryView[] = []
    for (const r of tt.rooms.list()) rooms.push({ id: r.id, name: r.name, length: await totalLength(tt, r), bell: mentionBellOn(r), conversations: await conversationsOf(ctx, r) })
    const asked = optStr(args, 'room')
    // An id of an earlier epoch (the app asked before a key rotation) finds the room as it is now.
    const room = asked === undefined ? null : tt.rooms.currentOf(asked) ?? null
    const limit = Math.min(VIEW_MAX_ITEMS, Math.max(1, optInt(args, 'limit') ?? 60))
    const result: NodeView = { v: VIEW_VERSION, me, rooms, room: room === null ? null : await roomView(ctx, room, limit, optStr(args, 'dm')) }
    return result
  }
}

/** `room.bell ROOM [--on true|false]`: the mention bell of a room, set first when `on` is given. */
export const roomBell: Command = {
  name: 'room.bell',
  summary: 'ring the terminal bell for mentions in a room, or not',
  run: async ({ tt }, args) => {
    const room = await roomArg(tt, args)
    if (args.on !== undefined && typeof args.on !== 'boolean') throw fail('USAGE', 'on must be true or false')
    if (typeof args.on === 'boolean' && setMentionBell(room, args.on)) await tt.rooms.save()
    return { room: room.name, bell: mentionBellOn(room) }
  }
}

/** The app's commands, for the command table. */
export const VIEW_COMMANDS: Command[] = [view, roomBell]
