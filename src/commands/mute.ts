/** `mute ROOM NAME` / `unmute`: hide a member's messages for yourself alone. */
import { resolveMember } from '../members/index.js'
import { setMuted } from '../room/settings.js'
import type { Command } from './types.js'
import { str } from './args.js'
import { roomArg } from './room.js'


function muteCommand (name: string, on: boolean): Command {
  return {
    name,
    summary: on ? 'hide a member\'s messages, for you only' : 'show a muted member again',
    run: async ({ tt }, args) => {
      const room = await roomArg(tt, args)
      const member = await resolveMember(tt, room, str(args, 'member'))
      if (setMuted(room, member.identity, on)) await tt.rooms.save()
      return { room: room.name, member: member.name, identity: member.identity, muted: on }
    }
  }
}

/** `mute ROOM MEMBER` */
export const mute = muteCommand('mute', true)
/** `unmute ROOM MEMBER` */
export const unmute = muteCommand('unmute', false)
