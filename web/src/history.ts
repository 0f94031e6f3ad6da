/**
 * The page's window on the room's timeline (docs/protocol.md §17 `history`): the latest
 * page, asked again on each `update`, and the older pages the person scrolled back to,
 * merged into one list in timeline order. The host answers requests in order, so the
 * page knows which request an `items` answer is for from a queue of what it asked.
 */
import type { PhoneMessage } from '../../src/phone/index.js'
import type { Item } from './session.js'

/** Items asked for the latest page, and for each older page. */
export const PAGE_ITEMS = 100
/** Most items the page keeps: scrolling back further drops nothing shown before, but stops. */
export const MAX_KEPT = 2_000

type Ask = 'latest' | 'older'

/** Timeline order (§4): ts, then core key, then block number. */
function before (a: Item, b: Item): number {
  return a.ts - b.ts || (a.core < b.core ? -1 : a.core > b.core ? 1 : 0) || a.seq - b.seq
}

export class HistoryWindow {
  private latest: Item[] = []
  private older: Item[] = []
  private readonly asked: Ask[] = []
  private reading: Item[] = []
  private latestAgain = false
  /** False once an older page came back empty: the start of the room is shown. */
  moreBefore = true
  /** The room's expiry as the host last said (§17): seconds (0: off), and the host's horizon in ms. */
  expiry = { expire: 0, horizon: -Infinity }

  /** The request for the latest page, or null when one is on its way (it is asked again after). */
  askLatest (): PhoneMessage | null {
    if (this.asked.includes('latest')) {
      this.latestAgain = true
      return null
    }
    this.asked.push('latest')
    return { t: 'history', limit: PAGE_ITEMS }
  }

  /** The request for the page before the oldest item shown, or null when none is due. */
  askOlder (): PhoneMessage | null {
    const first = this.all()[0]
    if (!this.moreBefore || this.asked.includes('older') || first === undefined || this.count() >= MAX_KEPT) return null
    this.asked.push('older')
    return { t: 'history', limit: PAGE_ITEMS, before: { ts: first.ts, core: first.core, seq: first.seq } }
  }

  /**
   * One `items` frame. On the last frame of an answer, returns which request it answered,
   * its items, and whether the latest page must be asked again; else null.
   */
  take (m: PhoneMessage): { ask: Ask, items: Item[], again: boolean } | null {
    if (Array.isArray(m.items)) this.reading.push(...(m.items as Item[]))
    if (m.last !== true) return null
    const items = this.reading
    this.reading = []
    this.noteExpiry(m)
    const ask = this.asked.shift() ?? 'latest'
    if (ask === 'older') {
      // A short page reached the start of the room (a page cut by skipped blocks says so with a marker).
      if (items.length < PAGE_ITEMS && !items.some((i) => i.type === 'skipped')) this.moreBefore = false
      this.older = [...items, ...this.older]
      return { ask, items, again: false }
    }
    this.latest = items
    // A first page that is not full is the whole room.
    if (this.older.length === 0 && items.length < PAGE_ITEMS && !items.some((i) => i.type === 'skipped')) this.moreBefore = false
    const again = this.latestAgain
    this.latestAgain = false
    return { ask, items, again }
  }

  /** Every item kept, oldest first, each once; nothing older than the room's expiry horizon. */
  all (): Item[] {
    const byId = new Map<string, Item>()
    for (const item of [...this.older, ...this.latest]) if (item.ts >= this.expiry.horizon) byId.set(item.id, item)
    return [...byId.values()].sort(before)
  }

  /** Keep what the last frame of an answer says of the room's expiry (hosts before it say nothing: off). */
  private noteExpiry (m: PhoneMessage): void {
    const expire = typeof m.expire === 'number' && Number.isSafeInteger(m.expire) && m.expire > 0 ? m.expire : 0
    const horizon = expire > 0 && typeof m.horizon === 'number' && Number.isFinite(m.horizon) ? m.horizon : -Infinity
    this.expiry = { expire, horizon }
    if (expire > 0) this.older = this.older.filter((i) => i.ts >= horizon)
  }

  private count (): number {
    return this.older.length + this.latest.length
  }
}
