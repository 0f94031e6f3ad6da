/**
 * The documents part of one phone session (docs/protocol.md §17 "Documents"): list the
 * room's documents, send one to the phone (download.ts), and take one from it (upload.ts)
 * into the blobs core the host keeps for that phone (phone-blobs.ts). One download and one
 * upload at a time per session. The phone announces what it uploaded itself, with a `doc`
 * record it signs and appends to its hosted log like any other record.
 */
import path from 'node:path'
import type { Documents } from '../documents/documents.js'
import { formatBytes } from '../documents/limits.js'
import { cleanMime } from '../documents/mime.js'
import { fail, isTamtamError } from '../errors/index.js'
import type { HostedWriter } from '../log/hosted-writer.js'
import type { PhoneMessage } from '../phone/index.js'
import type { Room } from '../room/index.js'
import { sanitizeText } from '../text/sanitize.js'
import { docIdOf, sendDocument } from './download.js'
import { fitFrame } from './history.js'
import type { PhoneBlobsShelf } from './phone-blobs.js'
import { chunkOf, DOC_CHUNK_BYTES, Upload, UPLOAD_WINDOW, type Declared } from './upload.js'

/** The frame types this part answers. */
export const DOC_FRAMES = new Set(['docs', 'doc-get', 'doc-cancel', 'doc-put', 'doc-data'])

/** What the documents part needs from the host. */
export interface DocsHost {
  documents: () => Promise<Documents>
  shelf: PhoneBlobsShelf
  /** Where uploads wait until they are complete and checked (in the home, not /tmp). */
  uploadDir: string
  /** Most bytes stored for one phone in one room (the per-phone cap). */
  phoneBytes: number
  /** How long a download waits for blocks or for the phone to read. */
  stallMs?: number
}

/** The documents part of one session. */
export class PhoneDocs {
  private readonly host: DocsHost
  private readonly room: Room
  private readonly send: (message: PhoneMessage) => void
  private readonly queued: () => number
  private download: AbortController | null = null
  private upload: Upload | null = null
  private closed = false

  constructor (host: DocsHost, room: Room, send: (message: PhoneMessage) => void, queued: () => number) {
    this.host = host
    this.room = room
    this.send = send
    this.queued = queued
  }

  /** Whether a frame that just arrived is a data frame of the upload in progress (not counted by the frame quota). */
  admit (m: PhoneMessage): boolean {
    return m.t === 'doc-data' && this.upload !== null && this.upload.admit()
  }

  /** Handle one documents frame; errors reject (the session answers them). */
  async receive (m: PhoneMessage, writer: HostedWriter): Promise<void> {
    if (m.t === 'docs') return await this.list()
    if (m.t === 'doc-get') return this.get(docIdOf(m.id))
    if (m.t === 'doc-cancel') return await this.cancel()
    if (m.t === 'doc-put') return await this.put(m, writer)
    if (m.t === 'doc-data') return await this.data(m, writer)
  }

  private async list (): Promise<void> {
    const views = await (await this.host.documents()).list(this.room)
    let rest = views.map((d) => ({ id: d.id, name: d.name, size: d.size, mime: d.mime, sha256: d.sha256, ts: d.ts, author: d.author, authorKey: d.authorKey, authorName: d.authorName, status: d.status }))
    do {
      const fit = fitFrame(rest)
      const frame = fit.length > 0 ? fit : rest.slice(0, 1)
      rest = rest.slice(frame.length)
      this.send({ t: 'docs', docs: frame, last: rest.length === 0 })
    } while (rest.length > 0)
  }

  /** Starts the download and returns: chunks interleave with the answers to other frames. */
  private get (id: string): void {
    if (this.download !== null) throw fail('USAGE', 'one download at a time: wait for doc-end, or send doc-cancel')
    const abort = new AbortController()
    this.download = abort
    const link = { send: this.send, queued: this.queued, signal: abort.signal, stallMs: this.host.stallMs }
    void (async () => {
      try {
        await sendDocument(await this.host.documents(), this.room, id, {
          ...link,
          // The download is over once its end is sent: the phone may ask the next one straight away.
          send: (m) => {
            if (m.t === 'doc-end' && this.download === abort) this.download = null
            this.send(m)
          }
        })
      } catch (err) {
        if (!abort.signal.aborted) this.fault('doc-get', err)
      } finally {
        if (this.download === abort) this.download = null
      }
    })()
  }

