/**
 * The members view of a room: every verified author of a log held in it, with the name
 * they go by now (sanitised here, so nothing a peer chose reaches a screen raw) and their
 * fingerprint. Like cabal-core's users view, it is the one place that turns logs into
 * people; commands, private messages, drill reports and the TUI all read it.
 */
import { fingerprintOf } from '../names/display.js'
import type { MemberLog } from '../log/member-log.js'
import type { RoomLogs } from '../log/room-logs.js'
import type { Room } from '../room/index.js'
import type { Tamtam } from '../tamtam.js'
import { sanitizeName } from '../text/sanitize.js'

/** One member log of a room, as people see its author. */
export interface Member {
  /** The author's identity (hex public key). */
  identity: string
  /** Current nickname, sanitised; '?' when it is empty or unknown. */
  name: string
  /** Short fingerprint of the identity, e.g. '3f2a-91bc-0d44-7e10'. */
  fingerprint: string
  /** Hex key of this log ('' for someone no log here names, see {@link unknownMember}). */
  log: string
  /** Whether the author is us (this home or another home with our identity). */
  you: boolean
}

/** A member's name as shown: the nickname, sanitised, or '?'. */
function shownName (name: string | null | undefined): string {
  return sanitizeName(name ?? '') || '?'
}

/** The member an identity is when no log here names them (left the room, or not yet heard). */
export function unknownMember (identity: string): Member {
  return { identity, name: '?', fingerprint: fingerprintOf(identity), log: '', you: false }
}

/** The author of one log, or null while its binding is missing or forged. */
async function memberOf (log: MemberLog, me: string | undefined): Promise<Member | null> {
  const author = await log.verifyBinding()
  if (author === null) return null
  const name = shownName((await log.currentName()) ?? author.name)
  return { identity: author.identity, name, fingerprint: fingerprintOf(author.identity), log: log.key, you: author.identity === me }
}

/** Every log of a room with a verified binding, one entry per log, in log order (ours included). */
export async function logMembers (logs: RoomLogs): Promise<Member[]> {
  const me = (await logs.own.verifyBinding())?.identity
  const members: Member[] = []
  for (const log of logs.list()) {
    const member = await memberOf(log, me)
    if (member !== null) members.push(member)
  }
  return members
}

/** {@link logMembers} of a room, by room. */
export async function roomMembers (tt: Tamtam, room: Room): Promise<Member[]> {
  return await logMembers(await tt.logs(room))
}

/**
 * One entry per identity (one person may write several logs, from several homes): the
 * first log listed names them, except that our own log names us, whatever another home
 * with our identity wrote.
 */
export function byIdentity<M extends Member> (members: M[], ownLog?: string): Map<string, M> {
  const out = new Map<string, M>()
  for (const m of members) if (!out.has(m.identity) || m.log === ownLog) out.set(m.identity, m)
  return out
}

/**
 * The member list as people see it: one entry per identity (a phone served by two hosts
 * writes two logs, one person with two homes too), online when any of their logs is.
 */
export function onePerPerson (members: Member[], onlineLogs: Set<string>): Array<Member & { online: boolean }> {
  const online = new Set(members.filter((m) => onlineLogs.has(m.log)).map((m) => m.identity))
  return [...byIdentity(members).values()].map((m) => ({ ...m, online: online.has(m.identity) }))
}

/** The people of a room, one per identity (see {@link byIdentity}). */
export async function people (logs: RoomLogs): Promise<Map<string, Member>> {
  return byIdentity(await logMembers(logs), logs.own.key)
}
