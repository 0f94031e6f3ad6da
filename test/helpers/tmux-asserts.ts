/**
 * Setup and assertions the tmux tests of the app share: a one-shot command that must succeed, and a
 * pane that must come to show something (its screen goes into the report when it does not).
 */
import path from 'node:path'
import { cli } from './cli.js'
import { createLan, type Lan } from './lan.js'
import { tempDir } from './peers.js'
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

/**
 * The setup the two-home app tests share: one LAN segment with hosts a and b, Awa (home a)
 * creates 'atelier' and Moussa (home b) joins it. `beforeJoin` runs on Moussa's home first.
 */
export async function awaAndMoussa (t: any, beforeJoin?: (homeB: string) => Promise<void>): Promise<{ lan: Lan, dir: string, homeA: string, homeB: string }> {
  const lan = await createLan({ segments: { wifi: ['a', 'b'] } })
  t.teardown(() => lan.destroy())
  const dir = tempDir(t)
  const [homeA, homeB] = [path.join(dir, 'awa'), path.join(dir, 'moussa')]
  await tamtamOk(t, homeA, 'init', '--name', 'Awa')
  await tamtamOk(t, homeB, 'init', '--name', 'Moussa')
  if (beforeJoin !== undefined) await beforeJoin(homeB)
  const { invite } = JSON.parse(await tamtamOk(t, homeA, 'room', 'create', 'atelier', '--json')) as { invite: string }
  await tamtamOk(t, homeB, 'room', 'join', invite)
  return { lan, dir, homeA, homeB }
}
