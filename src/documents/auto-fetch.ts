/**
 * What the node does with documents on its own: it opens the blobs core of every document
 * announced in its rooms, so it serves whatever it holds to peers that ask (that is how a
 * fetched document is passed on), and it fetches documents under the room's auto-fetch
 * size, checking their sha256. Nothing else is downloaded until someone asks for it.
 */
import { EventEmitter } from 'node:events'
import type { MemberLog } from '../log/member-log.js'
import type { Room } from '../room/index.js'
import type { Documents } from './documents.js'
import { target } from './documents.js'
import type { IndexedDoc } from './doc-index.js'
import { localBlocks, readVerified } from './fetch.js'

/** Timers of the auto-fetcher; options so tests run fast. */
export interface AutoFetchOptions {
  /** Wait after a log grows before scanning it, so a burst of blocks costs one scan. */
  debounceMs?: number
  /** Give up on a document after this long with nothing received, then retry later. */
  stallMs?: number
  /** When a failed auto-fetch is tried again. */
  retryMs?: number
  /** Auto-fetches running at once. */
  concurrency?: number
}

/** Serves and auto-fetches the documents of every room of a Tamtam. */
export class AutoFetcher extends EventEmitter {
  private readonly docs: Documents
  private readonly opts: Required<AutoFetchOptions>
  private readonly seen = new Set<string>()
  private readonly queue: Array<{ room: Room, item: IndexedDoc }> = []
  private readonly pending = new Map<string, NodeJS.Timeout>()
  private readonly retries = new Set<NodeJS.Timeout>()
  private readonly abort = new AbortController()
  private running = 0
  private started = false

  private readonly onUpdate = (room: Room, _log?: MemberLog): void => this.schedule(room)
  private readonly onRooms = (): void => { for (const room of this.docs.tt.rooms.list()) this.schedule(room) }

  constructor (docs: Documents, opts: AutoFetchOptions = {}) {
    super()
    this.docs = docs
    this.opts = { debounceMs: opts.debounceMs ?? 200, stallMs: opts.stallMs ?? 60_000, retryMs: opts.retryMs ?? 60_000, concurrency: opts.concurrency ?? 2 }
  }

  /** Scan every room now, then every room whose logs grow (idempotent). */
  start (): void {
    if (this.started) return
    this.started = true
    this.docs.tt.on('update', this.onUpdate)
    this.docs.tt.on('rooms', this.onRooms)
    this.onRooms()
  }

  private schedule (room: Room): void {
    if (this.abort.signal.aborted || this.pending.has(room.id)) return
    const timer = setTimeout(() => {
      this.pending.delete(room.id)
      this.scan(room).catch((err) => this.warn(err))
    }, this.opts.debounceMs)
    this.pending.set(room.id, timer)
  }

  /** Open the blobs core of every new document (to serve it) and queue the small ones. */
  private async scan (room: Room): Promise<void> {
    if (this.docs.tt.rooms.byId(room.id) === undefined) return
    const rd = await this.docs.open(room)
    await rd.index.refresh()
    const limits = this.docs.limits(room)
    for (const item of rd.index.list()) {
      const key = `${room.id}/${item.doc.id}`
      if (this.seen.has(key) || item.doc.blobs === null || item.doc.blob === null) continue
      this.seen.add(key)
      const core = await rd.blobs.core(item.doc.blobs)
      if (item.doc.size >= limits.autoFetchBytes || item.doc.size > limits.maxFileBytes) continue
      if (await localBlocks(core, item.doc.blob) >= item.doc.blob.blockLength) continue
      if (await this.docs.isBad(core, item)) continue
      this.queue.push({ room, item })
    }
    this.drain()
  }

  private drain (): void {
    while (this.running < this.opts.concurrency && this.queue.length > 0 && !this.abort.signal.aborted) {
      const job = this.queue.shift() as { room: Room, item: IndexedDoc }
      this.running++
      void this.fetchOne(job.room, job.item).finally(() => {
        this.running--
        this.drain()
      })
    }
  }

  /** Fetch one document into the store and check it; a bad one is dropped and never fetched again. */
  private async fetchOne (room: Room, item: IndexedDoc): Promise<void> {
    try {
      const { core } = await this.docs.fetch(room, item, { stallMs: this.opts.stallMs, signal: this.abort.signal })
      if (await readVerified(core, target(item.doc))) {
        this.emit('fetched', { room: room.name, id: item.doc.id, name: item.doc.name, size: item.doc.size })
        return
      }
      await this.docs.discard(room, core, item)
      this.warn(new Error(`document ${item.doc.id} in ${room.name} does not match its sha256; it was dropped`))
    } catch (err) {
      if (this.abort.signal.aborted) return
      const code = (err as { code?: string }).code
      if (code === 'DOC_UNAVAILABLE') this.retryLater(room, item)
      else this.warn(err)
    }
  }

  private retryLater (room: Room, item: IndexedDoc): void {
    const timer = setTimeout(() => {
      this.retries.delete(timer)
      this.seen.delete(`${room.id}/${item.doc.id}`)
      this.schedule(room)
    }, this.opts.retryMs)
    timer.unref()
    this.retries.add(timer)
  }

  private warn (err: unknown): void {
    if (!this.abort.signal.aborted) this.emit('warning', err)
  }

  /** Stop: no more scans, running fetches are aborted (what arrived stays). Idempotent. */
  stop (): void {
    this.abort.abort()
    this.docs.tt.off('update', this.onUpdate)
    this.docs.tt.off('rooms', this.onRooms)
    for (const timer of [...this.pending.values(), ...this.retries]) clearTimeout(timer)
    this.pending.clear()
    this.retries.clear()
    this.queue.length = 0
  }
}
