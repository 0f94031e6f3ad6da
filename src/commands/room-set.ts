/**
 * `room set ROOM --expire 24h|off` (library command `room.expire`): a room setting every
 * peer applies (moderators only), unlike the local ones of `room.set` (src/commands/drills.ts).
 * It writes one signed `room-setting` record in our own log; every peer takes the latest
 * setting of a current moderator (src/moderation/room-settings.ts) and sweeps what expired
 * (src/expiry). Without an option it shows the room's current settings.
 */
import { fail } from '../errors/index.js'
import { formatExpire, parseExpire } from '../expiry/index.js'
import type { Room } from '../room/index.js'
import type { Tamtam } from '../tamtam.js'
import type { Command } from './types.js'
import { optStr, str } from './args.js'

/** A room's expiry for display: seconds (0: messages are kept) and the same as text. */
export async function expiryOf (tt: Tamtam, room: Room): Promise<{ expire: number, expireText: string }> {
  const seconds = (await tt.moderation(room)).expiry?.seconds ?? 0
  return { expire: seconds, expireText: formatExpire(seconds) }
}

/** `room set ROOM --expire LIFETIME` (the CLI's `room set` runs it for --expire; `room.set` has the local settings). */
export const roomExpire: Command = {
  name: 'room.expire',
  summary: 'change a setting of a room for everyone (moderators only): --expire 24h or off',
  run: async ({ tt }, args) => {
    await tt.open()
    const room = tt.rooms.resolve(str(args, 'room'))
    const text = optStr(args, 'expire')
    if (text === undefined) return { room: room.name, id: room.id, changed: false, ...await expiryOf(tt, room) }
    const seconds = parseExpire(text)
    const state = await tt.moderation(room)
    const me = (await tt.identity()).publicKey.toString('hex')
    if (!state.moderators.has(me)) throw fail('NOT_MODERATOR', state.creator === null ? 'this room was made before moderation existed: it has no moderators' : `only a moderator of ${room.name} can change its settings`)
    await tt.write(async () => { await (await tt.logs(room)).own.append([{ type: 'room-setting', expire: seconds }], tt.clock()) })
    return { room: room.name, id: room.id, changed: true, expire: seconds, expireText: formatExpire(seconds) }
  }
}
