/**
 * Debian's Chromium for the phone page tests, driven by playwright-core (browser downloads
 * are blocked here; the launch is shared with the benchmarks, bench/lib/chromium.ts).
 * `missing` says why a test cannot run: prereq.ts skips it, or fails it under CI=true.
 */
import { existsSync } from 'node:fs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { CHROMIUM, launchChromium } from '../../bench/lib/chromium.js'
import { defaultDistDir } from '../../src/web/page.js'

export { CHROMIUM }

/** Why the page cannot be tested here (no Chromium, page not built), or null. */
export function browserMissing (): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium)`
  if (defaultDistDir() === null) return 'web/dist is not built (npm run build:web)'
  return null
}

/** A headless Chromium, closed at teardown. */
export async function launchBrowser (t: any): Promise<Browser> {
  const browser = await launchChromium()
  t.teardown(async () => await browser.close())
  return browser
}

/** A phone-sized screen (360 px wide, as the oldest phones the page targets). */
export const PHONE_VIEWPORT = { width: 360, height: 740 }

/**
 * A new phone (its own browser context: its own localStorage, so its own identity) that
 * opens `url` (with the invite after #) and gives `name` when the page asks it.
 */
export async function joinAsPhone (browser: Browser, url: string, name: string, opts: { locale?: string } = {}): Promise<{ context: BrowserContext, page: Page }> {
  const context = await browser.newContext({ viewport: PHONE_VIEWPORT, locale: opts.locale ?? 'fr-FR' })
  const page = await context.newPage()
  await page.goto(url, { waitUntil: 'load' })
  await page.fill('#name-input', name)
  await page.click('#name-form button[type=submit]')
  return { context, page }
}
