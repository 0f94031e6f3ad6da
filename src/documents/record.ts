/**
 * Document announcements: the `doc` record of a member log (protocol section 3) with the
 * storage fields of documents version 1 (protocol section 9): `blobs`, the key of the
 * author's blobs core in this room, and `blob`, where the bytes sit in it.
 */
import type { Entry } from '../log/member-log.js'
import type { DocRecord } from '../log/records.js'
import { messageId } from '../timeline/index.js'
import { sanitizeName, sanitizeText } from '../text/sanitize.js'
import { cleanMime } from './mime.js'

/** Where a document's bytes sit in a blobs core (the Hyperblobs id). */
export interface BlobRange { blockOffset: number, blockLength: number, byteOffset: number, byteLength: number }

/** The storage fields written into a doc record. */
export interface DocStorage { blobs: string, blob: BlobRange }

/** One announced document, as read from a log; `problem` says why it cannot be fetched. */
export interface DocEntry {
  /** Same form as a timeline id: 16 hex of the author's log key, a dot, the block number. */
  id: string
  /** Key (hex) of the author's member log, and the block of the announcement. */
  core: string
  seq: number
  ts: number
  /** The name as announced, made safe to print (not yet safe as a file name). */
  name: string
  size: number
  mime: string
  sha256: string
  /** The author's blobs core, or null when the record has no storage this version reads. */
  blobs: Buffer | null
  blob: BlobRange | null
  problem: string | null
}

const HEX32 = /^[0-9a-f]{64}$/
const isNat = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

/** Check the storage fields of a doc record; returns the reason they are unusable, or null. */
export function checkStorage (record: Record<string, unknown>, size: number): string | null {
  if (typeof record.blobs !== 'string' || !HEX32.test(record.blobs)) return 'no blobs core this version can read'
  const b = record.blob as Record<string, unknown> | null
  if (b === null || typeof b !== 'object') return 'no blob position'
  if (!isNat(b.blockOffset) || !isNat(b.blockLength) || !isNat(b.byteOffset) || !isNat(b.byteLength)) return 'bad blob position'
  if (b.byteLength !== size) return 'blob length differs from the announced size'
  // Every block holds at least one byte, so more blocks than bytes cannot be honest.
  if (b.blockLength > size || (size > 0 && b.blockLength === 0)) return 'blob block count does not fit its size'
  return null
}

/** Read a doc entry from a log entry whose record is a valid `doc` (records.ts checked the base fields). */
export function docFromEntry (entry: Entry): DocEntry {
  const r = entry.record as DocRecord
  const raw = r as unknown as Record<string, unknown>
  const problem = checkStorage(raw, r.size)
  const blob = raw.blob as Record<string, number> | undefined
  return {
    id: messageId(entry.core, entry.seq),
    core: entry.core,
    seq: entry.seq,
    ts: r.ts,
    // Shown like a person's name: one line, no zero-width look-alikes.
    name: sanitizeName(r.name),
    size: r.size,
    mime: cleanMime(r.mime),
    sha256: r.sha256,
    blobs: problem === null ? Buffer.from(String(raw.blobs), 'hex') : null,
    blob: problem === null && blob !== undefined ? { blockOffset: blob.blockOffset, blockLength: blob.blockLength, byteOffset: blob.byteOffset, byteLength: blob.byteLength } : null,
    problem
  }
}
