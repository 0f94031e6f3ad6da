/**
 * Debian's Chromium for the phone page tests, driven by playwright-core (browser downloads
 * are blocked here). `missing` says why a test cannot run: prereq.ts skips it, or fails
 * it under CI=true.
 */
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'
import { defaultDistDir } from '../../src/web/page.js'

export const CHROMIUM = '/usr/bin/chromium'

/** Why the page cannot be tested here (no Chromium, page not built), or null. */
export function browserMissing (): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium)`
  if (defaultDistDir() === null) return 'web/dist is not built (npm run build:web)'
  return null
}

/** A headless Chromium, closed at teardown. */
export async function launchBrowser (t: any): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  t.teardown(async () => await browser.close())
  return browser
}
