/**
 * Documents of a home: share a file into a room, list what was announced, fetch a
 * document from whichever peers have it and write it out once its sha256 matches. One
 * instance per node (NodeContext.documents); the node also starts its AutoFetcher.
 */
import { EventEmitter } from 'node:events'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { Hypercore } from 'hypercore'
import { isLocked } from '../vault/lock.js'
import { fail, isTamtamError } from '../errors/index.js'
import type { RoomLogs } from '../log/room-logs.js'
import { readUserJson, writeUserJson } from '../log/user-data.js'
import type { NetworkHandle } from '../network/network.js'
import type { Room } from '../room/index.js'
import type { Tamtam } from '../tamtam.js'
import { sanitizeText } from '../text/sanitize.js'
import { messageId } from '../timeline/index.js'
import { DocIndex, type IndexedDoc } from './doc-index.js'
import { askPeers, PassOn } from './pass-on.js'
import { estimateBytes, fetchBlocks, localBlocks, writeVerified, type FetchStats, type FetchTarget, type Placement } from './fetch.js'
import { applyLimits, DEFAULT_STALL_MS, formatBytes, roomLimits, type DocumentLimits } from './limits.js'
import { cleanMime, guessMime } from './mime.js'
import { RateMeter, throttleProgress, type ProgressEvent } from './progress.js'
import { RoomBlobs } from './room-blobs.js'
import { safeFileName } from './safe-name.js'
import { announcedName, fileSize } from './share-input.js'
import { docView, type DocView } from './view.js'

/** User-data key, on a blobs core, listing its blobs found not to match their sha256. */
const BAD_KEY = 'tamtam/bad-blobs/v1'

/** The open documents state of one room. */
export interface RoomDocs { room: Room, logs: RoomLogs, index: DocIndex, blobs: RoomBlobs }

/** What `share` returns. */
export interface ShareResult { room: string, id: string, name: string, size: number, mime: string, sha256: string }

/** Options of `get`. */
export interface GetOptions {
  /** A file to write (replaced if present), or an existing dir to write into. */
  output?: string
  /** The dir to write into under the document's safe name (default: `<home>/downloads`). */
  dir?: string
  stallMs?: number
  /** How long to wait for an id not known yet (a process that just connected). */
  waitForDocMs?: number
  onProgress?: (event: ProgressEvent) => void
  signal?: AbortSignal
}

/** What `get` returns: the file written and what the transfer cost. */
export interface GetResult extends Omit<FetchStats, 'localBlocksAtStart'> {
  event: 'done'
  room: string
  id: string
  name: string
  file: string
  size: number
  mime: string
  sha256: string
}

/** The documents of one Tamtam. */
export class Documents extends EventEmitter {
  readonly tt: Tamtam
  private readonly rooms = new Map<string, Promise<RoomDocs>>()
  /** Documents being fetched because a peer asked (room id/doc id): one fetch each. */
  private readonly passer = new PassOn(this)
  private readonly closing = new AbortController()
  /** Aborted when the documents close: fetches started for a peer stop with it. */
  get signal (): AbortSignal {
    return this.closing.signal
  }

  private closed = false
  get isClosed (): boolean {
    return this.closed
  }

  /** The node's network when it runs one: a fetch asks its peers to pass blocks on. */
  private readonly network: () => NetworkHandle | null

  constructor (tt: Tamtam, network: () => NetworkHandle | null = () => null) {
    super()
    this.tt = tt
    this.network = network
    tt.on('store-closing', this.onStoreClosing)
    tt.on('room-wiping', this.onRoomWiping)
    tt.on('epoch', this.onEpoch)
  }

  /** After a disk-full reopen, what we opened lives on the closed store: open again on use. */
  private readonly onStoreClosing = (): void => { this.rooms.clear() }
  /** A room being wiped (Tamtam.wipeRoom): its blobs cores are purged, so forget them. */
  private readonly onRoomWiping = (room: Room): void => { this.rooms.delete(room.id) }
  /** A room moved to a new epoch (src/epochs): what was opened under its old id is the old epoch's. */
  private readonly onEpoch = (_room: Room, oldId: string): void => { this.rooms.delete(oldId) }

