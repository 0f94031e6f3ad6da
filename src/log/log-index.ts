/**
 * What a member log's local index keeps, so views never read a block twice: the current
 * nickname, the moderation records (src/moderation) and where the rare records are
 * (private messages for src/dm, drill records for src/drills, documents for src/documents), so a room of 100,000
 * messages costs those views a read per rare record, not a read per block. The index lives in the core's user data (MemberLog persists it) and is local:
 * never sent, so its shape may change with a new key and one rescan.
 */

/**
 * The user-data key of the index. v3 added the positions of private messages and drill
 * records, v4 those of documents; an index under an older key is ignored and rebuilt once.
 */
export const INDEX_KEY = 'tamtam/index/v4'

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
}

/** An empty index for a log whose binding names `name`. */
export function emptyIndex (name: string): LogIndex {
  return { name, scanned: 1, lastTs: 0, mods: [], positions: {}, cappedAt: {} }
}

/** Whether a parsed JSON value has the shape of an index (else it is rebuilt). */
export function isLogIndex (value: unknown): value is LogIndex {
  const v = value as LogIndex | null
  return typeof v === 'object' && v !== null && Number.isSafeInteger(v.scanned) && Array.isArray(v.mods) &&
    typeof v.positions === 'object' && v.positions !== null && typeof v.cappedAt === 'object' && v.cappedAt !== null
}

const isPositionType = (type: unknown): type is PositionType => (POSITION_TYPES as readonly unknown[]).includes(type)

/** Add one record to the index; true when something worth persisting changed. */
export function indexRecord (index: LogIndex, seq: number, r: Record<string, unknown>): boolean {
  // A hostile client may write decreasing timestamps to slip a moderation record in before
  // its revocation; clamping keeps each log's records in their written order.
  index.lastTs = Math.max(index.lastTs, Number(r.ts) || 0)
  if (r.type === 'nick') {
    index.name = String(r.name)
    return true
  }
  if (isPositionType(r.type)) return indexPosition(index, r.type, seq)
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
