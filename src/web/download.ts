/**
 * A document sent to a phone over its encrypted channel (docs/protocol.md §17 "Documents"),
 * never over plain HTTP: the host brings every block into its store with the node's own
 * fetch (limits, owner check, stall timeout), then reads it back in order and sends it in
 * `doc-chunk` frames of 32 KiB. Flow control is the host's: it sends the next chunk only
 * while less than SEND_AHEAD_BYTES wait in the socket's buffer, so one phone downloading
 * 50 MB holds one block in the host's memory and stays far under the socket's 1 MiB cap;
 * a phone that stops reading for the stall time ends its download with DOC_UNAVAILABLE.
 * The phone checks the sha256 itself; when the host finds the bytes wrong it also
 * remembers the document as bad, as `get` does.
 */
import { createHash } from 'node:crypto'
import type { Documents } from '../documents/documents.js'
import { DEFAULT_STALL_MS } from '../documents/limits.js'
import { fail } from '../errors/index.js'
import type { PhoneMessage } from '../phone/index.js'
import type { Room } from '../room/index.js'
import { DOC_CHUNK_BYTES } from './upload.js'

/** Most bytes left waiting in the socket's buffer before the next chunk goes out. */
export const SEND_AHEAD_BYTES = 256 * 1024

/** Where a download sends, and how much is waiting to go out. */
export interface DownloadLink {
  send: (message: PhoneMessage) => void
  queued: () => number
  signal: AbortSignal
  stallMs?: number
}

/** A document id as the phone names it: a doc id or a prefix of one. USAGE otherwise. */
export function docIdOf (value: unknown): string {
  if (typeof value !== 'string' || !/^[0-9a-f]{4,16}(\.\d{1,15})?$/.test(value)) throw fail('USAGE', 'id is a document id (16 hex, a dot, a number)')
  return value
}

/** Fetch the document `id` of `room` if needed, then send it: `doc-start`, chunks, `doc-end`. */
export async function sendDocument (documents: Documents, room: Room, id: string, link: DownloadLink): Promise<void> {
  const item = await documents.find(room, id)
  const { doc } = item
  const stallMs = link.stallMs ?? DEFAULT_STALL_MS
  const { core } = await documents.fetch(room, item, {
    stallMs,
    signal: link.signal,
    onProgress: (e) => link.send({ t: 'doc-progress', id: doc.id, phase: 'fetch', bytes: e.bytes, total: e.total })
  })
  if (doc.blob === null) throw fail('DOC_INVALID', doc.name)
  link.send({ t: 'doc-start', id: doc.id, name: doc.name, size: doc.size, mime: doc.mime, sha256: doc.sha256 })
  const hash = createHash('sha256')
  let offset = 0
  for (let i = doc.blob.blockOffset; i < doc.blob.blockOffset + doc.blob.blockLength; i++) {
    const block = await core.get(i, { wait: false })
    if (block === null) throw fail('DOC_UNAVAILABLE', `${doc.name}: a block went missing from the store`)
    hash.update(block)
    for (let at = 0; at < block.length; at += DOC_CHUNK_BYTES) {
      await roomToSend(link, stallMs)
      const piece = block.subarray(at, at + DOC_CHUNK_BYTES)
      link.send({ t: 'doc-chunk', id: doc.id, offset, data: piece.toString('base64') })
      offset += piece.length
    }
  }
  // Remembered as bad before the end is said, so the phone's next request finds this download over.
  if (offset !== doc.size || hash.digest('hex') !== doc.sha256) await documents.discard(room, core, item)
  link.send({ t: 'doc-end', id: doc.id, bytes: offset })
}

/** Wait until the socket's buffer drained under SEND_AHEAD_BYTES; DOC_UNAVAILABLE after `stallMs` without. */
async function roomToSend (link: DownloadLink, stallMs: number): Promise<void> {
  const since = Date.now()
  while (link.queued() >= SEND_AHEAD_BYTES) {
    if (link.signal.aborted) throw fail('CLOSED', 'the download was cancelled')
    if (Date.now() - since > stallMs) throw fail('DOC_UNAVAILABLE', 'the phone stopped reading; the download was stopped')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  if (link.signal.aborted) throw fail('CLOSED', 'the download was cancelled')
}