  /** Open (once) the logs, index and blobs cores of a room. */
  async open (room: Room): Promise<RoomDocs> {
    if (this.closed) throw fail('CLOSED')
    let opening = this.rooms.get(room.id)
    if (opening === undefined) {
      opening = (async () => {
        const logs = await this.tt.logs(room)
        const blobs = await RoomBlobs.open(await this.tt.store(), room, logs.own.key)
        // Blobs cores replicate only on connections that proved this room (see Tamtam.roomCores).
        blobs.onOpen = (core) => this.tt.addRoomCore(room.id, core)
        this.tt.addRoomCore(room.id, blobs.own)
        return { room, logs, index: new DocIndex(logs), blobs }
      })()
      opening.catch(() => this.rooms.delete(room.id))
      this.rooms.set(room.id, opening)
    }
    return await opening
  }

  /** The limits in force in a room. */
  limits (room: Room): DocumentLimits {
    return roomLimits(room)
  }

  /** Change a room's limits and save them in rooms.json. */
  async setLimits (room: Room, patch: Partial<DocumentLimits>): Promise<DocumentLimits> {
    const limits = applyLimits(room, patch)
    await this.tt.rooms.save()
    return limits
  }

  /** Store a file in our blobs core and announce it in the room. */
  async share (room: Room, file: string, opts: { name?: string, mime?: string, onProgress?: (e: ProgressEvent) => void } = {}): Promise<ShareResult> {
    const size = await fileSize(file)
    const name = announcedName(opts.name ?? path.basename(file))
    const limits = this.limits(room)
    if (size > limits.maxFileBytes) throw fail('DOC_TOO_LARGE', `${name} is ${formatBytes(size)}, over this room's limit of ${formatBytes(limits.maxFileBytes)} per file`)
    const used = await this.usage(room)
    if (used + size > limits.quotaBytes) throw fail('QUOTA_EXCEEDED', `${name} (${formatBytes(size)}) does not fit: ${formatBytes(used)} of ${formatBytes(limits.quotaBytes)} used`)
    return await this.tt.write(async () => await this.store(room, file, name, size, limits, opts))
  }

  private async store (room: Room, file: string, name: string, size: number, limits: DocumentLimits, opts: { mime?: string, onProgress?: (e: ProgressEvent) => void }): Promise<ShareResult> {
    const rd = await this.open(room)
    const meter = new RateMeter()
    const emit = throttleProgress(opts.onProgress)
    const stored = await rd.blobs.put(file, (bytes) => {
      meter.add(bytes)
      emit?.({ event: 'progress', phase: 'store', id: '', name, bytes, total: size, rate: Math.round(meter.rate()), eta: meter.eta(size - bytes), peers: 0 })
    })
    if (stored.size > limits.maxFileBytes) throw fail('DOC_TOO_LARGE', `${name} grew to ${formatBytes(stored.size)} while it was read`)
    const mime = opts.mime !== undefined ? cleanMime(opts.mime) : guessMime(name)
    const record = { type: 'doc' as const, name, size: stored.size, mime, sha256: stored.sha256, blobs: rd.blobs.own.key.toString('hex'), blob: stored.blob }
    const [seq] = await rd.logs.own.append([record])
    return { room: room.name, id: messageId(rd.logs.own.key, seq), name, size: stored.size, mime, sha256: stored.sha256 }
  }

  /** Every document announced in the room, in every epoch (src/epochs), oldest epoch first. */
  async list (room: Room): Promise<DocView[]> {
    const views: DocView[] = []
    for (const epoch of [...room.past, room]) views.push(...await this.listEpoch(epoch))
    return views
  }

