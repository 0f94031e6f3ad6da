/**
 * The open logs of every room of a home, per epoch (src/epochs): one RoomLogs per room id,
 * opened once and shared, and our own log opened alone for a one-shot write. A room that
 * moves to a new epoch keeps its old logs open as the past epoch's; until the move is done,
 * asking for the room's logs or its own log waits, so nothing is read or written in between.
 */
import type Corestore from 'corestore'
import type { Hypercore } from 'hypercore'
import type { Identity } from '../identity/index.js'
import type { Room, RoomRegistry } from '../room/index.js'
import { MemberLog } from './member-log.js'
import { RoomLogs } from './room-logs.js'

/** What the sessions need of the Tamtam that owns them. */
export interface SessionHost {
  rooms: RoomRegistry
  store: () => Promise<Corestore>
  identity: () => Promise<Identity>
  emit: (event: string, ...args: unknown[]) => boolean
  addRoomCore: (roomId: string, core: Hypercore) => void
}

/** The open logs of a home's rooms. */
export class RoomSessions {
  private readonly host: SessionHost
  private readonly sessions = new Map<string, Promise<RoomLogs>>()
  /** Our own log of rooms whose logs are not open, opened alone for a write (see ownLog). */
  private readonly ownAlone = new Map<string, Promise<MemberLog>>()
  /** Rooms moving to another epoch, until their new logs are open. */
  private readonly switching = new Map<Room, Promise<void>>()

  constructor (host: SessionHost) {
    this.host = host
  }

  /** The open logs of a room (opened once, then shared); during a key rotation, the new epoch's. */
  async logs (room: Room): Promise<RoomLogs> {
    await this.switching.get(room)?.catch(() => {})
    return await this.open(room)
  }

  private async open (room: Room): Promise<RoomLogs> {
    let session = this.sessions.get(room.id)
    if (session === undefined) {
      const host = this.host
      session = (async () => {
        const logs = await RoomLogs.open(await host.store(), room, await host.identity())
        // logs.room, not room: after a key rotation these logs belong to a past epoch (rebind).
        logs.on('update', (log) => host.emit('update', logs.room, log))
        logs.on('member', (log) => host.emit('member', logs.room, log))
        // A log announced but not yet bound: replicate it (to fetch its binding), never announce it.
        logs.on('pending', (log) => host.addRoomCore(logs.room.id, log.core))
        logs.on('flood', (log, grown) => host.emit('flood', logs.room, log, grown))
        logs.on('error', (err) => host.emit('warning', err))
        return logs
      })()
      session.catch(() => this.sessions.delete(room.id))
      this.sessions.set(room.id, session)
    }
    return await session
  }

  /** The member logs of every epoch of a room: its past epochs', then the current one's. */
  async allLogs (room: Room): Promise<MemberLog[]> {
    const logs: MemberLog[] = []
    for (const epoch of [...room.past, room]) logs.push(...(await this.logs(epoch)).list())
    return logs
  }

  /**
   * Our own log of `room`, to append to. When the room's logs are open (a node), it is
   * theirs. Otherwise it is opened alone and kept until close: a one-shot `send` with no
   * node needs no other member's log, and a room of a hundred members would open a hundred
   * cores for one block. Never the old epoch's while the room changes keys.
   */
  async ownLog (room: Room): Promise<MemberLog> {
    await this.switching.get(room)?.catch(() => {})
    const session = this.sessions.get(room.id)
    if (session !== undefined) return (await session).own
    let alone = this.ownAlone.get(room.id)
    if (alone === undefined) {
      alone = (async () => await MemberLog.own(await this.host.store(), room, await this.host.identity()))()
      alone.catch(() => this.ownAlone.delete(room.id))
      this.ownAlone.set(room.id, alone)
    }
    return await alone
  }

  /** Close and forget a room's logs (leaving it); with `alone`, its own log opened alone too. */
  async drop (roomId: string, opts: { alone?: boolean } = {}): Promise<void> {
    const session = this.sessions.get(roomId)
    this.sessions.delete(roomId)
    if (session !== undefined) await session.then(async (l) => await l.close(), () => {})
    if (opts.alone !== true) return
    const alone = this.ownAlone.get(roomId)
    this.ownAlone.delete(roomId)
    if (alone !== undefined) await alone.then(async (l) => await l.close(), () => {})
  }

  /** Close every log (before the store closes). */
  async closeAll (): Promise<void> {
    const sessions = [...this.sessions.values()]
    this.sessions.clear()
    for (const s of sessions) await s.then((l) => l.close(), () => {})
    const alone = [...this.ownAlone.values()]
    this.ownAlone.clear()
    for (const log of alone) await log.then((l) => l.close(), () => {})
  }

  /** Open the logs of a past epoch kept from a rotation that lost (src/epochs). */
  async openPast (past: Room): Promise<void> {
    await this.open(past)
  }

  /**
   * Move a room to another epoch; logs(room) and ownLog(room) wait until it is done: a
   * session opened in between would be the old epoch's, or would check the old logs
   * against the new id.
   */
  async switchEpoch (room: Room, secret: Buffer, epoch: number): Promise<void> {
    if (this.switching.has(room)) throw new Error('a room switches epoch once at a time')
    const switched = this.move(room, secret, epoch)
    this.switching.set(room, switched)
    try {
      await switched
    } finally {
      this.switching.delete(room)
    }
  }

  /**
   * The open logs of the epoch left stay open and become the past epoch's (rebind): closing
   * and reopening the same cores at once gave sessions with nothing readable (measured:
   * contiguousLength 0 on a full log). Only the own log opened alone for a write is closed.
   */
  private async move (room: Room, secret: Buffer, epoch: number): Promise<void> {
    const oldId = room.id
    const session = await this.sessions.get(oldId)?.catch(() => undefined)
    const alone = this.ownAlone.get(oldId)
    this.ownAlone.delete(oldId)
    if (alone !== undefined) await alone.then(async (l) => { if (l !== session?.own) await l.close() }, () => {})
    // Synchronous from here to the rebind: the Room changes and its old logs move with it.
    const saved = this.host.rooms.switchEpoch(room, secret, epoch)
    session?.rebind(room.past[room.past.length - 1])
    // Back to an epoch held as a past one (a concurrent rotation won after all): its open
    // logs become the room's again.
    const returning = this.sessions.get(room.id)
    await saved
    ;(await returning?.catch(() => undefined))?.rebind(room)
    for (const past of room.past) await this.open(past)
    await this.open(room)
  }
}
