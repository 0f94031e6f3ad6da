/**
 * The phone's side of documents (docs/protocol.md §17 "Documents"), without the DOM: the
 * room's list, a download whose bytes are hashed as they arrive and offered only when the
 * whole file has exactly the announced size and sha256, and an upload sent in chunks
 * within the host's window, then announced with a `doc` record the phone signs. The
 * sha256 is @noble/hashes': a plain-HTTP page has no crypto.subtle.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import type { PhoneMessage } from '../../src/phone/index.js'
import { toHex } from './bytes.js'

/** One document of the room, as the host lists it (peer text: shown with textContent only). */
export interface DocInfo { id: string, name: string, size: number, mime: string, sha256: string, ts: number, author: string, authorKey: string, authorName: string, status: string }

/** Bytes of base64 `data` (atob: the page has no Buffer). */
export function fromBase64 (data: string): Uint8Array {
  const bin = atob(data)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

/** Base64 of `bytes`. */
export function toBase64 (bytes: Uint8Array): string {
  let bin = ''
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(bin)
}

/** The sha256 of `bytes`, lowercase hex. */
export const sha256Hex = (bytes: Uint8Array): string => toHex(sha256(bytes))

/** How a download ended: the file's parts when every byte checked, else why not. */
export type Received = { ok: true, parts: Uint8Array[], size: number } | { ok: false, reason: 'hash' | 'size' | 'order' }

/**
 * One download: chunks in order, hashed on arrival. `end` says whether the whole file is
 * the one announced; only then does the page build the file.
 */
export class Download {
  readonly info: { id: string, name: string, size: number, mime: string, sha256: string }
  private readonly hash = sha256.create()
  private readonly parts: Uint8Array[] = []
  received = 0
  private broken: 'size' | 'order' | null = null

  constructor (start: PhoneMessage) {
    this.info = { id: String(start.id), name: String(start.name), size: Number(start.size), mime: String(start.mime), sha256: String(start.sha256) }
  }

  /** One `doc-chunk`; a chunk out of order or past the size breaks the download. */
  chunk (m: PhoneMessage): void {
    if (this.broken !== null) return
    const bytes = fromBase64(String(m.data))
    if (m.offset !== this.received) this.broken = 'order'
    else if (this.received + bytes.length > this.info.size) this.broken = 'size'
    if (this.broken !== null) return void (this.parts.length = 0)
    this.hash.update(bytes)
    this.parts.push(bytes)
    this.received += bytes.length
  }

  /** `doc-end`: the verdict. The parts are given only when size and sha256 match. */
  end (): Received {
    if (this.broken !== null) return { ok: false, reason: this.broken }
    if (this.received !== this.info.size) return { ok: false, reason: 'size' }
    if (toHex(this.hash.digest()) !== this.info.sha256) return { ok: false, reason: 'hash' }
    return { ok: true, parts: this.parts, size: this.received }
  }
}

/** A file to upload: its bytes and what `doc-put` declares. */
export interface Outgoing { name: string, mime: string, bytes: Uint8Array }

/** The `doc-put` of a file. */
export function putFrame (file: Outgoing): PhoneMessage {
  return { t: 'doc-put', name: file.name, size: file.bytes.length, mime: file.mime, sha256: sha256Hex(file.bytes) }
}

/**
 * Sends one upload's `doc-data` frames: at most `window` unacknowledged (`doc-got`), every
 * chunk `chunk` bytes but the last. Returns false once every frame went out.
 */
export class Sender {
  private readonly bytes: Uint8Array
  private readonly chunk: number
  private readonly window: number
  private sent = 0
  private acked = 0
  private readonly frames: number

  constructor (bytes: Uint8Array, accept: PhoneMessage) {
    this.bytes = bytes
    this.chunk = Number(accept.chunk)
    this.window = Number(accept.window)
    this.frames = Number(accept.frames)
  }

  /** The frames to send now (the window's free room). */
  next (): PhoneMessage[] {
    const out: PhoneMessage[] = []
    while (this.sent < this.frames && this.sent - this.acked < this.window) {
      const piece = this.bytes.subarray(this.sent * this.chunk, (this.sent + 1) * this.chunk)
      out.push({ t: 'doc-data', data: toBase64(piece) })
      this.sent++
    }
    return out
  }

  /** A `doc-got`; returns the bytes the host has. */
  got (m: PhoneMessage): number {
    this.acked++
    return Number(m.bytes)
  }
}

/** The `doc` record the phone signs for what the host stored (`doc-stored`). */
export function docRecord (file: Outgoing, stored: PhoneMessage): { type: string } & Record<string, unknown> {
  return { type: 'doc', name: file.name, size: file.bytes.length, mime: file.mime, sha256: sha256Hex(file.bytes), blobs: stored.blobs, blob: stored.blob }
}
