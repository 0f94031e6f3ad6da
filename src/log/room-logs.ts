/**
 * All member logs of one room that this peer holds: our own plus every member we have
 * heard of. Emits 'update' when any of them grows, and 'member' when a new one is added,
 * so the timeline and the UI can redraw live.
 */
import { EventEmitter } from 'node:events'
import type Corestore from 'corestore'
import type { Identity } from '../identity/index.js'
import type { Room } from '../room/index.js'
import { MemberLog } from './member-log.js'

/**
 * Storage limit per member log: a peer keeps at most this many blocks of another member's
 * log, so a member who floods cannot fill everyone's disk. Writable so tests can lower it.
 */
export const memberQuota = { maxBlocks: 1_000_000 }

/**
 * Live-growth limit per member log: a log that grows by more than `blocks` in one window
 * of `windowMs` while we are connected is flooding. Its first sync is not counted (a
 * week of backlog arrives in one jump), so this only catches appends made live. An honest
 * person, or a script sending 2,000 messages as fast as the API allows, stays below it.
 * Writable so tests can lower it.
 */
export const liveGrowthQuota = { blocks: 5000, windowMs: 10_000 }

/** The open logs of one room. */
export class RoomLogs extends EventEmitter {
  readonly room: Room
  readonly own: MemberLog
  private readonly store: Corestore
  private readonly logs = new Map<string, MemberLog>()
  /** Member logs (hex) that went over the live-growth quota in this run. */
  readonly flooding = new Set<string>()
  /** Logs being opened, so two announcements of one key open it once. */
  private readonly opening = new Map<string, Promise<MemberLog>>()
  private closed = false

  private constructor (store: Corestore, room: Room, own: MemberLog) {
    super()
    this.store = store
    this.room = room
    this.own = own
    this.track(own)
  }

  /** Open our own log and every member log recorded for the room. */
  static async open (store: Corestore, room: Room, identity: Identity): Promise<RoomLogs> {
    const own = await MemberLog.own(store, room, identity)
    const logs = new RoomLogs(store, room, own)
    for (const key of room.members) await logs.addMember(Buffer.from(key, 'hex'))
    return logs
  }

  /** Every open log, ours included. */
  list (): MemberLog[] {
    return [...this.logs.values()]
  }

  /** Open a member's log if it is not open yet; returns it. */
  async addMember (key: Buffer): Promise<MemberLog> {
    const hex = key.toString('hex')
    const existing = this.logs.get(hex) ?? this.opening.get(hex)
    if (existing !== undefined) return await existing
    const opening = this.openMember(key)
    this.opening.set(hex, opening)
    try {
      return await opening
    } finally {
      this.opening.delete(hex)
    }
  }

  private async openMember (key: Buffer): Promise<MemberLog> {
    const log = await MemberLog.remote(this.store, this.room, key)
    if (this.closed) {
      await log.close()
      return log
    }
    this.track(log)
    // Every peer keeps every member's whole log: that is what makes store-and-forward work.
    log.core.download({ start: 0, end: memberQuota.maxBlocks })
    this.emit('member', log)
    return log
  }

  private track (log: MemberLog): void {
    this.logs.set(log.key, log)
    // Coalesce bursts of 'download' events (one per block) into one index pass and one update.
    let pending = false
    const onGrow = (): void => {
      if (log.core.writable) {
        // Our own log indexes itself on append; just tell listeners.
        this.emit('update', log)
        return
      }
      if (pending) return
      pending = true
      setImmediate(() => {
        pending = false
        if (this.closed) return
        void log.verifyBinding().then(() => log.indexNicknames()).then(() => this.emit('update', log), (err) => this.emit('error', err))
      })
    }
    log.core.on('append', onGrow)
    log.core.on('download', onGrow)
    if (!log.core.writable) this.watchGrowth(log)
  }

  /** Emit 'flood' (once per run) when a remote log grows faster than liveGrowthQuota. */
  private watchGrowth (log: MemberLog): void {
    let last = log.core.length
    let firstSync = true
    let windowStart = 0
    let grown = 0
    log.core.on('append', () => {
      const delta = log.core.length - last
      last = log.core.length
      if (firstSync) {
        firstSync = false
        return
      }
      const now = Date.now()
      if (now - windowStart >= liveGrowthQuota.windowMs) {
        windowStart = now
        grown = 0
      }
      grown += delta
      if (grown > liveGrowthQuota.blocks && !this.flooding.has(log.key)) {
        this.flooding.add(log.key)
        this.emit('flood', log, grown)
      }
    })
  }

  /** Close every log session (idempotent). */
  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await Promise.all(this.list().map((l) => l.close()))
  }
}
