/**
 * One upload from a phone (docs/protocol.md §17 "Documents"): after `doc-put` is accepted,
 * the phone sends the file in `doc-data` frames of exactly UPLOAD_CHUNK_BYTES (the last one
 * shorter); they land in a temp file (mode 0600, in the home), hashed as they come. Only a
 * complete file whose size and sha256 are what the phone declared goes on to its blobs core.
 * An upload that ends any other way (cancel, error, socket closed) deletes its temp file,
 * so nothing of it is stored, and nothing is announced: the phone signs its `doc` record
 * only after `doc-stored`.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { fail } from '../errors/index.js'

/** Raw bytes in each `doc-data` and `doc-chunk` frame: 32 KiB is 43 692 base64 characters, well under the 64 KiB frame. */
export const DOC_CHUNK_BYTES = 32 * 1024
/** Data frames a phone may have sent and not yet seen acknowledged (`doc-got`). */
export const UPLOAD_WINDOW = 8

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** The bytes of a `data` field: base64, at most one chunk. USAGE otherwise. */
export function chunkOf (data: unknown): Buffer {
  if (typeof data !== 'string' || data.length > Math.ceil(DOC_CHUNK_BYTES / 3) * 4 || data.length % 4 !== 0 || !BASE64.test(data)) {
    throw fail('USAGE', `data is base64 of at most ${DOC_CHUNK_BYTES} bytes`)
  }
  return Buffer.from(data, 'base64')
}

/** What the phone declared in `doc-put`. */
export interface Declared { name: string, size: number, mime: string, sha256: string }

/** An upload in progress into a temp file. */
export class Upload {
  readonly declared: Declared
  /** Data frames the upload takes: the frame quota does not count them (socket.ts). */
  readonly frames: number
  /** Data frames arrived (counted on arrival) and handled. */
  admitted = 0
  handled = 0
  received = 0
  private readonly file: string
  private readonly hash: Hash = createHash('sha256')
  private handle: fs.FileHandle | null = null

  private constructor (declared: Declared, file: string) {
    this.declared = declared
    this.file = file
    this.frames = Math.max(1, Math.ceil(declared.size / DOC_CHUNK_BYTES))
  }

  /** Start an upload whose temp file goes in `dir` (made, mode 0700, if missing). */
  static async start (dir: string, declared: Declared): Promise<Upload> {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 })
    const upload = new Upload(declared, path.join(dir, `.upload-${randomBytes(6).toString('hex')}.part`))
    upload.handle = await fs.open(upload.file, 'wx', 0o600)
    return upload
  }

  /** Where the bytes are, once `finish` said they are complete. */
  get path (): string {
    return this.file
  }

  /** Whether a frame that just arrived is one of this upload's data frames, within the window. */
  admit (): boolean {
    if (this.admitted >= this.frames || this.admitted - this.handled >= UPLOAD_WINDOW) return false
    this.admitted++
    return true
  }

  /** Write one chunk; every chunk but the last is full. Returns the bytes received so far. */
  async write (chunk: Buffer): Promise<number> {
    if (this.handle === null) throw fail('USAGE', 'no upload in progress')
    this.handled++
    const last = this.received + chunk.length >= this.declared.size
    if (this.received + chunk.length > this.declared.size) throw fail('USAGE', `more than the ${this.declared.size} bytes declared`)
    if (!last && chunk.length !== DOC_CHUNK_BYTES) throw fail('USAGE', `every chunk but the last is ${DOC_CHUNK_BYTES} bytes`)
    this.hash.update(chunk)
    await this.handle.write(chunk)
    this.received += chunk.length
    return this.received
  }

  /** Whether every declared byte arrived. */
  get complete (): boolean {
    return this.received === this.declared.size
  }

  /** Close the temp file and check it: DOC_HASH_MISMATCH when the bytes are not the ones declared. */
  async finish (): Promise<void> {
    await this.handle?.close()
    this.handle = null
    if (this.hash.digest('hex') !== this.declared.sha256) throw fail('DOC_HASH_MISMATCH', 'the bytes sent do not hash to the sha256 declared; nothing was stored')
  }

  /** Delete the temp file (idempotent). */
  async discard (): Promise<void> {
    await this.handle?.close().catch(() => {})
    this.handle = null
    await fs.rm(this.file, { force: true })
  }
}
