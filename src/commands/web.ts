/**
 * `web ROOM [--qr]`: the links a phone opens to join a room, from the node serving phones
 * on this home (`tamtam up --web`). Each is the server's address with the room's invite
 * after `#`, which the browser never sends to the server (docs/protocol.md §16).
 */
import { fail } from '../errors/index.js'
import { encodeInvite, inviteQr } from '../room/index.js'
import type { Command } from './types.js'
import { roomArg } from './room.js'

/** `web ROOM [--qr]`; with `start` (the app's `/web`), the node starts serving phones first. */
export const webLink: Command = {
  name: 'web',
  summary: 'print the link (and QR code) phones open to join a room from their browser',
  run: async (ctx, args) => {
    const room = await roomArg(ctx.tt, args)
    // `start` (the app's /web): serve phones from now on if this node does not yet.
    const urls = ctx.webUrls ?? (args.start === true ? await ctx.serveWeb() : null)
    if (urls === null || urls.length === 0) throw fail('WEB_NOT_RUNNING', 'start the node with `tamtam up --web` first, then run this again')
    const links = urls.map((url) => `${url}#${encodeInvite(room.secret, room.name)}`)
    return { room: room.name, id: room.id, links, qr: args.qr === true ? await inviteQr(links[0]) : undefined }
  }
}
