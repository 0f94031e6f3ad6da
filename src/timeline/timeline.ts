/**
 * The timeline: a merged, ordered view of every member log in a room.
 *
 * Order is by (ts, core key, seq), which every peer computes the same way from the same
 * blocks. Honest writers never let ts go backwards within their log, so each log is
 * already sorted and the timeline is a k-way merge. Paging walks the merge backwards
 * from the tails, so the last screen of a 100k-message room reads about one screen of
 * blocks, not the whole room.
 */
import { sanitizeText, sanitizeName } from '../text/sanitize.js'
import { shortFingerprint } from '../identity/index.js'
import type { Entry, MemberLog } from '../log/member-log.js'
import type { LogRecord } from '../log/records.js'

/** Record types shown in the timeline; the rest (acks, unknown) are skipped. */
const SHOWN = new Set(['binding', 'msg', 'nick', 'doc', 'drill-probe'])

/**
 * Flood limit in views: of another member's records, only the first FLOOD_MAX_PER_WINDOW
 * of each FLOOD_WINDOW_MS window (by the record's ts) are shown. A member writing 10k
 * messages a second cannot bury everyone else; our own log is never limited. Which
 * records are shown depends only on the log, so every peer hides the same ones.
 */
export const FLOOD_WINDOW_MS = 10_000
/** Records of one member shown per window. */
export const FLOOD_MAX_PER_WINDOW = 100

/** A position in the timeline, used as a paging cursor. */
export interface Cursor { ts: number, core: string, seq: number }

/** One line of the timeline, already safe to print. */
export interface TimelineItem {
  /** Stable id: first 16 hex chars of the core key, a dot, the block number. */
  id: string
  /** Short fingerprint of the author's identity. */
  author: string
  authorKey: string
  name: string
  ts: number
  /** 'join' for a binding, else the record type. */
  type: string
  text: string
  core: string
  seq: number
  edited?: boolean
  deleted?: boolean
  /** Hidden by a moderator (shown only with showHidden). */
  moderated?: boolean
}

/** What moderators hid (see src/moderation): message ids, and members removed from view. */
export interface Moderated { hidden: Set<string>, removed: Set<string> }

/** Options of a timeline view. */
export interface TimelineOptions {
  moderation?: Moderated
  /** Include what moderators hid, marked `moderated` (the logs keep it: tamper-evident). */
  showHidden?: boolean
}

/** Compare two cursors in timeline order. */
export function compareCursor (a: Cursor, b: Cursor): number {
  return a.ts - b.ts || (a.core < b.core ? -1 : a.core > b.core ? 1 : 0) || a.seq - b.seq
}

/** Build the stable message id from a log position. */
export function messageId (core: string, seq: number): string {
  return `${core.slice(0, 16)}.${seq}`
}

/** Read the timeline of a set of logs. Cheap to construct; holds no state between calls. */
export class Timeline {
  private readonly logs: MemberLog[]
  /** First block of each (log, window), found by binary search and reused within a call. */
  private readonly windowStart = new Map<string, number>()
  /** Records hidden by the flood limit in the last page read. */
  hidden = 0
  /** Records hidden by moderators in the last page read (0 with showHidden). */
  moderated = 0
  private readonly opts: TimelineOptions

  constructor (logs: MemberLog[], opts: TimelineOptions = {}) {
    this.logs = logs.filter((l) => !l.invalid)
    this.opts = opts
  }

  /** Whether moderators hid this entry (its id, or its author). */
  private isModerated (log: MemberLog, entry: Entry): boolean {
    const m = this.opts.moderation
    if (m === undefined) return false
    return m.hidden.has(messageId(log.key, entry.seq)) || (log.author !== null && m.removed.has(log.author.identity))
  }

  /** The last `limit` shown items strictly before `before` (or the end), oldest first. */
  async page (opts: { limit?: number, before?: Cursor } = {}): Promise<TimelineItem[]> {
    const limit = Math.max(1, Math.min(opts.limit ?? 50, 10_000))
    const heads = await Promise.all(this.logs.map(async (log) => ({ log, seq: await this.lastBefore(log, opts.before) })))
    const current = new Map<MemberLog, Entry | null>()
    for (const h of heads) current.set(h.log, await this.readBack(h.log, h.seq))
    const picked: Entry[] = []
    const folds: Entry[] = []
    this.hidden = 0
    this.moderated = 0
    while (picked.length < limit) {
      const next = this.latest(current)
      if (next === null) break
      current.set(next.log, await this.readBack(next.log, next.entry.seq - 1))
      if (await this.overFloodLimit(next.log, next.entry)) {
        this.hidden++
        continue
      }
      if (this.opts.showHidden !== true && this.isModerated(next.log, next.entry) && SHOWN.has(next.entry.record.type)) {
        this.moderated++
        continue
      }
      if (next.entry.record.type === 'edit' || next.entry.record.type === 'delete') folds.push(next.entry)
      else if (SHOWN.has(next.entry.record.type) && !('unknown' in next.entry.record)) picked.push(next.entry)
    }
    picked.reverse()
    return this.present(picked, folds)
  }

  /** Every shown item, oldest first, in pages (for `log` without a limit). */
  async * all (pageSize = 500): AsyncGenerator<TimelineItem> {
    const pages: TimelineItem[][] = []
    let before: Cursor | undefined
    // Walk backwards page by page, then yield forwards; bounded by the number of blocks.
    for (;;) {
      const page = await this.page({ limit: pageSize, before })
      if (page.length === 0) break
      pages.push(page)
      before = { ts: page[0].ts, core: page[0].core, seq: page[0].seq }
      if (page.length < pageSize) break
    }
    for (let i = pages.length - 1; i >= 0; i--) yield * pages[i]
  }

