/**
 * The `dms` request of a phone session (docs/protocol.md §17, "Private messages"): the
 * room's `dm` records since the phone's cursor, as ciphertext. The host cannot open them
 * (the phone's secret key never leaves the browser), so it sends every `dm` record of
 * every bound log, with the author the log's binding verified; the phone tries each one
 * (§12, "Reading: trial decryption"). The cursor is the phone's: one next position per
 * log, so a request reads only what arrived since, and one answer is bounded in records
 * and in blocks read, then cut into frames of about 60 KiB.
 */
import { fail } from '../errors/index.js'
import type { MemberLog } from '../log/member-log.js'
import type { DmRecord } from '../log/records.js'
import type { RoomLogs } from '../log/room-logs.js'
import type { PhoneMessage } from '../phone/index.js'

/** Most `dm` records one answer carries; `more` says when there are others. */
export const MAX_DM_RECORDS = 200
/** Most blocks one answer reads one by one (a log past its index cap); the rest waits for the next request. */
export const MAX_DM_BLOCK_READS = 2000
/** Most logs a cursor names (about 27 KiB of JSON, inside one 64 KiB frame). */
export const MAX_CURSOR_LOGS = 1024
/** Plaintext bytes of one `dm-records` frame at most, as for `items`. */
const FRAME_BYTES = 60 * 1024
/** A log in a cursor: the first 16 hex digits of its core key, as in message ids. */
const LOG_ID = /^[0-9a-f]{16}$/

/** One `dm` record as the phone gets it: where it is, who wrote it (the verified binding), the sealed box. */
export interface DmRecordOut { core: string, seq: number, ts: number, author: string, nonce: string, box: string }

/** The next position to read in each log, by log id (16 hex); a log not named starts at 1. */
export type DmCursor = Record<string, number>

/** What one answer found. */
export interface DmBatch { records: DmRecordOut[], cursor: DmCursor, more: boolean }

/** `since` (a cursor) and `limit` (1..200) of a `dms` request; USAGE when malformed. */
export function parseDmRequest (m: PhoneMessage): { since: DmCursor, limit: number } {
  const limit = m.limit === undefined ? MAX_DM_RECORDS : m.limit
  if (!Number.isSafeInteger(limit) || (limit as number) < 1) throw fail('USAGE', 'limit is a whole number from 1')
  const since = m.since ?? {}
  if (since === null || typeof since !== 'object' || Array.isArray(since)) throw fail('USAGE', 'since is a cursor: {log id: next position}')
  const entries = Object.entries(since as Record<string, unknown>)
  if (entries.length > MAX_CURSOR_LOGS) throw fail('USAGE', `a cursor names at most ${MAX_CURSOR_LOGS} logs`)
  const cursor: DmCursor = {}
  for (const [id, seq] of entries) {
    if (!LOG_ID.test(id) || !Number.isSafeInteger(seq) || (seq as number) < 1) throw fail('USAGE', 'a cursor maps 16 hex digits of a log to a position from 1')
    cursor[id] = seq as number
  }
  return { since: cursor, limit: Math.min(limit as number, MAX_DM_RECORDS) }
}

/** Read the `dm` records of `logs` since `since`, at most `limit` of them and MAX_DM_BLOCK_READS blocks read. */
export async function readDmRecords (logs: RoomLogs, since: DmCursor, limit: number): Promise<DmBatch> {
  const batch: DmBatch = { records: [], cursor: {}, more: false }
  const budget = { records: limit, reads: MAX_DM_BLOCK_READS }
  for (const log of logs.list()) {
    const id = log.key.slice(0, 16)
    const from = since[id] ?? 1
    batch.cursor[id] = from
    const author = await log.verifyBinding()
    // An unbound log is not read yet: its cursor stays, and it is read once its binding verifies.
    if (author === null) continue
    if (budget.records === 0 || budget.reads === 0) {
      batch.more ||= await hasDmsFrom(log, from)
      continue
    }
    const { next, stopped } = await readLog(log, author.identity, from, budget, batch.records)
    batch.cursor[id] = next
    batch.more ||= stopped
  }
  return batch
}

/** Whether a log holds anything unread from `from` (checked once the budget is spent). */
async function hasDmsFrom (log: MemberLog, from: number): Promise<boolean> {
  const { seqs, upTo, capped } = await log.positions(['dm'])
  return seqs.some((s) => s >= from) || (capped && log.readable > Math.max(from, upTo))
}

/** One log's records from `from`, within the budget; `next` is where the next request starts. */
async function readLog (log: MemberLog, author: string, from: number, budget: { records: number, reads: number }, out: DmRecordOut[]): Promise<{ next: number, stopped: boolean }> {
  const { seqs, upTo, capped } = await log.positions(['dm'])
  const take = async (seq: number): Promise<void> => {
    const entry = await log.read(seq)
    if (entry === null || entry.record.type !== 'dm') return
    const r = entry.record as DmRecord
    out.push({ core: log.key, seq, ts: r.ts, author, nonce: r.nonce, box: r.box })
    budget.records--
  }
  for (const seq of seqs) {
    if (seq < from) continue
    if (budget.records === 0) return { next: seq, stopped: true }
    await take(seq)
  }
  let next = Math.max(from, upTo)
  if (!capped) return { next, stopped: false }
  // Past the index's cap every block is read, so reads are bounded too.
  for (const end = log.readable; next < end; next++) {
    if (budget.records === 0 || budget.reads === 0) return { next, stopped: true }
    budget.reads--
    await take(next)
  }
  return { next, stopped: false }
}

/** The answer in `dm-records` frames of about 60 KiB; the last carries the cursor and `more`. */
export function dmFrames (batch: DmBatch): PhoneMessage[] {
  const frames: PhoneMessage[] = []
  let chunk: DmRecordOut[] = []
  let bytes = Buffer.byteLength(JSON.stringify(batch.cursor))
  for (const record of batch.records) {
    const size = Buffer.byteLength(JSON.stringify(record)) + 1
    if (chunk.length > 0 && bytes + size > FRAME_BYTES) {
      frames.push({ t: 'dm-records', records: chunk, last: false })
      chunk = []
      bytes = Buffer.byteLength(JSON.stringify(batch.cursor))
    }
    chunk.push(record)
    bytes += size
  }
  frames.push({ t: 'dm-records', records: chunk, last: true, cursor: batch.cursor, more: batch.more })
  return frames
}
