/**
 * What the app reads about the people of a room: the member list (with verification and
 * key changes, remembering names seen for the first time) and, for rooms not on screen,
 * the new messages that mention me.
 */
import { onePerPerson, roomMembers } from '../../src/members/index.js'
import { mutedIn } from '../../src/room/settings.js'
import { keyChanged, mentionMatcher, rememberNames, verifiedIn } from '../../src/names/index.js'
import type { Room } from '../../src/room/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import type { TimelineItem } from '../../src/timeline/index.js'
import type { MentionTracker } from './mentions.js'
import type { MemberEntry } from './state.js'

/** A background room is read back at most this many items for mentions. */
const SCAN_LIMIT = 300

/** The member list of a room. Names never seen here are remembered (rooms saved) with their key. */
export async function memberEntries (tt: Tamtam, room: Room, online: Set<string>, muted: Set<string>): Promise<MemberEntry[]> {
  const members = await roomMembers(tt, room)
  if (rememberNames(room, members)) await tt.rooms.save()
  const verified = new Set(verifiedIn(room))
  return onePerPerson(members, online).map((m) => ({
    name: m.name,
    fingerprint: m.fingerprint,
    online: m.online,
    you: m.you,
    muted: muted.has(m.identity),
    identity: m.identity,
    verified: verified.has(m.identity),
    keyChanged: !m.you && keyChanged(room, m.name, m.identity)
  }))
}

/** The readable length of every member log of a room, by log key. */
export async function logLengths (tt: Tamtam, room: Room): Promise<Map<string, number>> {
  return new Map((await tt.logs(room)).list().map((l) => [l.key, l.readable]))
}

/** Whether an item is someone else's message that `mentions` says names me. */
export function isMentionOf (item: TimelineItem, me: string, mentions: (text: string) => string[]): boolean {
  return item.type === 'msg' && item.deleted !== true && item.authorKey !== me && mentions(item.text).includes(me)
}

/** Read a room that is not on screen for new mentions of `me` (rate-limited by the tracker). */
export async function scanMentions (tt: Tamtam, room: Room, tracker: MentionTracker, me: string): Promise<TimelineItem[]> {
  const lengths = await logLengths(tt, room)
  const fresh = tracker.due(room.id, lengths)
  if (fresh === 0) return []
  const muted = new Set(mutedIn(room))
  const items = (await (await tt.timeline(room)).page({ limit: Math.min(fresh, SCAN_LIMIT) })).filter((i) => !muted.has(i.authorKey))
  const mentions = mentionMatcher(await roomMembers(tt, room))
  return tracker.take(room.id, items, lengths, (i) => isMentionOf(i, me, mentions))
}
