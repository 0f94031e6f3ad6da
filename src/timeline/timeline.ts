/**
 * The timeline: a merged, ordered view of every member log in a room.
 *
 * Order is by (ts, core key, seq), which every peer computes the same way from the same
 * blocks. Honest writers never let ts go backwards within their log, so each log is
 * already sorted and the timeline is a k-way merge. Paging walks the merge backwards
 * from the tails, so the last screen of a 100k-message room reads about one screen of
 * blocks, not the whole room. A record's ts is bounded by when this peer first saw it
 * (placement.ts), and a screen reads a bounded number of blocks it does not show, whatever
 * peers write (SKIP_PER_LOG, SKIP_PER_PAGE).
 */
import { sanitizeText, sanitizeName } from '../text/sanitize.js'
import { shortFingerprint } from '../identity/index.js'
import type { Entry, MemberLog } from '../log/member-log.js'
import type { LogRecord } from '../log/records.js'
import { claimedTs, Placement } from './placement.js'
import { probeOf, removedNames, textOf, type ProbeText } from './record-text.js'

/** Record types shown in the timeline; the rest (acks, unknown) are skipped. */
const SHOWN = new Set(['binding', 'msg', 'nick', 'doc', 'drill-probe', 'rekey'])

/**
 * Flood limit in views: of another member's records, only the first FLOOD_MAX_PER_WINDOW
 * of each FLOOD_WINDOW_MS window (by the record's ts) are shown. A member writing 10k
 * messages a second cannot bury everyone else; our own log is never limited. Which
 * records are shown depends only on the log, so every peer hides the same ones.
 */
export const FLOOD_WINDOW_MS = 10_000
/** Records of one member shown per window. */
export const FLOOD_MAX_PER_WINDOW = 100

/**
 * Blocks one screen may read from one log without showing them (records of an unknown
 * type, acknowledgements, private messages, edits, flood-hidden and malformed blocks).
 * Past it the screen reads no further back in that log and shows a `skipped` marker where
 * it stopped. 200,000 records of an unknown type made `log --limit 20` read them all
 * (7.3 s) and the app draw nothing for 240 s (issue 17, finding 12).
 */
export const SKIP_PER_LOG = 2000
/** Blocks one screen may read without showing them, over all logs; then the screen ends with a marker. */
export const SKIP_PER_PAGE = 8000

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
  /**
   * The author rewrote their log (a Hypercore fork) after this peer held it: what is shown
   * is what this peer first received, and the room is told (protocol §3, "Forks").
   */
  rewrote?: boolean
  /**
   * Only on type `drill-probe`: its number (1-based), the planned total (null if the record
   * does not say), the drill's name, and the drill's id as written (a phone's page names it
   * in its acknowledgement, protocol §17).
   */
  probe?: ProbeText
  /**
   * Only on type `skipped`: the screen read this many blocks of this log without showing
   * them, and stopped reading the log here (older records of it may be missing from the screen).
   */
  skipped?: number
}

/**
 * What moderators hid (see src/moderation): message ids, and members removed from view;
 * with `rekeys`, the key rotations that counted (src/epochs), shown as one "keys changed" line each.
 */
export interface Moderated { hidden: Set<string>, removed: Set<string>, rekeys?: Array<{ id: string }> }

/** Options of a timeline view. */
export interface TimelineOptions {
  moderation?: Moderated
  /** Include what moderators hid, marked `moderated` (the logs keep it: tamper-evident). */
  showHidden?: boolean
  /** This peer's clock now (ms); records are never placed after it. */
  now?: number
  /** The room's expiry horizon (ms, src/expiry): nothing placed before it is shown. */
  horizon?: number
}

/** A `skipped` marker: where a screen stopped reading a log, and how many blocks it skipped there. */
interface Marker { entry: Entry, skipped: number }

/** What one page may still read without showing: per log and in all; and where each log was last read. */
class Budget {
  private readonly perLog = new Map<MemberLog, number>()
  /** The last entry of each log the page went past (a marker goes there). */
  readonly lastSeen = new Map<MemberLog, Entry>()
  /** Logs whose reading stopped for lack of budget while passing over malformed blocks. */
  readonly stopped = new Set<MemberLog>()
  private total = 0
  constructor (private readonly logLimit: number, private readonly pageLimit: number) {}

  /** Count one skipped block of `log`; 'log' or 'page' when a limit is reached. */
  skip (log: MemberLog): 'log' | 'page' | null {
    const n = (this.perLog.get(log) ?? 0) + 1
    this.perLog.set(log, n)
    this.total++
    if (this.total >= this.pageLimit) return 'page'
    return n >= this.logLimit ? 'log' : null
  }