  private async cancel (): Promise<void> {
    this.download?.abort()
    this.download = null
    await this.dropUpload()
    this.send({ t: 'doc-cancelled' })
  }

  private async put (m: PhoneMessage, writer: HostedWriter): Promise<void> {
    if (this.upload !== null) throw fail('USAGE', 'one upload at a time: finish it, or send doc-cancel')
    if (!writer.bound) throw fail('USAGE', 'bind the hosted log first')
    const declared = declaredOf(m)
    const limits = (await this.host.documents()).limits(this.room)
    if (declared.size > limits.maxFileBytes) throw fail('DOC_TOO_LARGE', `${declared.name} is ${formatBytes(declared.size)}, over this room's limit of ${formatBytes(limits.maxFileBytes)} per file`)
    const blobs = await this.host.shelf.get(this.room, writer.phone, writer.key.toString('hex'))
    this.checkCap(declared, blobs.usedBytes)
    const usage = await (await this.host.documents()).usage(this.room)
    if (usage + declared.size > limits.quotaBytes) throw fail('QUOTA_EXCEEDED', `${declared.name} does not fit: ${formatBytes(usage)} of this room's ${formatBytes(limits.quotaBytes)} are used on this host`)
    this.upload = await Upload.start(path.join(this.host.uploadDir), declared)
    if (this.closed) return await this.dropUpload()
    this.send({ t: 'doc-accept', chunk: DOC_CHUNK_BYTES, frames: this.upload.frames, window: UPLOAD_WINDOW })
  }

  private checkCap (declared: Declared, used: number): void {
    if (used + declared.size > this.host.phoneBytes) {
      throw fail('PHONE_QUOTA_EXCEEDED', `${declared.name} (${formatBytes(declared.size)}) does not fit: this phone has ${formatBytes(used)} of ${formatBytes(this.host.phoneBytes)} stored on this host`)
    }
  }

  private async data (m: PhoneMessage, writer: HostedWriter): Promise<void> {
    const upload = this.upload
    if (upload === null) throw fail('USAGE', 'no upload in progress: send doc-put first')
    try {
      const received = await upload.write(chunkOf(m.data))
      this.send({ t: 'doc-got', bytes: received })
      if (!upload.complete) return
      await upload.finish()
      const { size, sha256 } = upload.declared
      const blobs = await this.host.shelf.get(this.room, writer.phone, writer.key.toString('hex'))
      const stored = await blobs.put(upload.path, size, sha256, (used) => this.checkCap(upload.declared, used))
      this.send({ t: 'doc-stored', blobs: blobs.key, blob: stored.blob, size: stored.size, sha256: stored.sha256 })
      await this.dropUpload()
    } catch (err) {
      // A refused chunk ends the upload: nothing of it is kept.
      await this.dropUpload()
      throw err
    }
  }

  private async dropUpload (): Promise<void> {
    const upload = this.upload
    this.upload = null
    await upload?.discard()
  }

  private fault (re: string, err: unknown): void {
    const code = isTamtamError(err) ? err.code : 'INTERNAL'
    const text = isTamtamError(err) ? err.message : 'the host could not do that'
    if (!this.closed) this.send({ t: 'error', re, code, message: text.slice(0, 500) })
  }

  /** The session ends: stop the download, delete a partial upload. */
  async close (): Promise<void> {
    this.closed = true
    this.download?.abort()
    await this.dropUpload()
  }
}

const HEX64 = /^[0-9a-f]{64}$/

/** The fields of a `doc-put`, checked. USAGE when malformed. */
function declaredOf (m: PhoneMessage): Declared {
  const name = typeof m.name === 'string' ? sanitizeText(m.name).trim() : ''
  if (name.length === 0 || Buffer.byteLength(name) > 1024) throw fail('USAGE', 'name is 1 to 1024 bytes of text')
  if (!Number.isSafeInteger(m.size) || (m.size as number) < 0) throw fail('USAGE', 'size is a whole number of bytes')
  if (typeof m.sha256 !== 'string' || !HEX64.test(m.sha256)) throw fail('USAGE', 'sha256 is 64 lowercase hex')
  return { name, size: m.size as number, mime: cleanMime(typeof m.mime === 'string' ? m.mime : ''), sha256: m.sha256 }
}
