/** Room commands: create, join, list, invite, leave. */
import { inviteQr } from '../room/index.js'
import type { Room } from '../room/index.js'
import type { Tamtam } from '../tamtam.js'
import type { Command, Output } from './types.js'
import { optStr, str } from './args.js'
import { expiryOf } from './room-set.js'
import { chainEnd } from '../epochs/follow.js'

/** Resolve a ROOM argument (local name or id) after loading the room list. */
export async function roomArg (tt: Tamtam, args: Record<string, unknown>): Promise<Room> {
  await tt.open()
  return tt.rooms.resolve(str(args, 'room'))
}

/** `room create NAME` */
export const roomCreate: Command = {
  name: 'room.create',
  summary: 'create a room and print its invite',
  run: async ({ tt }, args) => {
    await tt.open()
    const { room, invite } = await tt.createRoom(str(args, 'name'))
    return { room: room.name, id: room.id, invite, qr: args.qr === true ? await inviteQr(invite) : undefined }
  }
}

/** `room join INVITE [--name ALIAS]` */
export const roomJoin: Command = {
  name: 'room.join',
  summary: 'join a room with an invite code',
  run: async ({ tt }, args) => {
    await tt.open()
    const room = await tt.joinRoom(str(args, 'invite'), optStr(args, 'name'))
    return { room: room.name, id: room.id }
  }
}

/** `room list` */
export const roomList: Command = {
  name: 'room.list',
  summary: 'list your rooms',
  run: async ({ tt }) => {
    await tt.open()
    const rooms = tt.rooms.list().map((r) => ({ room: r.name, id: r.id, members: r.members.length + 1, createdAt: r.createdAt, epoch: r.epoch }))
    const out = []
    // outOfDate: a counted rotation left this home out (src/epochs): nothing new can be read.
    for (const r of await withExpiry(tt, rooms)) out.push({ ...r, outOfDate: (await chainEnd(tt, tt.rooms.resolve(r.id)).catch(() => null))?.leftOut != null })
    return out
  }
}

/** `room invite ROOM [--qr]` */
export const roomInvite: Command = {
  name: 'room.invite',
  summary: 'print the invite code of a room',
  run: async ({ tt }, args) => {
    const room = await roomArg(tt, args)
    const invite = tt.invite(room)
    return { room: room.name, id: room.id, invite, qr: args.qr === true ? await inviteQr(invite) : undefined }
  }
}

/** `room leave ROOM [--wipe]` */
export const roomLeave: Command = {
  name: 'room.leave',
  summary: 'leave a room (its history stays on disk unless --wipe)',
  run: async ({ tt }, args, out) => {
    const room = await roomArg(tt, args)
    if (args.wipe === true) return await leaveAndWipe(tt, room, out)
    await tt.leaveRoom(room)
    return { room: room.name, id: room.id, left: true }
  }
}

/** Each listed room with its expiry setting (room-set.ts); a home that cannot open logs (a relay hub) lists none. */
async function withExpiry<T extends { id: string }> (tt: Tamtam, rooms: T[]): Promise<Array<T & { expire?: number, expireText?: string }>> {
  const out: Array<T & { expire?: number, expireText?: string }> = []
  for (const r of rooms) out.push({ ...r, ...await expiryOf(tt, tt.rooms.resolve(r.id)).catch(() => ({})) })
  return out
}

/**
 * `room leave ROOM --wipe`: leave, and remove every core of the room, its secret and its
 * settings from this home, then compact the store (Tamtam.wipeRoom). Runs where the store
 * is open: in the running node through the control socket, or here.
 */
async function leaveAndWipe (tt: Tamtam, room: Room, out: Output): Promise<Record<string, unknown>> {
  out.progress?.({ phase: 'wiping', room: room.name })
  const report = await tt.wipeRoom(room, (event) => out.progress?.({ ...event, room: room.name }))
  return { room: room.name, id: room.id, left: true, wiped: true, ...report }
}
