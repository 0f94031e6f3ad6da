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
import { rerunning } from '../rerun.js'

/** Most blocks past the prefix read per call (the rest on later calls). */
const PEEK_BUDGET = 2000
/**
 * Most blocks read per call behind the mark (in ranges passed while not held). A late
 * joiner's hole has a setting and a few records behind it; a big sync fills thousands of
 * such blocks that the prefix reaches soon anyway, and reading them all stalled a 20,000
 * block sync for minutes (2.7 ms a read under load, 2,000 per call).
 */
const GAP_BUDGET = 32

/** What a peek needs of a log. */
export interface PeekSource {
  readonly readable: number
  readonly core: { length: number }
  readHere: (seq: number) => Promise<{ record: LogRecord } | null>
  /** The first block at or after `from` held here, or -1. */
  nextHeld: (from: number) => number
}

/** A moderation record found past the prefix, before a ts is given to it. */
type Found = Omit<IndexedMod, 'ts'>

/**
 * The moderation records found past the readable prefix of one log. Blocks arrive in any
 * order: a setting may be fetched after the message behind it. A high-water mark alone
 * missed it (found under CI load: the late joiner never passed the expired hole), and
 * rescanning every held block on each call made a 200,000-block sync crawl (found by the
 * next CI run). So it keeps the mark, plus the ranges it passed that were not held yet;
 * each call reads only blocks not read before, and behind the mark only a few, and only
 * while the prefix stands still.
 */
export class TailPeek {
  private readonly found = new Map<number, IndexedMod>()
  /** The largest ts read on the way forward: what the index gives the records after it. */
  private lastTs = 0
  /** Blocks below this were passed: read if they were held then, else in `gaps`. */
  private upTo = 0
  /** Ranges [start, end) passed while not held: read as their blocks arrive. */
  private gaps: Array<[number, number]> = []
  private prefix = 0
  private answer: IndexedMod[] = []

  /** Read the held blocks past the prefix not read yet; returns the records found past it. */
  async mods (log: PeekSource): Promise<IndexedMod[]> {
    // Behind the mark only while the prefix stands still: a moving prefix (a sync) reaches
    // those blocks anyway, and reading them cost the sync dearly.
    let changed = this.forget(log.readable)
    const gaps: Array<[number, number]> = []
    if (changed) gaps.push(...this.gaps)
    else {
      const behind = { left: GAP_BUDGET }
      for (const [start, end] of this.gaps) changed = await this.scan(log, start, end, behind, gaps, false) || changed
    }
    const from = Math.max(this.prefix, this.upTo)
    const scanned = await this.scan(log, from, Infinity, { left: PEEK_BUDGET }, gaps, true)
    // The forward scan always leaves its open end last: not a gap, the next call scans on from there.
    this.upTo = gaps.pop()?.[0] ?? from
    this.gaps = gaps
    if (scanned || changed) this.answer = [...this.found.values()].sort((a, b) => a.seq - b.seq)
    return this.answer
  }

  /**
   * Read the held blocks of [start, end) within the budget; push the ranges left unread.
   * Returns whether a block was read. A record read on the way forward gets the largest ts
   * so far, as the index gives it (log-index.ts); one read behind the mark gets its own, as
   * the blocks before it that would raise it may not be held (the index corrects it once
   * the prefix passes).
   */
  private async scan (log: PeekSource, start: number, end: number, budget: { left: number }, gaps: Array<[number, number]>, forward: boolean): Promise<boolean> {
    let from = start
    let read = false
    for (let seq = log.nextHeld(start); seq !== -1 && seq < end && budget.left > 0; seq = log.nextHeld(seq + 1)) {
      if (seq > from) gaps.push([from, seq])
      budget.left--
      read = true
      const entry = await log.readHere(seq)
      const r = (entry?.record ?? {}) as unknown as Record<string, unknown>
      const ts = Number(r.ts) || 0
      if (forward) this.lastTs = Math.max(this.lastTs, ts)
      const found = foundIn(seq, r)
      if (found !== null) this.found.set(seq, { ...found, ts: forward ? this.lastTs : ts })
      from = seq + 1
    }
    if (from < end) gaps.push([from, end])
    return read
  }

  /** Drop what the prefix passed (the index has it now); returns whether anything went. */
  private forget (prefix: number): boolean {
    if (prefix <= this.prefix) return false
    this.prefix = prefix
    for (const seq of this.found.keys()) if (seq < prefix) this.found.delete(seq)
    this.gaps = this.gaps.filter(([, end]) => end > prefix).map(([start, end]) => [Math.max(start, prefix), end])
    return true
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

/**
 * One peek per log, its calls one at a time (src/rerun.ts): moderation is asked for many
 * times a second during a sync, and calls that overlapped read the same blocks and undid
 * each other's ranges (1,650 calls in a 16 s sync, 200 ms each).
 */
const peeks = new WeakMap<PeekSource, () => Promise<IndexedMod[]>>()

/** The moderation records `log` holds past its readable prefix (none when it has no blocks there). */
export async function modsPastPrefix (log: PeekSource): Promise<IndexedMod[]> {
  if (log.core.length <= log.readable) return []
  let peek = peeks.get(log)
  if (peek === undefined) {
    const tail = new TailPeek()
    peeks.set(log, peek = rerunning(async () => await tail.mods(log)))
  }
  return await peek()
}
