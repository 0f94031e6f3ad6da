/**
 * What a member log's local index keeps, so views never read a block twice: the current
 * nickname, the moderation records (src/moderation) and where the rare records are
 * (private messages for src/dm, drill records for src/drills, documents for src/documents), so a room of 100,000
 * messages costs those views a read per rare record, not a read per block. The index lives in the core's user data (MemberLog persists it) and is local:
 * never sent, so its shape may change with a new key and one rescan.
 */

/**
 * The user-data key of the index. v3 added the positions of private messages and drill
 * records, v4 those of documents, v5 when future-dated blocks were first seen, v6 room
 * settings (kept with the moderation records, action `expire`), v7 key rotations (action
 * `rekey`, target `NEXT/PART/PARTS`); an index under an older
 * key is ignored and rebuilt once.
 */
export const INDEX_KEY = 'tamtam/index/v7'

/**
 * Most "first seen" bounds kept per log. Past it the oldest is dropped: its blocks then fall
 * under the next bound, which is later, so their times get looser (never wrong the other
 * way), and only old history is affected.
 */
export const MAX_SEEN_BOUNDS = 4096
/** Future-dated blocks indexed within this long of the last bound share it (one bound per burst). */
export const SEEN_COALESCE_MS = 1000

/** A moderation record as indexed: block number, ts clamped to never go backwards, fields. */
export interface IndexedMod { seq: number, ts: number, action: string, target: string, cutoff?: { core: string, length: number } }

/** Most moderation records indexed per log. */
export const MAX_INDEXED_MODS = 10_000

/** Record types whose block numbers the index keeps. */
export const POSITION_TYPES = ['dm', 'drill-probe', 'drill-ack', 'drill-seen', 'doc'] as const
export type PositionType = typeof POSITION_TYPES[number]

/**
 * Most block numbers indexed per type and log. Past it, `cappedAt[type]` is the first block
 * left out and readers read on from there (only a log full of one rare type gets there).
 */
export const MAX_INDEXED_POSITIONS = 10_000

/** The index of one log: how far it has read and what it found. */
export interface LogIndex {
  name: string
  /** Blocks below this one are indexed. */
  scanned: number
  lastTs: number
  mods: IndexedMod[]
  /** Block numbers of the POSITION_TYPES records, ascending, by type. */
  positions: Partial<Record<PositionType, number[]>>
  /** Per type, once MAX_INDEXED_POSITIONS is reached: the first block left out. */
  cappedAt: Partial<Record<PositionType, number>>
  /**
   * When future-dated blocks were first seen: `[end, seenAt]` pairs, both ascending. Every
   * block below `end` (and at or above the previous pair's `end`) was indexed by `seenAt`
   * (local clock). Only blocks dated after the moment they were indexed add a pair, so an
   * honest log with a sane clock adds none (see seenBound).
   */
  seen: Array<[number, number]>
}

/** An empty index for a log whose binding names `name`. */
export function emptyIndex (name: string): LogIndex {
  return { name, scanned: 1, lastTs: 0, mods: [], positions: {}, cappedAt: {}, seen: [] }
}

/** Whether a parsed JSON value has the shape of an index (else it is rebuilt). */
export function isLogIndex (value: unknown): value is LogIndex {
  const v = value as LogIndex | null
  return typeof v === 'object' && v !== null && Number.isSafeInteger(v.scanned) && Array.isArray(v.mods) &&
    typeof v.positions === 'object' && v.positions !== null && typeof v.cappedAt === 'object' && v.cappedAt !== null &&
    Array.isArray(v.seen)
}

const isPositionType = (type: unknown): type is PositionType => (POSITION_TYPES as readonly unknown[]).includes(type)

/**
 * Add one record to the index; true when something worth persisting changed. `now` is
 * when this peer indexes the block, i.e. first sees it (the node indexes blocks as they arrive).
 */
