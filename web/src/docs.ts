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

/** A file to upload: its bytes and what `doc-put` declares (`sha256` is filled once, on first use). */
export interface Outgoing { name: string, mime: string, bytes: Uint8Array, sha256?: string }

/** The sha256 of a file to upload, computed once (hashing 100 MiB takes a phone a while). */
function fileHash (file: Outgoing): string {
  file.sha256 ??= sha256Hex(file.bytes)
  return file.sha256
}

/** The `doc-put` of a file. */
export function putFrame (file: Outgoing): PhoneMessage {
  return { t: 'doc-put', name: file.name, size: file.bytes.length, mime: file.mime, sha256: fileHash(file) }
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
  return { type: 'doc', name: file.name, size: file.bytes.length, mime: file.mime, sha256: fileHash(file), blobs: stored.blobs, blob: stored.blob }
}

/** Least time between two `docs` requests of the page. */
export const REFRESH_EVERY_MS = 3_000

/** What the documents part tells the page. */
export interface DocsEvents {
  list: (docs: DocInfo[]) => void
  /** Bytes of the download `id` here so far (`phase` fetch: the host is still gathering it). */
  progress: (id: string, bytes: number, total: number, phase: 'fetch' | 'receive') => void
  /** Every byte checked: the page may offer the file now. */
  offer: (info: Download['info'], parts: Uint8Array[]) => void
  /** A download or upload failed: `bad` (wrong bytes: nothing offered) or the host's detail. */
  failed: (id: string | null, why: 'bad' | 'host', detail: string) => void
  sending: (name: string, bytes: number, total: number) => void
  /** The host stored the upload, and its doc record was queued to the hosted log. */
  uploaded: (name: string) => void
}

/**
 * The documents of one session, page side: one list request, one download and one upload
 * at a time. `announce` appends a record through the session's hosted log.
 */
export class DocsState {
  private readonly send: (m: PhoneMessage) => boolean
  private readonly announce: (record: { type: string } & Record<string, unknown>) => void
  private readonly events: DocsEvents
  private listing: DocInfo[] | null = null
  private listAgain = false
  private lastAsked = -Infinity
  private later: ReturnType<typeof setTimeout> | null = null
  private download: Download | null = null
  private downloading: string | null = null
  private upload: { file: Outgoing, sender: Sender | null } | null = null

  constructor (send: (m: PhoneMessage) => boolean, announce: DocsState['announce'], events: DocsEvents) {
    this.send = send
    this.announce = announce
    this.events = events
  }

  /**
   * Ask the list again (after a welcome, on each `update`), at most once every
   * REFRESH_EVERY_MS: in a busy room every update would otherwise cost a frame of the
   * phone's quota (50 per 10 s) on top of the history it asks.
   */
  refresh (): void {
    if (this.listing !== null) return void (this.listAgain = true)
    const wait = this.lastAsked + REFRESH_EVERY_MS - Date.now()
    if (wait > 0) {
      this.later ??= setTimeout(() => { this.later = null; this.refresh() }, wait)
      return
    }
    this.lastAsked = Date.now()
    this.listing = []
    this.send({ t: 'docs' })
  }

  /** The connection ended: no more requests. */
  stop (): void {
    if (this.later !== null) clearTimeout(this.later)
    this.later = null
  }

  get busy (): { download: boolean, upload: boolean } {
    return { download: this.downloading !== null, upload: this.upload !== null }
  }

  fetch (id: string): void {
    if (this.downloading !== null) return
    this.downloading = id
    this.download = null
    this.send({ t: 'doc-get', id })
  }

  put (file: Outgoing): void {
    if (this.upload !== null) return
    this.upload = { file, sender: null }
    this.send(putFrame(file))
  }

  /** One frame from the host; true when it was a documents frame. */
  receive (m: PhoneMessage): boolean {
    if (m.t === 'docs') this.listed(m)
    else if (m.t === 'doc-progress' && this.downloading !== null) this.events.progress(this.downloading, Number(m.bytes), Number(m.total), 'fetch')
    else if (m.t === 'doc-start') this.download = new Download(m)
    else if (m.t === 'doc-chunk') this.chunk(m)
    else if (m.t === 'doc-end') this.ended()
    else if (m.t === 'doc-accept' || m.t === 'doc-got' || m.t === 'doc-stored') this.uploading(m)
    else if (m.t === 'error' && typeof m.re === 'string' && (m.re === 'docs' || m.re.startsWith('doc-'))) this.error(m)
    else return false
    return true
  }

  private listed (m: PhoneMessage): void {
    if (Array.isArray(m.docs)) this.listing?.push(...(m.docs as DocInfo[]))
    if (m.last !== true) return
    const docs = this.listing ?? []
    this.listing = null
    this.events.list(docs)
    if (this.listAgain) {
      this.listAgain = false
      this.refresh()
    }
  }

  private chunk (m: PhoneMessage): void {
    if (this.download === null) return
    this.download.chunk(m)
    this.events.progress(this.download.info.id, this.download.received, this.download.info.size, 'receive')
  }

  private ended (): void {
    const download = this.download
    this.download = null
    this.downloading = null
    if (download === null) return
    const result = download.end()
    if (result.ok) this.events.offer(download.info, result.parts)
    else this.events.failed(download.info.id, 'bad', result.reason)
  }

  private uploading (m: PhoneMessage): void {
    const upload = this.upload
    if (upload === null) return
    if (m.t === 'doc-accept') upload.sender = new Sender(upload.file.bytes, m)
    if (m.t === 'doc-got') this.events.sending(upload.file.name, upload.sender?.got(m) ?? 0, upload.file.bytes.length)
    if (m.t === 'doc-stored') {
      this.upload = null
      this.announce(docRecord(upload.file, m))
      return this.events.uploaded(upload.file.name)
    }
    for (const frame of upload.sender?.next() ?? []) this.send(frame)
  }

  private error (m: PhoneMessage): void {
    const detail = String(m.message ?? m.code)
    if (m.re === 'doc-get') {
      const id = this.downloading
      this.download = null
      this.downloading = null
      return this.events.failed(id, 'host', detail)
    }
    // Data frames already in flight when an upload failed each get an error: the first one said why.
    if (m.re === 'doc-data' && this.upload === null) return
    if (m.re === 'doc-put' || m.re === 'doc-data') this.upload = null
    if (m.re === 'docs') this.listing = null
    this.events.failed(null, 'host', detail)
  }
}
