/**
 * Relay hubs: `room relay-code ROOM` (a member makes the code), `relay add CODE`,
 * `relay list` and `relay remove ROOM` (on the hub). A hub runs `tamtam up --relay`.
 */
import { fail } from '../errors/index.js'
import { encodeRelayCode } from '../relay/relay-code.js'
import { inviteQr } from '../room/index.js'
import type { Command } from './types.js'
import { str } from './args.js'
import { roomArg } from './room.js'

/** `room relay-code ROOM [--qr]` */
export const roomRelayCode: Command = {
  name: 'room.relay-code',
  summary: 'print the code that lets a relay hub store and serve a room without reading it',
  run: async ({ tt }, args) => {
    const room = await roomArg(tt, args)
    const code = encodeRelayCode(room)
    return { room: room.name, id: room.id, code, qr: args.qr === true ? await inviteQr(code) : undefined }
  }
}

/** `relay add CODE` */
export const relayAdd: Command = {
  name: 'relay.add',
  summary: 'relay a room: store and serve its encrypted logs (no secret needed)',
  run: async ({ tt }, args) => {
    const room = await tt.addRelay(str(args, 'code'))
    return { room: room.name, id: room.id }
  }
}

/** `relay list` */
export const relayList: Command = {
  name: 'relay.list',
  summary: 'rooms this home relays, with members and blocks held',
  run: async ({ tt }) => {
    await tt.open()
    const open = tt.openStore() !== null
    if (!open) await tt.store()
    return tt.relays.stats()
  }
}

/** `relay remove ROOM` */
export const relayRemove: Command = {
  name: 'relay.remove',
  summary: 'stop relaying a room (blocks already stored stay until pruned)',
  run: async ({ tt }, args) => {
    await tt.open()
    const query = str(args, 'room')
    const matches = tt.relays.list().filter((r) => r.name === query || r.id.startsWith(query.toLowerCase()))
    if (matches.length !== 1) throw fail(matches.length === 0 ? 'ROOM_NOT_FOUND' : 'ROOM_AMBIGUOUS', `relayed rooms: ${tt.relays.list().map((r) => r.name).join(', ') || 'none'}`)
    await tt.removeRelay(matches[0].id)
    return { room: matches[0].name, id: matches[0].id, removed: true }
  }
}

/** Every relay command. */
export const RELAY_COMMANDS: Command[] = [roomRelayCode, relayAdd, relayList, relayRemove]
