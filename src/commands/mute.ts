/** `mute ROOM NAME` / `unmute`: hide a member's messages for yourself alone. */
import { fail } from '../errors/index.js'
import { shortFingerprint } from '../identity/index.js'
import type { Tamtam } from '../tamtam.js'
import type { Room } from '../room/index.js'
import type { Command } from './types.js'
import { str } from './args.js'
import { matchMembers } from '../names/index.js'
import { roomArg } from './room.js'

/**
 * Find a member of a room by fingerprint prefix (4+ hex digits), `Name#ab12`, or nickname
 * in any case and accents (src/names); fails when nobody or several members match.
 */
export async function findMember (tt: Tamtam, room: Room, who: string): Promise<{ identity: string, name: string }> {
  const logs = await tt.logs(room)
  const members = new Map<string, { identity: string, name: string }>()
  for (const log of logs.list()) {
    const author = await log.verifyBinding()
    if (author !== null) members.set(author.identity, { identity: author.identity, name: (await log.currentName()) ?? author.name })
  }
  const matches = matchMembers([...members.values()], who)
  if (matches.length === 0) throw fail('USAGE', `no member "${who}" in ${room.name}`)
  if (matches.length > 1) throw fail('USAGE', `"${who}" names ${matches.length} members: use their fingerprint (${matches.map((m) => shortFingerprint(Buffer.from(m.identity, 'hex')).slice(0, 9)).join(', ')})`)
  return matches[0]
}

/** The identities muted in a room. */
export function mutedIn (room: Room): string[] {
  const muted = room.settings.muted
  return Array.isArray(muted) ? muted.filter((m): m is string => typeof m === 'string') : []
}

function muteCommand (name: string, on: boolean): Command {
  return {
    name,
    summary: on ? 'hide a member\'s messages, for you only' : 'show a muted member again',
    run: async ({ tt }, args) => {
      const room = await roomArg(tt, args)
      const member = await findMember(tt, room, str(args, 'member'))
      const rest = mutedIn(room).filter((m) => m !== member.identity)
      room.settings.muted = on ? [...rest, member.identity] : rest
      await tt.rooms.save()
      return { room: room.name, member: member.name, identity: member.identity, muted: on }
    }
  }
}

/** `mute ROOM MEMBER` */
export const mute = muteCommand('mute', true)
/** `unmute ROOM MEMBER` */
export const unmute = muteCommand('unmute', false)
