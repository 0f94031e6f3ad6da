/**
 * The phone page in real Chromium, timed (issue 20). An init script marks, on the page's
 * own clock (ms since navigation start), when the page made its WebSocket, when it opened,
 * each frame it received and when the first message was painted into `#items`, so a slow
 * open can be split into loading, handshake and history.
 */
import { performance } from 'node:perf_hooks'
import type { BrowserContext, Page } from 'playwright-core'

/** Page-side marks, ms since navigation start; null when the page never got there. */
export interface Marks { wsMade: number | null, wsOpen: number | null, frames: number[], painted: number | null }

/** One timed open: wall time around goto (driver side) and the page's own marks. */
export interface Open { wallMs: number, marks: Marks }

export const VIEWPORT = { width: 360, height: 740 }

/** Runs before the page's scripts: wraps WebSocket and watches #items for its first child. */
function markScript (): void {
  const w = window as any
  const marks = { wsMade: null as number | null, wsOpen: null as number | null, frames: [] as number[], painted: null as number | null }
  w.__benchMarks = marks
  const Base = window.WebSocket
  w.WebSocket = class extends Base {
    constructor (url: string | URL, protocols?: string | string[]) {
      super(url, protocols)
      marks.wsMade ??= performance.now()
      this.addEventListener('open', () => { marks.wsOpen ??= performance.now() })
      this.addEventListener('message', () => { if (marks.frames.length < 20) marks.frames.push(performance.now()) })
    }
  }
  const watch = (): void => {
    const items = document.getElementById('items')
    if (items === null) return
    const seen = (): void => { if (marks.painted === null && items.firstElementChild !== null) marks.painted = performance.now() }
    new MutationObserver(seen).observe(items, { childList: true })
    seen()
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', watch)
  else watch()
}

/** A context (its own localStorage) whose pages carry the marks. */
export async function markedContext (browser: { newContext: (o: object) => Promise<BrowserContext> }, locale = 'en-US'): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale })
  await context.addInitScript(markScript)
  return context
}

export async function marksOf (page: Page): Promise<Marks> {
  return await page.evaluate(() => (window as any).__benchMarks as Marks)
}

/** Open `url` in a new page and time it until `selector` is visible; the page is returned open. */
export async function timedOpen (context: BrowserContext, url: string, selector: string, timeoutMs = 30_000): Promise<{ page: Page, wallMs: number }> {
  const page = await context.newPage()
  const t0 = performance.now()
  await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs })
  await page.locator(selector).first().waitFor({ state: 'visible', timeout: timeoutMs })
  return { page, wallMs: performance.now() - t0 }
}

/** A returning phone: a new page on a context that already holds the identity, timed to the first message painted. */
export async function returningOpen (context: BrowserContext, url: string): Promise<Open> {
  const { page, wallMs } = await timedOpen(context, url, '#items li')
  const marks = await marksOf(page)
  await page.close()
  return { wallMs, marks }
}

/** A first visit on a fresh context: to the name form, then from submitting a name to the first message painted. */
export async function firstVisit (context: BrowserContext, url: string, name: string): Promise<{ formMs: number, joinMs: number, marks: Marks, page: Page }> {
  const { page, wallMs } = await timedOpen(context, url, '#name-form')
  await page.fill('#name-input', name)
  const t0 = performance.now()
  await page.click('#name-form button[type=submit]')
  await page.locator('#items li').first().waitFor({ state: 'visible', timeout: 30_000 })
  const joinMs = performance.now() - t0
  return { formMs: wallMs, joinMs, marks: await marksOf(page), page }
}
