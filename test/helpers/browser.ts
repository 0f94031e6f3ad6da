/**
 * Debian's Chromium for the phone page tests, driven by playwright-core (browser downloads
 * are blocked here; the launch is shared with the benchmarks, bench/lib/chromium.ts).
 * `missing` says why a test cannot run: prereq.ts skips it, or fails it under CI=true.
 */
import { existsSync } from 'node:fs'
import type { Browser } from 'playwright-core'
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
