/** Private message commands: `dm ROOM MEMBER TEXT` and `dms ROOM [MEMBER] [--limit N]`. */
import { NOT_TO_YOURSELF } from '../dm/direct-messages.js'
import { resolveMember } from '../members/index.js'
import type { Command } from './types.js'
import { optInt, optStr, str } from './args.js'
import { roomArg } from './room.js'

/** `dm ROOM MEMBER TEXT`: resolves once the sealed message is stored in our log. */
export const dm: Command = {
  name: 'dm',
  summary: 'send a private message that only one member can read',
  run: async (ctx, args) => {
    const tt = ctx.tt
    const room = await roomArg(tt, args)
    const sent = await ctx.dms().send(room, str(args, 'member'), str(args, 'text'))
    return { room: room.name, ...sent }
  }
}

/** `dms ROOM`: the conversations; `dms ROOM MEMBER [--limit N]`: the messages with one member, oldest first. */
export const dms: Command = {
  name: 'dms',
  summary: 'list your private conversations, or read one',
  run: async (ctx, args) => {
    const tt = ctx.tt
    const room = await roomArg(tt, args)
    const who = optStr(args, 'member')
    if (who === undefined || who === '') return { room: room.name, conversations: await ctx.dms().conversations(room) }
    const { identity, name, fingerprint } = await resolveMember(tt, room, who, { notYou: NOT_TO_YOURSELF })
    const messages = await ctx.dms().messages(room, identity, { limit: optInt(args, 'limit') ?? 50 })
    return { room: room.name, with: { identity, name, fingerprint }, messages }
  }
}

/** The private message commands, for the command table. */
export const DM_COMMANDS: Command[] = [dm, dms]
