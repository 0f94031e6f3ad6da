/**
 * `room rekey ROOM` (library command `room.rekey`) and the rotation behind `mod ROOM remove
 * MEMBER --rekey`: a moderator moves the room to a new epoch whose secret only the members
 * who stay receive (src/epochs, protocol.md §20). The result says what to hand out again:
 * relay hubs and phones hold the old epoch's codes.
 */
import { rekeyRoom, type RekeyResult } from '../epochs/index.js'
import type { Room } from '../room/index.js'
import type { Tamtam } from '../tamtam.js'
import type { Command } from './types.js'
import { roomArg } from './room.js'

/** What both commands print: the rotation, and what is out of date now. */
export async function rekeyAndReport (tt: Tamtam, room: Room, removed: string[] = []): Promise<RekeyResult & { room: string, relayCodeStale: boolean }> {
  const result = await rekeyRoom(tt, room, { removed })
  // A relay hub holds the old epoch's capability: it can serve nothing written from now on.
  return { room: room.name, ...result, relayCodeStale: true }
}

/** `room rekey ROOM` */
export const roomRekey: Command = {
  name: 'room.rekey',
  summary: 'give the room new keys, sent to every member who stays (moderators only)',
  run: async ({ tt }, args) => await rekeyAndReport(tt, await roomArg(tt, args))
}

export const REKEY_COMMANDS: Command[] = [roomRekey]
