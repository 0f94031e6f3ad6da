/**
 * Where a record sits in time, on this peer: its `ts`, but never later than when this peer
 * first saw its block (protocol.md §4, "Placement"). A member who dates records an hour
 * ahead used to have them shown after every honest message, and spread over as many flood
 * windows as they liked (issue 17, finding 11). Our own log is placed by its `ts`, which
 * our clock wrote.
 */
import type { MemberLog } from '../log/member-log.js'
import { MAX_TS } from '../log/records.js'

/** A claimed `ts` as a number a view can sort on: anything else (a bad block) counts as 0. */
export function claimedTs (value: unknown): number {
  const ts = Number(value)
  return Number.isFinite(ts) && ts >= 0 ? Math.min(Math.floor(ts), MAX_TS) : 0
}

/** Places blocks in time for one view; `now` is fixed so a view's pages agree with each other. */
export class Placement {
  readonly now: number
  /** Blocks fetched to learn a place (counted for the view's read budget). */
  gets = 0

  constructor (now: number) {
    this.now = now
  }

  /** The place of block `seq` of `log` whose record claims `ts`. */
  async place (log: MemberLog, seq: number, ts: number): Promise<number> {
    // Block 0 (the binding) is not in the index: it is never placed after block 1. The
    // same rule for every log, ours included, so every peer places a join alike.
    if (seq === 0 && log.readable > 1) ts = Math.min(ts, await this.at(log, 1))
    if (log.core.writable) return ts
    return Math.min(ts, this.now, await log.seenBound(seq))
  }

  /** The place of block `seq`, read straight from the block (binary searches: no schema check needed). */
  async at (log: MemberLog, seq: number): Promise<number> {
    this.gets++
    const block = await log.core.get(seq, { wait: false })
    let ts = 0
    try {
      ts = claimedTs(JSON.parse(String(block)).ts)
    } catch {}
    return await this.place(log, seq, ts)
  }
}