  private async listEpoch (room: Room): Promise<DocView[]> {
    const rd = await this.open(room)
    await rd.index.refresh()
    const limits = this.limits(room)
    const views: DocView[] = []
    for (const item of rd.index.list()) {
      const core = item.doc.blobs === null ? null : await rd.blobs.core(item.doc.blobs)
      // Known only once the core's header is here (any fetch brings it); unknown is not a verdict.
      const owner = core === null ? undefined : await rd.blobs.owner(core, 0).catch(() => undefined)
      views.push(await docView(item, core, { limits, bad: core !== null && await isBad(core, item), ownLog: rd.logs.own.key, notOwner: owner !== undefined && owner !== item.log.key }))
    }
    return views
  }

  /**
   * Find a document by id or id prefix, waiting up to `waitMs` for it to arrive: in the
   * current epoch first, then in earlier ones (a document shared before a key rotation).
   */
  async find (room: Room, query: string, waitMs = 0): Promise<IndexedDoc> {
    const deadline = Date.now() + waitMs
    for (let i = 0; i < 1_000_000; i++) {
      for (const epoch of [room, ...[...room.past].reverse()]) {
        const rd = await this.open(epoch)
        await rd.index.refresh()
        const hit = rd.index.find(query)
        if (hit !== null) return hit
      }
      if (Date.now() >= deadline || this.closed) break
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    throw fail('DOC_NOT_FOUND', `no document "${sanitizeText(query)}" in room ${room.name}`)
  }

  /**
   * Check that a document's blobs core belongs to the log that announced it (its header,
   * block 0, names that log), fetching the header for up to `waitMs`. DOC_INVALID when it
   * belongs to another member or to none: such a record is a lure, and is never fetched,
   * verified or cleared.
   */
  async checkOwner (rd: RoomDocs, item: IndexedDoc, waitMs: number): Promise<Hypercore> {
    const { doc } = item
    if (doc.blobs === null || doc.blob === null) throw fail('DOC_INVALID', `${doc.name}: ${doc.problem ?? 'no storage'}`)
    const core = await rd.blobs.core(doc.blobs)
    if (doc.blob.blockLength > 0 && doc.blob.blockOffset === 0) throw fail('DOC_INVALID', `${doc.name}: block 0 of a blobs core is its header, not a document`)
    const owner = await rd.blobs.owner(core, waitMs)
    if (owner !== item.log.key) throw fail('DOC_INVALID', `${doc.name}: its blobs core ${owner === null ? 'has no owner' : 'belongs to another member'}; it is not fetched`)
    return core
  }

  /** True when every byte of the document is in the store already (false when unknown). */
  async isLocal (room: Room, query: string): Promise<boolean> {
    const rd = await this.open(room)
    await rd.index.refresh()
    const hit = rd.index.find(query)
    if (hit?.doc.blobs == null || hit.doc.blob === null) return false
    return await localBlocks(await rd.blobs.core(hit.doc.blobs), hit.doc.blob) >= hit.doc.blob.blockLength
  }

  /** Bytes of documents this room holds here: ours, plus what was fetched (estimated per block). */
  async usage (room: Room): Promise<number> {
    const rd = await this.open(room)
    await rd.index.refresh()
    let total = rd.blobs.own.byteLength - rd.blobs.headerBytes
    const counted = new Set<string>()
    for (const { doc } of rd.index.list()) {
      if (doc.blobs === null || doc.blob === null || doc.blobs.equals(rd.blobs.own.key)) continue
      const key = `${doc.blobs.toString('hex')}:${doc.blob.blockOffset}:${doc.blob.blockLength}`
      if (counted.has(key)) continue
      counted.add(key)
      total += estimateBytes(target(doc), await localBlocks(await rd.blobs.core(doc.blobs), doc.blob))
    }
    return total
  }

  /**
   * Bring every block of a document into the store, after checking the limits: a document
   * over the per-file limit, found bad before, or over the quota is never fetched.
   */
  async fetch (asked: Room, item: IndexedDoc, opts: { stallMs?: number, onProgress?: (e: ProgressEvent) => void, signal?: AbortSignal } = {}): Promise<{ core: Hypercore, stats: FetchStats }> {
    // The epoch the document was announced in (src/epochs): its blobs core has that epoch's keys.
    const room = item.log.room ?? asked
    const rd = await this.open(room)
    const { doc } = item
    if (doc.blobs === null || doc.blob === null) throw fail('DOC_INVALID', `${doc.name}: ${doc.problem ?? 'no storage'}`)
    const limits = this.limits(room)
    const core = await rd.blobs.core(doc.blobs)
    const have = await localBlocks(core, doc.blob)
    if (have < doc.blob.blockLength) {
      if (doc.size > limits.maxFileBytes) throw fail('DOC_TOO_LARGE', `${doc.name} is announced at ${formatBytes(doc.size)}, over this room's limit of ${formatBytes(limits.maxFileBytes)} per file; it is not fetched`)
      if (await isBad(core, item)) throw fail('DOC_HASH_MISMATCH', `${doc.name} was already found not to match its sha256`)
      const used = await this.usage(room)
      const needed = doc.size - estimateBytes(target(doc), have)
      if (used + needed > limits.quotaBytes) throw fail('QUOTA_EXCEEDED', `${doc.name} needs ${formatBytes(needed)} more; ${formatBytes(used)} of ${formatBytes(limits.quotaBytes)} used`)
    }
    // Asked before the owner check: a peer in the middle that passes the document on brings
    // the core's header (block 0) with it, and the check needs that header.
    const stopAsking = have < doc.blob.blockLength ? askPeers(this.network(), room, doc.blobs, doc.blob) : () => {}
    try {
      await this.checkOwner(rd, item, opts.stallMs ?? DEFAULT_STALL_MS)
      const stats = await fetchBlocks(core, target(doc), { stallMs: opts.stallMs ?? DEFAULT_STALL_MS, onProgress: opts.onProgress, signal: opts.signal })
      return { core, stats }
    } finally {
      stopAsking()
    }
  }

  /**
   * A connected member asked for blocks of a blobs core: fetch the document they belong to,
   * so its blocks flow on to that member as they arrive (pass-on.ts).
   */
  async passOn (room: Room, core: Buffer, start: number, length: number, asker?: unknown, stallMs = DEFAULT_STALL_MS): Promise<{ id: string } | null> {
    if (this.closed) return null
    return await this.passer.handle(room, core, start, length, asker, stallMs)
  }

  /** Fetch a document and write it out, verified; on a hash mismatch nothing is written and the blocks are dropped. */
  async get (room: Room, query: string, opts: GetOptions = {}): Promise<GetResult> {
    const item = await this.find(room, query, opts.waitForDocMs ?? 0)
    const place = await this.placement(item, opts)
    const { core, stats } = await this.fetch(room, item, opts)
    let file: string
    try {
      file = await writeVerified(core, target(item.doc), place, opts.onProgress)
    } catch (err) {
      if (isTamtamError(err, 'DOC_HASH_MISMATCH')) await this.discard(room, core, item)
      throw err
    }
    const { doc } = item
    const { localBlocksAtStart, ...cost } = stats
    return { event: 'done', room: room.name, id: doc.id, name: doc.name, file, size: doc.size, mime: doc.mime, sha256: doc.sha256, ...cost }
  }

  /** Where `get` writes: an exact file, or a dir plus the document's safe name. */
  private async placement (item: IndexedDoc, opts: GetOptions): Promise<Placement> {
    const name = safeFileName(item.doc.name)
    if (opts.output !== undefined) {
      const output = path.resolve(opts.output)
      const stat = await fs.stat(output).catch(() => null)
      if (stat?.isDirectory() === true) return { dir: output, name }
      const parent = await fs.stat(path.dirname(output)).catch(() => null)
      if (parent?.isDirectory() !== true) throw fail('FILE_NOT_FOUND', `${path.dirname(output)} is not a directory`)
      return { file: output }
    }
    // A locked home holds nothing in clear: a fetched file is plaintext, so it goes where the person says.
    if (opts.dir === undefined && await isLocked(this.tt.home)) throw fail('USAGE', 'this home has a passphrase, so fetched documents are not written inside it, where they would be in clear: say where with -o DIR or -o FILE')
    const dir = path.resolve(opts.dir ?? path.join(this.tt.home, 'downloads'))
    if (opts.dir === undefined) await fs.mkdir(dir, { recursive: true, mode: 0o700 })
    const stat = await fs.stat(dir).catch(() => null)
    if (stat?.isDirectory() !== true) throw fail('FILE_NOT_FOUND', `${dir} is not a directory`)
    return { dir, name }
  }

  /**
   * Remember that a document failed its hash, and drop its blocks: never from our own core,
   * never from a core its author does not own (a lure pointing at someone else's blocks),
   * and never a block that another document not found bad still uses.
   */
  async discard (asked: Room, core: Hypercore, item: IndexedDoc): Promise<void> {
    const room = item.log.room ?? asked
    const blob = item.doc.blob
    if (blob === null) return
    const bad = await readBad(core, room)
    bad.add(badKey(item))
    await writeUserJson(core, room, BAD_KEY, [...bad].slice(-10_000))
    if (core.writable || blob.blockLength === 0) return
    const rd = await this.open(room)
    if (await rd.blobs.owner(core, 0).catch(() => null) !== item.log.key) return
    const kept = rd.index.list()
      .filter((other) => other.doc.id !== item.doc.id && other.doc.blobs?.equals(core.key) === true && other.doc.blob !== null && !bad.has(badKey(other)))
      .map((other) => other.doc.blob as NonNullable<typeof blob>)
    for (const [start, end] of uncovered(blob.blockOffset, blob.blockOffset + blob.blockLength, kept)) await core.clear(start, end)
  }

  /** True when the document's bytes were already found not to match its sha256. */
  async isBad (core: Hypercore, item: IndexedDoc): Promise<boolean> {
    return await isBad(core, item)
  }

  /** Close every room's blobs cores (idempotent). */
  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.closing.abort()
    this.tt.off('store-closing', this.onStoreClosing)
    this.tt.off('room-wiping', this.onRoomWiping)
    this.tt.off('epoch', this.onEpoch)
    this.emit('close')
    const rooms = [...this.rooms.values()]
    this.rooms.clear()
    for (const opening of rooms) await opening.then(async (rd) => await rd.blobs.close(), () => {})
  }
}