  /** True when this record is past the flood limit of its window (never for our own log). */
  private async overFloodLimit (log: MemberLog, entry: Entry): Promise<boolean> {
    if (log.core.writable || entry.seq === 0) return false
    const window = Math.floor(entry.record.ts / FLOOD_WINDOW_MS)
    const key = `${log.key}:${window}`
    let first = this.windowStart.get(key)
    if (first === undefined) {
      first = await this.firstAtOrAfter(log, window * FLOOD_WINDOW_MS, entry.seq)
      this.windowStart.set(key, first)
    }
    return entry.seq - first >= FLOOD_MAX_PER_WINDOW
  }

  /** Lowest seq in [1, upTo] whose ts is at least `ts` (binary search on honest, sorted logs). */
  private async firstAtOrAfter (log: MemberLog, ts: number, upTo: number): Promise<number> {
    let lo = 1
    let hi = upTo
    for (let guard = 0; lo < hi && guard < 64; guard++) {
      const mid = (lo + hi) >> 1
      if (await this.tsAt(log, mid) >= ts) hi = mid
      else lo = mid + 1
    }
    return lo
  }

  private latest (current: Map<MemberLog, Entry | null>): { log: MemberLog, entry: Entry } | null {
    let best: { log: MemberLog, entry: Entry } | null = null
    for (const [log, entry] of current) {
      if (entry === null) continue
      if (best === null || compareCursor(cursorOf(entry), cursorOf(best.entry)) > 0) best = { log, entry }
    }
    return best
  }

  /** Read backwards from `seq` to the first valid entry (block 0 is the binding, shown as a join). */
  private async readBack (log: MemberLog, seq: number): Promise<Entry | null> {
    for (let s = seq; s >= 0; s--) {
      const entry = s === 0 ? await this.bindingEntry(log) : await log.read(s)
      if (entry !== null) return entry
    }
    return null
  }

  private async bindingEntry (log: MemberLog): Promise<Entry | null> {
    const author = await log.verifyBinding()
    if (author === null) return null
    const block = await log.core.get(0, { wait: false })
    const ts = block === null ? 0 : Number(JSON.parse(block.toString()).ts) || 0
    return { core: log.key, seq: 0, record: { v: 1, type: 'binding', ts } as LogRecord }
  }

  /** Highest seq in `log` whose position is before the cursor (binary search on ts). */
  private async lastBefore (log: MemberLog, before?: Cursor): Promise<number> {
    const end = log.readable - 1
    if (before === undefined) return end
    let lo = 0
    let hi = end
    let answer = -1
    for (let guard = 0; lo <= hi && guard < 64; guard++) {
      const mid = (lo + hi) >> 1
      const ts = await this.tsAt(log, mid)
      if (compareCursor({ ts, core: log.key, seq: mid }, before) < 0) {
        answer = mid
        lo = mid + 1
      } else {
        hi = mid - 1
      }
    }
    return answer
  }

  private async tsAt (log: MemberLog, seq: number): Promise<number> {
    const block = await log.core.get(seq, { wait: false })
    try {
      return Number(JSON.parse(String(block)).ts) || 0
    } catch {
      return 0
    }
  }

  private async present (entries: Entry[], folds: Entry[]): Promise<TimelineItem[]> {
    const byCore = new Map(this.logs.map((l) => [l.key, l]))
    const names = new Map<string, string>()
    for (const log of this.logs) names.set(log.key, sanitizeName((await log.currentName()) ?? '?'))
    const edits = new Map<string, Entry>()
    for (const f of folds.reverse()) edits.set(`${f.core}.${(f.record as { target: number }).target}`, f)
    return entries.map((e) => {
      const log = byCore.get(e.core) as MemberLog
      const identity = log.author?.identity ?? ''
      const item: TimelineItem = {
        id: messageId(e.core, e.seq),
        author: identity === '' ? '' : shortFingerprint(Buffer.from(identity, 'hex')),
        authorKey: identity,
        name: names.get(e.core) ?? '?',
        ts: e.record.ts,
        type: e.record.type === 'binding' ? 'join' : e.record.type,
        // Only a message body may span lines: a newline in a nickname or a document name
        // would draw a fake timeline line under it.
        text: e.record.type === 'msg' ? sanitizeText(textOf(e.record), { multiline: true }) : e.record.type === 'nick' ? sanitizeName(textOf(e.record)) : sanitizeText(textOf(e.record)),
        core: e.core,
        seq: e.seq
      }
      const fold = edits.get(`${e.core}.${e.seq}`)
      if (fold?.record.type === 'edit') Object.assign(item, { text: sanitizeText((fold.record as { text: string }).text, { multiline: true }), edited: true })
      if (fold?.record.type === 'delete') Object.assign(item, { text: '', deleted: true })
      if (this.isModerated(log, e)) item.moderated = true
      return item
    })
  }
}

function cursorOf (e: Entry): Cursor {
  return { ts: e.record.ts, core: e.core, seq: e.seq }
}

/** The human text of a record, for the timeline. */
function textOf (record: LogRecord): string {
  const r = record as unknown as Record<string, unknown>
  switch (record.type) {
    case 'msg': return String(r.text)
    case 'nick': return String(r.name)
    case 'doc': return `${sanitizeName(String(r.name))} (${Number(r.size)} bytes)`
    case 'drill-probe': return `drill ${String(r.drill)} probe ${Number(r.seq)}`
    default: return ''
  }
}
