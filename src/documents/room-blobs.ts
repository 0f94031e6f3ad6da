/**
 * The blobs cores of one room: ours (one Hypercore per member per room, named
 * `tamtam/docs/<room id>` in our Corestore) and the ones of other members, opened by key.
 * Like member logs, every one is opened with the room's block-encryption key, so a relay
 * without the invite stores and serves only ciphertext. Cores stay open: a Corestore
 * serves peers only the cores it has open, which is how a fetched document is passed on.
 *
 * Block 0 of a blobs core is its **header**, `{"type":"tamtam-blobs","v":1,"room","log"}`:
 * the room id and the key of the member log that owns it. Only the core's writer can write
 * it, and only the log's writer can write `doc` records in that log, so a `doc` record is
 * honoured only when the header of its blobs core names the record's own log. A member
 * cannot point a record at someone else's blobs core (a lure whose failed hash check used
 * to clear the victim's blocks).
 */
import { createReadStream } from 'node:fs'
import { createHash } from 'node:crypto'
import type Corestore from 'corestore'
import type { Hypercore } from 'hypercore'
import Hyperblobs from 'hyperblobs'
import { fail, fromSystemError } from '../errors/index.js'
import type { Room } from '../room/index.js'
import type { BlobRange } from './record.js'
import { ownCore } from '../home/core-names.js'

declare module 'hypercore' {
  interface Hypercore {
    /** Blocks held locally in [start, end). */
    count(start: number, end: number): Promise<number>
    /** Drop local blocks in [start, end) (they stay on peers that have them). */
    clear(start: number, end?: number): Promise<unknown>
  }
}

/** Block size of our blobs: 64 KiB, Hyperblobs' default (larger blocks did not go faster). */
export const BLOCK_BYTES = 64 * 1024

/** Name of our blobs core in a room. */
export function blobsCoreName (room: Room): string {
  return `tamtam/docs/${room.id}`
}

/** The record type of a blobs core's block 0. */
export const BLOBS_HEADER_TYPE = 'tamtam-blobs'
/** The longest header read: it is a small JSON object. */
const MAX_HEADER_BYTES = 1024

/** Block 0 of our blobs core in `room`, binding it to our member log `log`. */
export function blobsHeader (room: Room, log: string): Buffer {
  return Buffer.from(JSON.stringify({ type: BLOBS_HEADER_TYPE, v: 1, room: room.id, log }))
}

/** The member log (hex) a header block names for `room`, or null when it is not a header of that room. */
export function headerOwner (room: Room, block: Buffer | null): string | null {
  if (block === null || block.length > MAX_HEADER_BYTES) return null
  try {
    const h = JSON.parse(block.toString('utf8')) as Record<string, unknown>
    if (h === null || typeof h !== 'object' || h.type !== BLOBS_HEADER_TYPE || h.v !== 1 || h.room !== room.id) return null
    return typeof h.log === 'string' && /^[0-9a-f]{64}$/.test(h.log) ? h.log : null
  } catch {
    return null
  }
}

/** What a put stored: where, how big, and the sha256 of exactly those bytes. */
export interface PutResult { blob: BlobRange, size: number, sha256: string }

/** The blobs cores of one room in one store. */
export class RoomBlobs {
  readonly room: Room
  readonly own: Hypercore
  private readonly blobs: Hyperblobs
  private readonly store: Corestore
  private readonly remote = new Map<string, Hypercore>()
  /** Owners read from headers, by blobs core key (hex): a member log key, or null for none. */
  private readonly owners = new Map<string, string | null>()
  private closed = false

  /** Bytes of our core that are its header, not documents. */
  readonly headerBytes: number

  private constructor (store: Corestore, room: Room, own: Hypercore, headerBytes = 0) {
    this.headerBytes = headerBytes
    this.store = store
    this.room = room
    this.own = own
    this.blobs = new Hyperblobs(own, { blockSize: BLOCK_BYTES })
  }

