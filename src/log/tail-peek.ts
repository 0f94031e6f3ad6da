/**
 * Moderation records held past a log's readable prefix. A peer joining a room whose
 * messages expire gets each log with a hole where the expired blocks were (no honest peer
 * holds them any more): its readable prefix stops at the hole, so the index never reaches
 * the room setting written after it, and without the setting nothing says the hole is for
 * good (src/expiry). So the moderation view also reads the blocks held past the prefix,
 * each once, for `mod` and `room-setting` records; the index takes over once the prefix
 * passes them.
 */
import type { IndexedMod } from './log-index.js'
import type { LogRecord } from './records.js'

/** Most blocks past the prefix read per call (the rest on later calls). */
const PEEK_BUDGET = 2000

/** What a peek needs of a log. */
export interface PeekSource {
  readonly readable: number
  readonly core: { length: number }
  readHere: (seq: number) => Promise<{ record: LogRecord } | null>
  /** The first block at or after `from` held here, or -1. */
  nextHeld: (from: number) => number
}

/** A moderation record found past the prefix, before its place in the log gives it a ts. */
type Found = Omit<IndexedMod, 'ts'>

/**
 * The moderation records found past the readable prefix of one log. Blocks arrive in any
 * order, so it remembers which blocks it read, not how far: a setting fetched after the
 * message behind it is still read (a high-water mark missed it under CI load, and the late
 * joiner never passed the hole).
 */
export class TailPeek {
  private readonly found = new Map<number, Found>()
  /** The ts field of every block read past the prefix (0 if unreadable), by seq. */
  private readonly tsOf = new Map<number, number>()

  /** Read the held blocks past the prefix not read yet; returns the records found past it. */
  async mods (log: PeekSource): Promise<IndexedMod[]> {
    const prefix = log.readable
    for (const seq of this.tsOf.keys()) if (seq < prefix) { this.tsOf.delete(seq); this.found.delete(seq) }
    let budget = PEEK_BUDGET
    for (let seq = log.nextHeld(prefix); seq !== -1 && budget > 0; seq = log.nextHeld(seq + 1)) {
      if (this.tsOf.has(seq)) continue
      budget--
      const entry = await log.readHere(seq)
      const r = (entry?.record ?? {}) as unknown as Record<string, unknown>
      this.tsOf.set(seq, Number(r.ts) || 0)
      const found = foundIn(seq, r)
      if (found !== null) this.found.set(seq, found)
    }
    // The ts the index would give: the largest seen so far in log order (log-index.ts).
    let ts = 0
    const out: IndexedMod[] = []
    for (const seq of [...this.tsOf.keys()].sort((a, b) => a - b)) {
      ts = Math.max(ts, this.tsOf.get(seq) ?? 0)
      const found = this.found.get(seq)
      if (found !== undefined) out.push({ ...found, ts })
    }
    return out
  }
}

/** The moderation record block `seq` holds, as the index would keep it, or null. */
function foundIn (seq: number, r: Record<string, unknown>): Found | null {
  if (r.type === 'room-setting') return { seq, action: 'expire', target: String(r.expire) }
  if (r.type === 'rekey') return { seq, action: 'rekey', target: `${String(r.next)}/${Number(r.part)}/${Number(r.parts)}` }
  if (r.type !== 'mod') return null
  const cutoff = r.cutoff as { core?: unknown, length?: unknown } | undefined
  const pinned = typeof cutoff?.core === 'string' && Number.isSafeInteger(cutoff.length) ? { cutoff: { core: cutoff.core, length: Number(cutoff.length) } } : {}
  return { seq, action: String(r.action), target: String(r.target), ...pinned }
}

const peeks = new WeakMap<PeekSource, TailPeek>()

/** The moderation records `log` holds past its readable prefix (none when it has no blocks there). */
export async function modsPastPrefix (log: PeekSource): Promise<IndexedMod[]> {
  if (log.core.length <= log.readable) return []
  let peek = peeks.get(log)
  if (peek === undefined) peeks.set(log, peek = new TailPeek())
  return await peek.mods(log)
}
