/**
 * Read the rare records of a log (DMs, drill records) that arrived since a cursor, through
 * the log's index (src/log/log-index.ts): one read per such record, not one per block.
 * Shared by src/dm and src/drills, which both poll every second.
 */
import type { PositionType } from './log-index.js'
import type { Entry, MemberLog } from './member-log.js'

/**
 * Visit, in log order, the records of `types` in `log` from block `cursor` on; returns the
 * next cursor. Past an index cap the remaining blocks are read one by one.
 */
export async function readIndexed (log: MemberLog, types: readonly PositionType[], cursor: number, visit: (entry: Entry) => void | Promise<void>): Promise<number> {
  const { seqs, upTo, capped } = await log.positions(types)
  const wanted = new Set<string>(types)
  const take = async (seq: number): Promise<void> => {
    const entry = await log.read(seq)
    if (entry !== null && wanted.has(entry.record.type)) await visit(entry)
  }
  for (const seq of seqs) if (seq >= cursor) await take(seq)
  let next = Math.max(cursor, upTo)
  if (capped) {
    const end = log.readable
    for (let seq = next; seq < end; seq++) await take(seq)
    next = Math.max(next, end)
  }
  return next
}
