/**
 * What a member log's local index keeps, so views never read a block twice: the current
 * nickname, the moderation records (src/moderation) and where the private messages are
 * (src/dm). The index lives in the core's user data (MemberLog persists it) and is local:
 * never sent, so its shape may change with a new key and one rescan.
 */

/** A moderation record as indexed: block number, ts clamped to never go backwards, fields. */
export interface IndexedMod { seq: number, ts: number, action: string, target: string, cutoff?: { core: string, length: number } }

/** Most moderation records indexed per log. */
export const MAX_INDEXED_MODS = 10_000
/**
 * Most private-message positions indexed per log. Past it, `dmsCappedAt` is the first
 * block not indexed and readers scan from there (only a log full of DMs gets there).
 */
export const MAX_INDEXED_DMS = 10_000

/** The index of one log: how far it has read and what it found. */
export interface LogIndex {
  name: string
  /** Blocks below this one are indexed. */
  scanned: number
  lastTs: number
  mods: IndexedMod[]
  /** Block numbers of `dm` records, ascending. */
  dms: number[]
  /** Set once MAX_INDEXED_DMS is reached: the first `dm` block left out. */
  dmsCappedAt?: number
}

/** An empty index for a log whose binding names `name`. */
export function emptyIndex (name: string): LogIndex {
  return { name, scanned: 1, lastTs: 0, mods: [], dms: [] }
}

/** Add one record to the index; true when something worth persisting changed. */
export function indexRecord (index: LogIndex, seq: number, r: Record<string, unknown>): boolean {
  // A hostile client may write decreasing timestamps to slip a moderation record in before
  // its revocation; clamping keeps each log's records in their written order.
  index.lastTs = Math.max(index.lastTs, Number(r.ts) || 0)
  if (r.type === 'nick') {
    index.name = String(r.name)
    return true
  }
  if (r.type === 'dm') return indexDm(index, seq)
  // Capped so a member writing mod records in a loop cannot grow everyone's index forever.
  if (r.type !== 'mod' || index.mods.length >= MAX_INDEXED_MODS) return false
  const cutoff = r.cutoff as { core?: unknown, length?: unknown } | undefined
  index.mods.push({
    seq,
    ts: index.lastTs,
    action: String(r.action),
    target: String(r.target),
    ...(typeof cutoff?.core === 'string' && Number.isSafeInteger(cutoff.length) ? { cutoff: { core: cutoff.core, length: Number(cutoff.length) } } : {})
  })
  return true
}

function indexDm (index: LogIndex, seq: number): boolean {
  if (index.dmsCappedAt !== undefined) return false
  if (index.dms.length >= MAX_INDEXED_DMS) {
    index.dmsCappedAt = seq
    return true
  }
  index.dms.push(seq)
  return true
}

/** Where a log's private messages are: `seqs` below `upTo`; when `capped`, blocks from `upTo` on must be read. */
export interface DmPositions { seqs: number[], upTo: number, capped: boolean }

/** The private-message positions an index knows. */
export function dmPositions (index: LogIndex): DmPositions {
  if (index.dmsCappedAt !== undefined) return { seqs: index.dms, upTo: index.dmsCappedAt, capped: true }
  return { seqs: index.dms, upTo: index.scanned, capped: false }
}
