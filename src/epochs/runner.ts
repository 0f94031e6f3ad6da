/**
 * What a running node does about key rotations: after any log of a room grows, and once at
 * open, follow the room's chain (follow.ts), so every member switches epoch by itself as
 * soon as the records reach it, from whichever peer carries them. Emits 'epoch' ({ room,
 * epoch, id }) after a switch, 'out-of-date' ({ room, by }) once per room when a rotation
 * left this home out, and 'warning'.
 */
import { EventEmitter } from 'node:events'
import type { MemberLog } from '../log/member-log.js'
import { modsPastPrefix } from '../log/tail-peek.js'
import type { Room } from '../room/index.js'
import type { Tamtam } from '../tamtam.js'
import { followEpoch } from './follow.js'

/** How long after a log grows the room's chain is walked again (records come in bursts). */
export const FOLLOW_DELAY_MS = 100
/**
 * How often each room's chain is walked anyway: a safety net for records that reached the
 * index without an update of their own. One walk per room, not a look at every log: polling
 * every log every 2 s made 100 nodes in one process 10× slower (bench rekey).
 */
export const RECHECK_MS = 15_000

/** Follows every room's epoch in a node. */
export class EpochRunner extends EventEmitter {
  private readonly tt: Tamtam
  private readonly timers = new Map<Room, NodeJS.Timeout>()
  private readonly running = new Map<Room, Promise<void>>()
  private readonly again = new Set<Room>()
  private readonly told = new Set<string>()
  private stopped = false
  private recheck: NodeJS.Timeout | null = null
  /** Moderation records (rekeys among them) indexed per log when last looked at. */
  private readonly modsSeen = new WeakMap<MemberLog, number>()
  /**
   * A log of any epoch grew: its room may have a rotation to follow, but only if the log's
   * moderation index grew (a rekey record, or a mod record that makes one count). Walking
   * on every message cost a room of 100 members a full moderation scan per block.
   */
  private readonly onUpdate = (room: Room, log?: MemberLog): void => {
    const current = this.tt.rooms.currentOf(room.id)
    if (current === undefined) return
    if (log === undefined) return this.schedule(current)
    void this.modCount(log).then((count) => {
      if (count === (this.modsSeen.get(log) ?? 0)) return
      this.modsSeen.set(log, count)
      this.schedule(current)
    }, () => this.schedule(current))
  }

  /** Moderation records of a log, its index brought up to date first (each new block read once). */
  private async modCount (log: MemberLog): Promise<number> {
    await log.indexNicknames()
    return (await log.modRecords()).length + (await modsPastPrefix(log)).length
  }

  constructor (tt: Tamtam) {
    super()
    this.tt = tt
  }

  /** Follow every room now, then after every update (idempotent). */
  async start (): Promise<void> {
    this.tt.on('update', this.onUpdate)
    this.tt.on('member', this.onUpdate)
    for (const room of this.tt.rooms.list()) await this.follow(room)
    this.recheck = setInterval(() => { void this.recheckAll() }, RECHECK_MS)
    this.recheck.unref()
  }

  private async recheckAll (): Promise<void> {
    for (const room of this.tt.rooms.list()) if (!this.stopped && !this.tt.closed) this.schedule(room)
  }

  /** Walk the room's chain soon (coalesced). */
  schedule (room: Room): void {
    if (this.stopped || this.timers.has(room)) return
    const timer = setTimeout(() => {
      this.timers.delete(room)
      void this.follow(room)
    }, FOLLOW_DELAY_MS)
    timer.unref()
    this.timers.set(room, timer)
  }

  /** Walk the room's chain now; one walk per room at a time, a request during one runs after it. */
  async follow (room: Room): Promise<void> {
    const busy = this.running.get(room)
    if (busy !== undefined) {
      this.again.add(room)
      return await busy
    }
    const run = this.walk(room).finally(() => {
      this.running.delete(room)
      if (this.again.delete(room)) this.schedule(room)
    })
    this.running.set(room, run)
    await run
  }

  private async walk (room: Room): Promise<void> {
    if (this.stopped || this.tt.closed || this.tt.rooms.byId(room.id) !== room) return
    try {
      const before = room.id
      const status = await followEpoch(this.tt, room)
      if (status.id !== before) this.emit('epoch', { room: room.name, epoch: status.epoch, id: status.id })
      if (status.outOfDate !== null && !this.told.has(room.id)) {
        this.told.add(room.id)
        this.emit('out-of-date', { room: room.name, by: status.outOfDate.by })
      }
    } catch (err) {
      if (!this.stopped && !this.tt.closed) this.emit('warning', err)
    }
  }

  /** Stop following (in-flight walks finish). */
  async stop (): Promise<void> {
    this.stopped = true
    if (this.recheck !== null) clearInterval(this.recheck)
    this.tt.off('update', this.onUpdate)
    this.tt.off('member', this.onUpdate)
    for (const t of this.timers.values()) clearTimeout(t)
    this.timers.clear()
    await Promise.all([...this.running.values()].map(async (r) => await r.catch(() => {})))
  }
}
