/**
 * The members a private message can go to: every verified author of a log held in the
 * room, by identity (one person may write more than one log, from two homes). Names come
 * from the logs and are sanitised here, so nothing a peer chose reaches a screen raw.
 */
import { matchMembers } from '../names/index.js'
import { fail } from '../errors/index.js'
import { shortFingerprint } from '../identity/index.js'
import type { MemberLog } from '../log/member-log.js'
import type { RoomLogs } from '../log/room-logs.js'
import { sanitizeName } from '../text/sanitize.js'

/** A member of a room, as private messages see it. */
export interface DmMember { identity: string, name: string, fingerprint: string }

/** Verified authors of the logs held, by identity, with the log that names them. */
export async function membersOf (logs: RoomLogs): Promise<Map<string, MemberLog>> {
  const byIdentity = new Map<string, MemberLog>()
  for (const log of logs.list()) {
    const author = await log.verifyBinding()
    // Our own log names us, whatever other homes with our identity wrote.
    if (author !== null && (!byIdentity.has(author.identity) || log.core.writable)) byIdentity.set(author.identity, log)
  }
  return byIdentity
}

/** A member's public view: current nickname (sanitised) and short fingerprint. */
export async function describe (identity: string, log: MemberLog | undefined): Promise<DmMember> {
  const name = log === undefined ? '?' : (await log.currentName()) ?? log.author?.name ?? '?'
  return { identity, name: sanitizeName(name) || '?', fingerprint: shortFingerprint(Buffer.from(identity, 'hex')) }
}

/**
 * Find the member `who` names: a nickname, a fingerprint prefix or a whole identity (hex),
 * like `findMember`. We are never a candidate, so "Awa" means the other Awa; naming only
 * ourselves, nobody, or several people fails with USAGE.
 */
export async function resolveMember (logs: RoomLogs, me: string, who: string): Promise<DmMember> {
  const wanted = String(who ?? '').trim()
  if (wanted.length === 0) throw fail('USAGE', 'missing member')
  const everyone: DmMember[] = []
  for (const [identity, log] of await membersOf(logs)) everyone.push(await describe(identity, log))
  // The same lookup as everywhere else (src/names): fingerprints of 4+ hex digits first,
  // then names in any case and accents; a whole identity in hex also works.
  const found = /^[0-9a-f]{64}$/i.test(wanted) ? everyone.filter((m) => m.identity === wanted.toLowerCase()) : matchMembers(everyone, wanted)
  const self = found.some((m) => m.identity === me)
  const matches = found.filter((m) => m.identity !== me)
  const room = sanitizeName(logs.room.name)
  if (matches.length === 0 && self) throw fail('USAGE', 'a private message goes to someone else: you cannot send one to yourself')
  if (matches.length === 0) throw fail('USAGE', `no member "${sanitizeName(wanted)}" in ${room}: check the nickname, or use their fingerprint`)
  if (matches.length > 1) throw fail('USAGE', `"${sanitizeName(wanted)}" names ${matches.length} members of ${room}: use their fingerprint (${matches.map((m) => m.fingerprint).join(', ')})`)
  return matches[0]
}
