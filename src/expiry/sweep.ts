/**
 * Sweep one member log: clear (Hypercore `clear`) the blocks of expirable records placed
 * before the room's horizon, and move the log's expiry mark past them. What is kept and
 * why is in docs/protocol.md §13 ("What expires"). The sweep reads from the mark on, so
 * each block is read about once; it stops at the first record at or after the horizon
 * (an honest log's times never go backwards, see MemberLog.append).
 */
import type { MemberLog } from '../log/member-log.js'
import { KEPT_TYPES, saveExpiredTo } from '../log/expired-mark.js'

export { KEPT_TYPES }

/** The parts of a hypercore session a sweep uses beyond our hand-written types. */
interface ClearableCore { clear: (start: number, end: number) => Promise<unknown>, peers?: RemotePeer[] }
/** What Hypercore knows of a connected peer's copy of a log. */
interface RemotePeer { remoteLength: number, remoteBitfield: { findFirst: (value: boolean, position: number) => number } }

/**
 * Whether the missing blocks [start, end) are held by no connected peer although one of
 * them holds the log past them (their bitfields say so): every honest holder cleared
 * them. Blocks whose only holder is away are taken as gone too (protocol.md §13 says so).
 */
function unfillable (log: MemberLog, start: number, end: number): boolean {
  const knowing = ((log.core as unknown as ClearableCore).peers ?? []).filter((p) => p.remoteLength >= end)
  return knowing.length > 0 && knowing.every((p) => {
    const at = p.remoteBitfield.findFirst(true, start)
    return at === -1 || at >= end
  })
}

/**
 * Clears blocks `[start, end)` of the blobs core `key` (a document's bytes), if held here.
 * The node gives one that opens the core in its store (runner.ts).
 */
export type BlobClearer = (key: Buffer, start: number, end: number) => Promise<number>

/** Whether a held block is to be cleared once it is older than the horizon: decodable kept records stay. */
async function verdictOf (log: MemberLog, seq: number, horizon: number): Promise<{ verdict: 'clear' | 'keep' | 'new', record?: Record<string, unknown> }> {
  const entry = await log.readHere(seq)
  if (entry === null) return { verdict: 'clear' } // malformed: nothing worth keeping, and no time to trust
  const placed = Math.min(entry.record.ts, await log.seenBound(seq))
  if (placed >= horizon) return { verdict: 'new' }
  return { verdict: KEPT_TYPES.has(entry.record.type) ? 'keep' : 'clear', record: entry.record as unknown as Record<string, unknown> }
}

/** The blob blocks of an expired document announcement (documents §9 fields), or null. */
function blobOf (record: Record<string, unknown> | undefined): { key: Buffer, start: number, end: number } | null {
  const blob = record?.blob as { blockOffset?: unknown, blockLength?: unknown } | undefined
  if (record?.type !== 'doc' || typeof record.blobs !== 'string' || !/^[0-9a-f]{64}$/.test(record.blobs)) return null
  const start = Number(blob?.blockOffset)
  const length = Number(blob?.blockLength)
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(length) || start < 0 || length <= 0) return null
  return { key: Buffer.from(record.blobs, 'hex'), start, end: start + length }
}

/**
 * Clear what expired in `log`; returns how many blocks were cleared. The mark moves to
 * just after the last block found older than the horizon: blocks missing below it (never
 * fetched, or cleared by an earlier sweep) are older too, and are never asked for again.
 */
export async function sweepLog (log: MemberLog, horizon: number, clearBlob?: BlobClearer): Promise<number> {
  if (log.invalid || (await log.verifyBinding()) === null || log.core.closed) return 0
  // The index keeps names, moderation and settings: bring it up to date before blocks go.
  await log.indexNicknames()
  const doomed: number[] = []
  const blobs: Array<{ key: Buffer, start: number, end: number }> = []
  let to = Math.max(1, log.expiredTo)
  for (let seq = log.nextHeld(to); seq !== -1; seq = log.nextHeld(seq + 1)) {
    const { verdict, record } = await verdictOf(log, seq, horizon)
    if (verdict === 'new') {
      // A hole right before the first recent block: a late joiner's, where the expired
      // blocks were. Passed when no connected peer can fill it (see unfillable).
      if (seq > to && unfillable(log, to, seq)) to = seq
      break
    }
    if (verdict === 'clear') doomed.push(seq)
    const blob = verdict === 'clear' ? blobOf(record) : null
    if (blob !== null) blobs.push(blob)
    to = seq + 1
  }
  let cleared = doomed.length
  for (const [start, end] of runs(doomed)) await (log.core as unknown as ClearableCore).clear(start, end)
  // The document's bytes go with its announcement (a fetched file on disk is the person's own).
  for (const b of blobs) cleared += await clearBlob?.(b.key, b.start, b.end).catch(() => 0) ?? 0
  if (to > log.expiredTo) {
    log.expiredTo = to
    await saveExpiredTo(log.core, log.room, to)
  }
  return cleared
}

/** Ascending block numbers as [start, end) runs, so a long expired stretch is one clear. */
export function runs (seqs: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = []
  for (const s of seqs) {
    const last = out[out.length - 1]
    if (last !== undefined && last[1] === s) last[1] = s + 1
    else out.push([s, s + 1])
  }
  return out
}
