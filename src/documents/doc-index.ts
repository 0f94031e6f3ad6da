/**
 * The documents announced in one room: every `doc` record of every bound member log,
 * found through each log's index of rare records (src/log/log-index.ts), then only in new
 * blocks: a room of 100,000 messages costs a read per document, not per block.
 */
import { readIndexed } from '../log/indexed-read.js'
import type { MemberLog } from '../log/member-log.js'
import type { RoomLogs } from '../log/room-logs.js'
import { fail } from '../errors/index.js'
import { sanitizeText } from '../text/sanitize.js'
import { docFromEntry, type DocEntry } from './record.js'

/** A document and who announced it. */
export interface IndexedDoc { doc: DocEntry, log: MemberLog }

/** The documents of one room. */
export class DocIndex {
  readonly logs: RoomLogs
  private readonly scanned = new Map<string, number>()
  private readonly docs = new Map<string, IndexedDoc>()
  private refreshing: Promise<IndexedDoc[]> | null = null

  constructor (logs: RoomLogs) {
    this.logs = logs
  }

  /** Scan new blocks of every log; returns the documents found by this pass. */
  async refresh (): Promise<IndexedDoc[]> {
    // One pass at a time; a caller arriving during a pass waits for it and then runs its own.
    const previous = this.refreshing ?? Promise.resolve([])
    const run = previous.catch(() => []).then(async () => await this.scanAll())
    this.refreshing = run
    try {
      return await run
    } finally {
      if (this.refreshing === run) this.refreshing = null
    }
  }

  private async scanAll (): Promise<IndexedDoc[]> {
    const found: IndexedDoc[] = []
    for (const log of this.logs.list()) found.push(...await this.scan(log))
    return found
  }

  private async scan (log: MemberLog): Promise<IndexedDoc[]> {
    if (await log.verifyBinding() === null) return []
    const found: IndexedDoc[] = []
    const next = await readIndexed(log, ['doc'], this.scanned.get(log.key) ?? 1, (entry) => {
      if ('unknown' in entry.record) return
      const item = { doc: docFromEntry(entry), log }
      this.docs.set(item.doc.id, item)
      found.push(item)
    })
    this.scanned.set(log.key, Math.max(next, this.scanned.get(log.key) ?? 1))
    return found
  }

  /** Every document known, oldest first (by author time, then id); none whose announcement expired (src/expiry). */
  list (): IndexedDoc[] {
    this.dropExpired()
    return [...this.docs.values()].sort((a, b) => a.doc.ts - b.doc.ts || (a.doc.id < b.doc.id ? -1 : a.doc.id > b.doc.id ? 1 : 0))
  }

  /** Forget documents whose announcement expired: below their log's expiry mark (src/expiry). */
  private dropExpired (): void {
    for (const [id, item] of this.docs) if (item.doc.seq < item.log.expiredTo) this.docs.delete(id)
  }

  /** The document with this id, or the only one whose id starts with it; null when none. */
  find (query: string): IndexedDoc | null {
    const q = String(query ?? '').trim().toLowerCase()
    this.dropExpired()
    const exact = this.docs.get(q)
    if (exact !== undefined) return exact
    if (q.length < 4) return null
    const matches = [...this.docs.values()].filter((d) => d.doc.id.startsWith(q))
    if (matches.length > 1) throw fail('DOC_AMBIGUOUS', `"${sanitizeText(q)}" matches ${matches.length} documents`)
    return matches[0] ?? null
  }
}
