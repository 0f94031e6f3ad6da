/**
 * Assertions the tmux tests of the app share: a one-shot command that must succeed, and a
 * pane that must come to show something (its screen goes into the report when it does not).
 */
import { cli } from './cli.js'
import type { Tmux } from './tmux.js'

/** Run a one-shot command on a home; fails the test with stderr when it does not exit 0. */
export async function tamtamOk (t: any, home: string, ...args: string[]): Promise<string> {
  const r = await cli(['--home', home, ...args])
  t.equal(r.code, 0, `tamtam ${args.slice(0, 3).join(' ')} exits 0`, r.code === 0 ? {} : { stderr: r.stderr })
  return r.stdout
}

/** Assert that the pane comes to match, within `ms`; on failure the screen goes into the report. */
export async function sees (t: any, s: Tmux, until: RegExp | ((screen: string) => boolean), message: string, ms = 10_000): Promise<boolean> {
  const ok = (await s.waitFor(until, ms)) !== null
  t.ok(ok, message, ok ? {} : { screen: s.last })
  return ok
}
