/**
 * The blobs cores a host keeps for the phones it hosts (docs/protocol.md §9, §17 "Documents"):
 * one per (room, phone), named `tamtam/hosted-docs/<room id hex>/<phone identity hex>`, its
 * header (block 0) naming the phone's hosted log, so a `doc` record the phone signs in that
 * log is honoured by readers exactly like a laptop member's. Why not the host's own blobs
 * core: its header names the host's member log, so readers would refuse a phone's record
 * pointing at it; and a core per phone makes the per-phone cap its length.
 *
 * A file enters the core only whole and checked: the upload (upload.ts) lands in a temp
 * file, and only bytes whose sha256 matches what the phone declared are appended here.
 * Appends run one at a time per core, since two sessions of one phone may upload at once.
 */
import { createReadStream } from 'node:fs'
import { createHash } from 'node:crypto'
import type Corestore from 'corestore'
import type { Hypercore } from 'hypercore'
import Hyperblobs from 'hyperblobs'
import { blobsHeader, BLOCK_BYTES, headerOwner } from '../documents/room-blobs.js'
import type { PutResult } from '../documents/room-blobs.js'
import { fail } from '../errors/index.js'
import type { Room } from '../room/index.js'
import { OneAtATime } from '../log/one-at-a-time.js'
import { ownCore } from '../home/core-names.js'

/** Bytes a host stores for one phone in one room by default (the per-phone cap). */
export const DEFAULT_PHONE_DOCS_BYTES = 100 * 1024 * 1024

/** Corestore name of the blobs core kept for `phone` (hex identity) in `room`. */
export function phoneBlobsName (room: Room, phone: string): string {
  return `tamtam/hosted-docs/${room.id}/${phone}`
}

/** One phone's blobs core in one room. */
export class PhoneBlobs {
  readonly core: Hypercore
  private readonly blobs: Hyperblobs
  private readonly headerBytes: number
  private readonly tasks = new OneAtATime()

  private constructor (core: Hypercore, headerBytes: number) {
    this.core = core
    this.headerBytes = headerBytes
    this.blobs = new Hyperblobs(core, { blockSize: BLOCK_BYTES })
  }

  /** Open (making it and its header on first use) the core of `phone` whose hosted log is `log` (hex). */
  static async open (store: Corestore, room: Room, phone: string, log: string): Promise<PhoneBlobs> {
    const core = await ownCore(store, phoneBlobsName(room, phone), { encryption: { key: room.keys.encryptionKey } })
    await core.ready()
    if (core.length === 0) await core.append(blobsHeader(room, log))
    const header = await core.get(0, { wait: false })
    if (headerOwner(room, header) !== log) {
      await core.close()
      throw fail('HOME_INVALID', `the documents core of phone ${phone.slice(0, 16)} names another log`)
    }
    return new PhoneBlobs(core, header?.length ?? 0)
  }

  /** Bytes of documents stored (the header excluded): what the per-phone cap counts. */
  get usedBytes (): number {
    return this.core.byteLength - this.headerBytes
  }

  /** The core's key, hex: the `blobs` of the phone's doc records. */
  get key (): string {
    return this.core.key.toString('hex')
  }

  /**
   * Append the checked temp file `file` (exactly `size` bytes hashing to `sha256`), once
   * `fits(used)` agrees with the room left now. Rereads and hashes what is appended:
   * DOC_HASH_MISMATCH if the file changed underneath.
   */
  async put (file: string, size: number, sha256: string, fits: (used: number) => void): Promise<PutResult> {
    return await this.tasks.run(async () => {
      fits(this.usedBytes)
      const hash = createHash('sha256')
      const stream = this.blobs.createWriteStream()
      const closed = new Promise<void>((resolve, reject) => {
        stream.once('error', reject)
        stream.once('close', () => resolve())
      })
      closed.catch(() => {})
      let bytes = 0
      for await (const chunk of createReadStream(file, { highWaterMark: BLOCK_BYTES }) as AsyncIterable<Buffer>) {
        hash.update(chunk)
        bytes += chunk.length
        if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve))
      }
      stream.end()
      await closed
      const digest = hash.digest('hex')
      if (bytes !== size || digest !== sha256) throw fail('DOC_HASH_MISMATCH', 'the uploaded file changed while it was stored')
      return { blob: { ...stream.id }, size: bytes, sha256: digest }
    })
  }


  async close (): Promise<void> {
    await this.tasks.idle()
    await this.core.close()
  }
}

/**
 * The phone blobs cores open on this host, kept open while the server runs: a Corestore
 * serves only open cores, and peers fetch a phone's documents from here.
 */
export class PhoneBlobsShelf {
  private readonly store: () => Promise<Corestore>
  private readonly open = new Map<string, Promise<PhoneBlobs>>()
  /** Registers each core with the node, so it replicates where the room is proven. */
  private readonly onOpen: (room: Room, core: Hypercore) => void

  constructor (store: () => Promise<Corestore>, onOpen: (room: Room, core: Hypercore) => void) {
    this.store = store
    this.onOpen = onOpen
  }

  /** The core of `phone` in `room`, whose hosted log is `log` (hex). */
  async get (room: Room, phone: string, log: string): Promise<PhoneBlobs> {
    const id = `${room.id}/${phone}`
    let opening = this.open.get(id)
    if (opening === undefined) {
      opening = (async () => {
        const blobs = await PhoneBlobs.open(await this.store(), room, phone, log)
        this.onOpen(room, blobs.core)
        return blobs
      })()
      opening.catch(() => this.open.delete(id))
      this.open.set(id, opening)
    }
    return await opening
  }

  /** Forget the cores of room `roomId` (wiped: Tamtam.wipeRoom purges them). */
  forget (roomId: string): void {
    for (const id of [...this.open.keys()]) if (id.startsWith(`${roomId}/`)) this.open.delete(id)
  }

  /** Close every core (the server stops). */
  async close (): Promise<void> {
    const all = [...this.open.values()]
    this.open.clear()
    for (const opening of all) await opening.then(async (b) => await b.close(), () => {})
  }
}