  /** The marker of `log` (blocks skipped since its last marker), or null when it skipped none. */
  marker (log: MemberLog): Marker | null {
    const skipped = this.perLog.get(log) ?? 0
    const entry = this.lastSeen.get(log)
    this.perLog.delete(log)
    return skipped === 0 || entry === undefined ? null : { entry, skipped }
  }

  /** Logs that skipped blocks since their last marker. */
  logs (): MemberLog[] {
    return [...this.perLog.keys()]
  }
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
  /** Whether the last page stopped reading some log early (it holds a `skipped` marker). */
  truncated = false
  /** Blocks the last page read (records, and blocks fetched to search by time). */
  blocksRead = 0
  private readonly opts: TimelineOptions
  private readonly placement: Placement
  /** Records read by readBack, for blocksRead. */
  private recordReads = 0

  constructor (logs: MemberLog[], opts: TimelineOptions = {}) {
    this.logs = logs.filter((l) => !l.invalid)
    this.opts = opts
    this.placement = new Placement(opts.now ?? Date.now())
  }

  /** A rotation's first part that the moderation verdict counts: the one line its rotation gets. */
  private isCountedRekey (log: MemberLog, entry: Entry): boolean {
    const id = messageId(log.key, entry.seq)
    return (entry.record as { part?: number }).part === 0 && (this.opts.moderation?.rekeys ?? []).some((r) => r.id === id)
  }

  /** Whether moderators hid this entry (its id, or its author). */
  private isModerated (log: MemberLog, entry: Entry): boolean {
    const m = this.opts.moderation
    if (m === undefined) return false
    return m.hidden.has(messageId(log.key, entry.seq)) || (log.author !== null && m.removed.has(log.author.identity))
  }

  /**
   * The last `limit` shown items strictly before `before` (or the end), oldest first, with
   * `skipped` markers where the read budget stopped a log. `all()` reads without a budget.
   */
  async page (opts: { limit?: number, before?: Cursor, unbounded?: boolean } = {}): Promise<TimelineItem[]> {
    const limit = Math.max(1, Math.min(opts.limit ?? 50, 10_000))
    const budget = opts.unbounded === true ? new Budget(Infinity, Infinity) : new Budget(SKIP_PER_LOG, SKIP_PER_PAGE)
    const readsBefore = this.reads()
    const current = new Map<MemberLog, Entry | null>()
    for (const log of this.logs) current.set(log, await this.readBack(log, await this.lastBefore(log, opts.before), budget))
    const picked: Entry[] = []
    const markers: Marker[] = []
    const folds: Entry[] = []
    Object.assign(this, { hidden: 0, moderated: 0 })
    while (picked.length < limit) {
      const next = this.latest(current)
      if (next === null || next.entry.record.ts < (this.opts.horizon ?? -Infinity)) break // newest first: the rest expired
      budget.lastSeen.set(next.log, next.entry)
      if (await this.shows(next.log, next.entry, folds)) picked.push(next.entry)
      else if (this.cut(budget.skip(next.log), next.log, budget, current, markers) === 'page') break
      if (current.get(next.log) !== null) current.set(next.log, await this.readBack(next.log, next.entry.seq - 1, budget))
    }
    // A log whose readBack ran out of budget on malformed blocks is cut here too.
    for (const log of budget.stopped) this.cut('log', log, budget, current, markers)
    this.truncated = markers.length > 0
    this.blocksRead = this.reads() - readsBefore
    const items = [...picked.map((entry) => ({ entry, skipped: 0 })), ...markers]
    items.sort((x, y) => compareCursor(cursorOf(x.entry), cursorOf(y.entry)) || x.skipped - y.skipped)
    return await this.present(items, folds)
  }

  /**
   * Act on a budget verdict: over the log's budget, stop reading that log on this page
   * (a marker where it stopped); over the page's, stop every log (a marker for each that skipped).
   */
  private cut (over: 'log' | 'page' | null, log: MemberLog, budget: Budget, current: Map<MemberLog, Entry | null>, markers: Marker[]): 'log' | 'page' | null {
    const stopped = over === 'page' ? budget.logs() : over === 'log' ? [log] : []
    for (const l of stopped) {
      current.set(l, null)
      const marker = budget.marker(l)
      if (marker !== null) markers.push(marker)
    }
    return over
  }