/** The fetch target of an entry whose storage was checked. */
export function target (doc: IndexedDoc['doc']): FetchTarget {
  if (doc.blob === null) throw fail('DOC_INVALID', doc.name)
  return { id: doc.id, name: doc.name, size: doc.size, sha256: doc.sha256, blob: doc.blob }
}

/** The parts of [start, end) that no range in `kept` covers, in order. */
export function uncovered (start: number, end: number, kept: Array<{ blockOffset: number, blockLength: number }>): Array<[number, number]> {
  const out: Array<[number, number]> = []
  let at = start
  const sorted = kept.map((k) => [k.blockOffset, k.blockOffset + k.blockLength] as const).filter(([s, e]) => e > start && s < end && e > s).sort((a, b) => a[0] - b[0])
  for (const [s, e] of sorted) {
    if (s > at) out.push([at, Math.min(s, end)])
    at = Math.max(at, e)
    if (at >= end) break
  }
  if (at < end) out.push([at, end])
  return out
}

function badKey (item: IndexedDoc): string {
  const b = item.doc.blob
  return `${b?.blockOffset ?? 0}:${b?.blockLength ?? 0}:${item.doc.sha256}`
}

async function readBad (core: Hypercore, room: Room): Promise<Set<string>> {
  const list = await readUserJson(core, room, BAD_KEY)
  return new Set(Array.isArray(list) ? list.map(String) : [])
}

async function isBad (core: Hypercore, item: IndexedDoc): Promise<boolean> {
  return (await readBad(core, item.log.room)).has(badKey(item))
}