export function indexRecord (index: LogIndex, seq: number, r: Record<string, unknown>, now = Date.now()): boolean {
  const future = Number(r.ts) > now && noteSeen(index, seq, now)
  return indexFields(index, seq, r) || future
}

/** Record that block `seq`, dated in the future, was first seen at `now`. */
function noteSeen (index: LogIndex, seq: number, now: number): boolean {
  const last = index.seen[index.seen.length - 1]
  // Extending the last bound to `now` loosens its blocks by under SEEN_COALESCE_MS: fine,
  // and a burst of 3,000 future-dated blocks then costs one pair, not 3,000.
  if (last !== undefined && now - last[1] < SEEN_COALESCE_MS) {
    last[0] = seq + 1
    last[1] = Math.max(last[1], now)
  } else {
    index.seen.push([seq + 1, now])
  }
  if (index.seen.length > MAX_SEEN_BOUNDS) index.seen.shift()
  return true
}

/**
 * Latest time block `seq` may be placed at on this peer: when this peer first indexed it
 * (an upper bound of when it arrived), or Infinity when that bound is not needed (the block
 * was not dated in the future when indexed) or not known yet (not indexed: the caller then
 * bounds it by its own clock). A block's place is min(its ts, seenBound).
 *
 * Why the first bound at or after the block is right: bounds are recorded in block order
 * at increasing times, so a bound after the block was taken no earlier than the block was
 * seen; a block not dated in the future had ts <= its own indexing time <= that bound.
 */
export function seenBound (index: LogIndex, seq: number): number {
  if (seq >= index.scanned) return Infinity
  const seen = index.seen
  let lo = 0
  let hi = seen.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (seen[mid][0] > seq) hi = mid
    else lo = mid + 1
  }
  return lo < seen.length ? seen[lo][1] : Infinity
}

function indexFields (index: LogIndex, seq: number, r: Record<string, unknown>): boolean {
  // A hostile client may write decreasing timestamps to slip a moderation record in before
  // its revocation; clamping keeps each log's records in their written order.
  index.lastTs = Math.max(index.lastTs, Number(r.ts) || 0)
  if (r.type === 'nick') {
    index.name = String(r.name)
    return true
  }
  if (isPositionType(r.type)) return indexPosition(index, r.type, seq)
  // Capped so a member writing mod records in a loop cannot grow everyone's index forever.
  if ((r.type !== 'mod' && r.type !== 'room-setting' && r.type !== 'rekey') || index.mods.length >= MAX_INDEXED_MODS) return false
  if (r.type === 'room-setting') {
    index.mods.push({ seq, ts: index.lastTs, action: 'expire', target: String(r.expire) })
    return true
  }
  if (r.type === 'rekey') {
    index.mods.push({ seq, ts: index.lastTs, action: 'rekey', target: `${String(r.next)}/${Number(r.part)}/${Number(r.parts)}` })
    return true
  }
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

function indexPosition (index: LogIndex, type: PositionType, seq: number): boolean {
  if (index.cappedAt[type] !== undefined) return false
  const list = index.positions[type] ?? []
  index.positions[type] = list
  if (list.length >= MAX_INDEXED_POSITIONS) index.cappedAt[type] = seq
  else list.push(seq)
  return true
}

/** Where records of some types are: `seqs` (ascending) below `upTo`; when `capped`, blocks from `upTo` on must be read. */
export interface Positions { seqs: number[], upTo: number, capped: boolean }

/** The positions an index knows of records of `types`. */
export function positionsIn (index: LogIndex, types: readonly PositionType[]): Positions {
  const caps = types.map((t) => index.cappedAt[t]).filter((x): x is number => x !== undefined)
  const upTo = caps.length > 0 ? Math.min(...caps) : index.scanned
  const seqs = types.flatMap((t) => index.positions[t] ?? []).filter((s) => s < upTo).sort((a, b) => a - b)
  return { seqs, upTo, capped: caps.length > 0 }
}
