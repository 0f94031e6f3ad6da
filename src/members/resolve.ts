/**
 * The one way a member is found from what someone typed, for every command and the TUI:
 * a whole identity (64 hex digits), a fingerprint prefix (4+ hex digits), `Name#ab12`, or
 * a nickname in any case and accents (see matchMembers in src/names).
 *
 * One rule set: the others come first, so when we are called "Awa" too, "Awa" means the
 * other Awa. We are a candidate only when nobody else matches, and a caller that cannot
 * act on us (a private message, verification) refuses that with its own reason.
 * Not found and ambiguous fail with USAGE and the same words everywhere.
 */
import { fail, type TamtamError } from '../errors/index.js'
import { matchMembers } from '../names/resolve.js'
import type { Room } from '../room/index.js'
import type { Tamtam } from '../tamtam.js'
import { sanitizeName } from '../text/sanitize.js'
import { byIdentity, roomMembers, type Member } from './view.js'

/** Options of {@link pickMember}. */
export interface PickOptions {
  /**
   * Why naming ourselves is refused (USAGE with these words). Without it, we are a
   * candidate like anyone, only after every other member.
   */
  notYou?: string
}

const IDENTITY = /^[0-9a-f]{64}$/i

/** The error for a name that matches no member of `room`. */
export function memberNotFound (who: string, room: Pick<Room, 'name'>): TamtamError {
  return fail('USAGE', `no member "${sanitizeName(who)}" in ${sanitizeName(room.name)}: check the nickname, or use their fingerprint`)
}

/** The error for a name that matches several members of `room`. */
export function memberAmbiguous (who: string, found: Member[], room: Pick<Room, 'name'>): TamtamError {
  const prints = found.map((m) => m.fingerprint.slice(0, 9)).join(', ')
  return fail('USAGE', `"${sanitizeName(who)}" names ${found.length} members of ${sanitizeName(room.name)} (${prints}): add the fingerprint, as NAME#${found[0].fingerprint.slice(0, 4)}`)
}

/** Everyone `query` can mean, one entry per identity. */
function candidates<M extends Member> (members: M[], query: string): M[] {
  const matched = IDENTITY.test(query) ? members.filter((m) => m.identity === query.toLowerCase()) : matchMembers(members, query)
  // Matched on any of a person's logs (two homes, two names), listed once.
  const people = byIdentity(members)
  return [...new Set(matched.map((m) => m.identity))].map((id) => people.get(id) as M)
}

/**
 * The one member of `members` that `who` names. Fails with USAGE when `who` is empty,
 * names nobody, several people, or (with `notYou`) only ourselves.
 */
export function pickMember<M extends Member> (members: M[], who: string, room: Pick<Room, 'name'>, opts: PickOptions = {}): M {
  const query = String(who ?? '').trim()
  if (query === '') throw fail('USAGE', 'missing member: give a nickname or a fingerprint')
  const found = candidates(members, query)
  const others = found.filter((m) => !m.you)
  if (others.length > 1) throw memberAmbiguous(query, others, room)
  if (others.length === 1) return others[0]
  if (found.length === 0) throw memberNotFound(query, room)
  if (opts.notYou !== undefined) throw fail('USAGE', opts.notYou)
  return found[0]
}

/** Read the members of `room` and pick the one `who` names (see {@link pickMember}). */
export async function resolveMember (tt: Tamtam, room: Room, who: string, opts: PickOptions = {}): Promise<Member> {
  return pickMember(await roomMembers(tt, room), who, room, opts)
}