  /**
   * Open our blobs core in `room`, owned by our member log `log`: an empty core gets its
   * header first. A core written before headers existed cannot get one, so a second core
   * (`<name>/2`) is used for what we share from now on. Without `log` (key hex), the core is
   * opened as it is, to inspect it: nothing shared from it would be accepted by peers.
   */
  static async open (store: Corestore, room: Room, log?: string): Promise<RoomBlobs> {
    for (const name of [blobsCoreName(room), `${blobsCoreName(room)}/2`]) {
      const own = await ownCore(store, name, { encryption: { key: room.keys.encryptionKey } })
      await own.ready()
      if (log === undefined) return new RoomBlobs(store, room, own)
      if (own.length === 0) await own.append(blobsHeader(room, log))
      const header = await own.get(0, { wait: false })
      if (headerOwner(room, header) === log) return new RoomBlobs(store, room, own, header?.length ?? 0)
      await own.close()
    }
    throw fail('HOME_INVALID', `no usable blobs core for room ${room.name} in this store`)
  }

  /**
   * The member log (hex) that owns a blobs core, from its header; null when block 0 is not a
   * header of this room. Waits up to `waitMs` for block 0 to arrive from peers (0: only what
   * is here); DOC_UNAVAILABLE when it does not.
   */
  async owner (core: Hypercore, waitMs: number): Promise<string | null> {
    const hex = core.key.toString('hex')
    if (this.owners.has(hex)) return this.owners.get(hex) as string | null
    let block: Buffer | null
    try {
      block = waitMs > 0 ? await core.get(0, { timeout: waitMs }) : await core.get(0, { wait: false })
    } catch (err) {
      throw fail('DOC_UNAVAILABLE', `the header of blobs core ${hex.slice(0, 16)} did not arrive`, err)
    }
    if (block === null) throw fail('DOC_UNAVAILABLE', `the header of blobs core ${hex.slice(0, 16)} is not here`)
    const owner = headerOwner(this.room, block)
    this.owners.set(hex, owner)
    return owner
  }

  /** Called once per blobs core opened here, so the node replicates it where the room is proven. */
  onOpen: ((core: Hypercore) => void) | null = null

  /** The blobs core with this key, ours or another member's (opened once, kept open). */
  async core (key: Buffer): Promise<Hypercore> {
    if (key.equals(this.own.key)) return this.own
    const hex = key.toString('hex')
    let core = this.remote.get(hex)
    if (core === undefined) {
      if (this.closed) throw fail('CLOSED')
      core = this.store.get({ key, encryption: { key: this.room.keys.encryptionKey } })
      this.remote.set(hex, core)
      const opened = core
      void opened.ready().then(() => this.onOpen?.(opened), () => {})
    }
    await core.ready()
    return core
  }

  /** Every blobs core open in this room. */
  cores (): Hypercore[] {
    return [this.own, ...this.remote.values()]
  }

  /**
   * Append a file to our blobs core in 64 KiB blocks, hashing exactly what is stored
   * (a file that changes while it is read gets the hash of the bytes stored).
   */
  async put (file: string, onBytes?: (bytes: number) => void): Promise<PutResult> {
    const hash = createHash('sha256')
    const stream = this.blobs.createWriteStream()
    let size = 0
    const closed = new Promise<void>((resolve, reject) => {
      stream.once('error', reject)
      stream.once('close', () => resolve())
    })
    closed.catch(() => {})
    try {
      for await (const chunk of createReadStream(file, { highWaterMark: BLOCK_BYTES }) as AsyncIterable<Buffer>) {
        hash.update(chunk)
        size += chunk.length
        onBytes?.(size)
        if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve))
      }
      stream.end()
      await closed
    } catch (err) {
      stream.destroy()
      throw fromSystemError(err, `cannot store ${file}`)
    }
    return { blob: { ...stream.id }, size, sha256: hash.digest('hex') }
  }

  /** Close every session (the store closes the cores). Idempotent. */
  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await Promise.all(this.cores().map(async (c) => await c.close().catch(() => {})))
    this.remote.clear()
  }
}
