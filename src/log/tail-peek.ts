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

/** The moderation records found past the readable prefix of one log. */
export class TailPeek {
  private readonly found = new Map<number, IndexedMod>()
  /** Blocks below this were peeked (or are in the prefix). */
  private upTo = 0
  private lastTs = 0

  /** Read the held blocks past the prefix not read yet; returns the records found past it. */
  async mods (log: PeekSource): Promise<IndexedMod[]> {
    const prefix = log.readable
    for (const seq of this.found.keys()) if (seq < prefix) this.found.delete(seq)
    let budget = PEEK_BUDGET
    for (let seq = log.nextHeld(Math.max(prefix, this.upTo)); seq !== -1 && budget > 0; seq = log.nextHeld(seq + 1), budget--) {
      this.upTo = seq + 1
      const entry = await log.readHere(seq)
      if (entry === null) continue
      const r = entry.record as unknown as Record<string, unknown>
      this.lastTs = Math.max(this.lastTs, Number(r.ts) || 0)
      if (r.type === 'room-setting') this.found.set(seq, { seq, ts: this.lastTs, action: 'expire', target: String(r.expire) })
      if (r.type === 'rekey') this.found.set(seq, { seq, ts: this.lastTs, action: 'rekey', target: `${String(r.next)}/${Number(r.part)}/${Number(r.parts)}` })
      if (r.type !== 'mod') continue
      const cutoff = r.cutoff as { core?: unknown, length?: unknown } | undefined
      const pinned = typeof cutoff?.core === 'string' && Number.isSafeInteger(cutoff.length) ? { cutoff: { core: cutoff.core, length: Number(cutoff.length) } } : {}
      this.found.set(seq, { seq, ts: this.lastTs, action: String(r.action), target: String(r.target), ...pinned })
    }
    return [...this.found.values()].filter((m) => m.seq >= prefix)
  }
}

const peeks = new WeakMap<PeekSource, TailPeek>()

/** The moderation records `log` holds past its readable prefix (none when it has no blocks there). */
export async function modsPastPrefix (log: PeekSource): Promise<IndexedMod[]> {
  if (log.core.length <= log.readable) return []
  let peek = peeks.get(log)
  if (peek === undefined) peeks.set(log, peek = new TailPeek())
  return await peek.mods(log)
}
