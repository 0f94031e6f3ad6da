/**
 * What a running node does about expiry: at open and then every `intervalMs` (at most a
 * minute), in every room whose moderators set a lifetime, sweep every member log it holds
 * (ours, others', phones' hosted logs), then scrub the store once if anything was cleared,
 * so the bytes leave RocksDB's files too (src/home/scrub.ts).
 */
import { EventEmitter } from 'node:events'
import { scrubStore } from '../home/scrub.js'
import { horizonOf } from '../moderation/room-settings.js'
import type { MemberLog } from '../log/member-log.js'
import type { Room } from '../room/index.js'
import type { Tamtam } from '../tamtam.js'
import { rerunning } from '../rerun.js'
import { sweepLog } from './sweep.js'

/** Sweep period of a node. */
export const SWEEP_INTERVAL_MS = 15_000
/** How soon a log with a hole (a late joiner's, src/log/tail-peek.ts) is swept after it grows. */
export const HOLE_SWEEP_MS = 500

/** The parts of a blobs core session the runner uses. */
interface BlobCore { ready: () => Promise<void>, close: () => Promise<void>, length: number, has: (s: number, e: number) => Promise<boolean>, clear: (s: number, e: number) => Promise<unknown> }

/** Options of an expiry runner (tests shorten the period). */
export interface ExpiryOptions { intervalMs?: number }

/** Sweeps a node's rooms on a timer. Emits 'swept' ({ room, cleared }) and 'warning'. */
export class ExpiryRunner extends EventEmitter {
  private readonly tt: Tamtam
  private readonly intervalMs: number
  private timer: NodeJS.Timeout | null = null
  private stopped = false
  private soon: NodeJS.Timeout | null = null
  /** A log grew with blocks held past its readable prefix: sweep soon, so its mark can pass the hole. */
  private readonly onUpdate = (_room: Room, log: MemberLog): void => {
    if (this.soon !== null || this.stopped || log.core.length <= log.readable) return
    this.soon = setTimeout(() => {
      this.soon = null
      void this.sweepAll().catch((err) => this.emit('warning', err))
    }, HOLE_SWEEP_MS)
    this.soon.unref()
  }

  constructor (tt: Tamtam, opts: ExpiryOptions = {}) {
    super()
    this.tt = tt
    this.intervalMs = Math.min(opts.intervalMs ?? SWEEP_INTERVAL_MS, 60_000)
  }

  /** Sweep now, then on the timer (idempotent). */
  async start (): Promise<void> {
    if (this.timer !== null || this.stopped) return
    await this.sweepAll()
    this.timer = setInterval(() => { void this.sweepAll().catch((err) => this.emit('warning', err)) }, this.intervalMs)
    this.timer.unref()
    this.tt.on('update', this.onUpdate)
  }

  /** One sweep of every room; returns the blocks cleared (src/rerun.ts: never a stale pass). */
  readonly sweepAll = rerunning(async () => await this.sweepRooms())

  private async sweepRooms (): Promise<number> {
    let cleared = 0
    for (const room of this.tt.rooms.list()) {
      if (this.stopped || this.tt.closed) break
      cleared += await this.sweepRoom(room)
    }
    if (cleared > 0 && !this.stopped && !this.tt.closed) {
      const store = this.tt.openStore()
      if (store !== null) await scrubStore(store)
    }
    return cleared
  }

  private async sweepRoom (room: Room): Promise<number> {
    const logs = await this.tt.logs(room)
    const horizon = horizonOf((await this.tt.moderation(room)).expiry, this.tt.clock())
    logs.horizon = horizon
    if (horizon === null) return 0
    let cleared = 0
    for (const log of logs.list()) {
      if (this.stopped) break
      const before = log.expiredTo
      cleared += await sweepLog(log, horizon, this.clearBlob)
      if (log.expiredTo > before) logs.refollow.get(log.key)?.() // its download ranges restart above the new mark
    }
    if (cleared > 0) this.emit('swept', { room: room.name, cleared })
    return cleared
  }

  /** Clear blocks of a document's blobs core, when this store holds that core (never creates it). */
  private readonly clearBlob = async (key: Buffer, start: number, end: number): Promise<number> => {
    const store = this.tt.openStore() as unknown as { get: (o: { key: Buffer, createIfMissing: boolean }) => BlobCore } | null
    if (store === null) return 0
    const core = store.get({ key, createIfMissing: false })
    try {
      if (!await core.ready().then(() => true, () => false)) return 0 // not stored here (STORAGE_EMPTY)
      const stop = Math.min(end, core.length)
      if (stop <= start) return 0
      const held = await core.has(start, stop)
      await core.clear(start, stop)
      return held ? stop - start : 1
    } finally {
      await core.close().catch(() => {})
    }
  }

  /** Stop the timer and wait for a sweep in flight (idempotent). */
  async stop (): Promise<void> {
    this.stopped = true
    if (this.timer !== null) clearInterval(this.timer)
    if (this.soon !== null) clearTimeout(this.soon)
    this.tt.off('update', this.onUpdate)
    this.timer = null
    // Waits for a sweep in flight; the one queued after it ends at once (stopped).
    await this.sweepAll().catch(() => {})
  }
}