  /** Whether an entry is shown; counts it as flood-hidden or moderated, and keeps edits and deletes to fold. */
  private async shows (log: MemberLog, entry: Entry, folds: Entry[]): Promise<boolean> {
    const type = entry.record.type
    const visible = SHOWN.has(type) && !('unknown' in entry.record) && (type !== 'rekey' || this.isCountedRekey(log, entry))
    // Records no view shows cost no flood search: only what could be shown or folded is limited.
    if (!visible && type !== 'edit' && type !== 'delete') return false
    if (await this.overFloodLimit(log, entry)) {
      this.hidden++
      return false
    }
    if (this.opts.showHidden !== true && visible && this.isModerated(log, entry)) {
      this.moderated++
      return false
    }
    if (!visible) folds.push(entry)
    return visible
  }

  private reads (): number {
    return this.placement.gets + this.recordReads
  }

  /** Every shown item, oldest first, in pages (for `log` without a limit: no read budget). */
  async * all (pageSize = 500): AsyncGenerator<TimelineItem> {
    const pages: TimelineItem[][] = []
    let before: Cursor | undefined
    // Walk backwards page by page, then yield forwards; bounded by the number of blocks.
    for (;;) {
      const page = await this.page({ limit: pageSize, before, unbounded: true })
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
    // entry.record.ts is the record's place (placement.ts), so a future date moves no window.
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
      if (await this.placement.at(log, mid) >= ts) hi = mid
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

  /**
   * Read backwards from `seq` to the first valid entry (block 0 is the binding, shown as a
   * join), placed in time. Malformed blocks passed over count against the budget; when it
   * runs out, the log is not read further on this page.
   */
  private async readBack (log: MemberLog, seq: number, budget: Budget): Promise<Entry | null> {
    const swept = log.expiredTo // below it, all is older than the horizon (src/expiry/sweep.ts)
    for (let s = seq; s >= 0; s--) {
      if (s > 0 && s < swept && this.opts.horizon !== undefined) return null
      this.recordReads++
      const entry = s === 0 ? await this.bindingEntry(log) : await log.read(s)
      if (entry !== null) return { ...entry, record: { ...entry.record, ts: await this.placement.place(log, s, claimedTs(entry.record.ts)) } as LogRecord }
      if (s < swept) continue // cleared by expiry on purpose: not a bad block
      // Out of budget: stop here; the page puts this log's marker where it was last read.
      if (s > 0 && budget.skip(log) !== null) {
        budget.stopped.add(log)
        if (!budget.lastSeen.has(log)) budget.lastSeen.set(log, { core: log.key, seq: s, record: { v: 1, type: '', ts: await this.placement.at(log, s), unknown: true } })
        return null
      }
    }
    return null
  }

  private async bindingEntry (log: MemberLog): Promise<Entry | null> {
    const author = await log.verifyBinding()
    if (author === null) return null
    const block = await log.core.get(0, { wait: false })
    let ts = 0
    try {
      ts = claimedTs(JSON.parse(String(block)).ts)
    } catch {}
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
      const ts = await this.placement.at(log, mid)
      if (compareCursor({ ts, core: log.key, seq: mid }, before) < 0) {
        answer = mid
        lo = mid + 1
      } else {
        hi = mid - 1
      }
    }
    return answer
  }

  private async present (entries: Marker[], folds: Entry[]): Promise<TimelineItem[]> {
    const byCore = new Map(this.logs.map((l) => [l.key, l]))
    const names = new Map<string, string>()
    for (const log of this.logs) names.set(log.key, sanitizeName((await log.currentName()) ?? '?'))
    const edits = new Map<string, Entry>()
    for (const f of folds.reverse()) edits.set(`${f.core}.${(f.record as { target: number }).target}`, f)
    return entries.map(({ entry: e, skipped }) => {
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
      if (skipped > 0) return { ...item, id: `skipped:${item.id}`, type: 'skipped', text: '', skipped }
      if (e.record.type === 'drill-probe') item.probe = probeOf(e.record)
      if (e.record.type === 'rekey') item.text = removedNames(e.record, this.logs, names)
      const fold = edits.get(`${e.core}.${e.seq}`)
      if (fold?.record.type === 'edit') Object.assign(item, { text: sanitizeText((fold.record as { text: string }).text, { multiline: true }), edited: true })
      if (fold?.record.type === 'delete') Object.assign(item, { text: '', deleted: true })
      if (this.isModerated(log, e)) item.moderated = true
      if (log.forked !== null) item.rewrote = true
      return item
    })
  }
}

function cursorOf (e: Entry): Cursor {
  return { ts: e.record.ts, core: e.core, seq: e.seq }
}
