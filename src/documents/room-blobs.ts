/**
 * The blobs cores of one room: ours (one Hypercore per member per room, named
 * `tamtam/docs/<room id>` in our Corestore) and the ones of other members, opened by key.
 * Like member logs, every one is opened with the room's block-encryption key, so a relay
 * without the invite stores and serves only ciphertext. Cores stay open: a Corestore
 * serves peers only the cores it has open, which is how a fetched document is passed on.
 */
import { createReadStream } from 'node:fs'
import { createHash } from 'node:crypto'
import type Corestore from 'corestore'
import type { Hypercore } from 'hypercore'
import Hyperblobs from 'hyperblobs'
import { fail, fromSystemError } from '../errors/index.js'
import type { Room } from '../room/index.js'
import type { BlobRange } from './record.js'

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

/** What a put stored: where, how big, and the sha256 of exactly those bytes. */
export interface PutResult { blob: BlobRange, size: number, sha256: string }

/** The blobs cores of one room in one store. */
export class RoomBlobs {
  readonly room: Room
  readonly own: Hypercore
  private readonly blobs: Hyperblobs
  private readonly store: Corestore
  private readonly remote = new Map<string, Hypercore>()
  private closed = false

  private constructor (store: Corestore, room: Room, own: Hypercore) {
    this.store = store
    this.room = room
    this.own = own
    this.blobs = new Hyperblobs(own, { blockSize: BLOCK_BYTES })
  }

  /** Open our blobs core in `room`. */
  static async open (store: Corestore, room: Room): Promise<RoomBlobs> {
    const own = store.get({ name: blobsCoreName(room), encryption: { key: room.keys.encryptionKey } })
    await own.ready()
    return new RoomBlobs(store, room, own)
  }

  /** The blobs core with this key, ours or another member's (opened once, kept open). */
  async core (key: Buffer): Promise<Hypercore> {
    if (key.equals(this.own.key)) return this.own
    const hex = key.toString('hex')
    let core = this.remote.get(hex)
    if (core === undefined) {
      if (this.closed) throw fail('CLOSED')
      core = this.store.get({ key, encryption: { key: this.room.keys.encryptionKey } })
      this.remote.set(hex, core)
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
