/**
 * Debian's Chromium driven by playwright-core (browser downloads are blocked here), for the
 * phone page's tests and benchmarks alike: test/helpers/browser.ts wraps it for tap.
 */
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

/** Flags that keep a headless Chromium from talking to anything but the page under test. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** A headless Chromium; the caller closes it. */
export async function launchChromium (): Promise<Browser> {
  return await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
}
