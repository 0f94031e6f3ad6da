/**
 * SIGTERM to the running terminal app (issue 18, item 5): the app closes its node as on
 * /quit, so the process exits, the control socket is removed and the store is let go,
 * and a one-shot command on the same home then opens the store itself at once.
 *
 * The app runs in tmux inside a namespace host (its LAN beacons stay off this machine's
 * interfaces), as in tmux.test.ts; the one-shot commands run in the root namespace.
 */
import t from 'tap'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { cli } from '../helpers/cli.js'
import { createLan, skipUnlessLan } from '../helpers/lan.js'
import { eventually, tempDir } from '../helpers/peers.js'
import { appCommand, skipUnlessTmux, Tmux } from '../helpers/tmux.js'

/** The pid of the app: the one child of the pane's shell (`ip netns exec` and `env` exec it). */
async function appPid (s: Tmux): Promise<number> {
  const shell = (await s.tmux(['display-message', '-p', '-t', s.target, '#{pane_pid}'])).trim()
  const { stdout } = await promisify(execFile)('pgrep', ['-P', shell])
  const pids = stdout.trim().split('\n').filter(Boolean).map(Number)
  if (pids.length !== 1) throw new Error(`expected one child of the pane's shell ${shell}, found ${pids.join(', ') || 'none'}`)
  return pids[0]
}

t.test('SIGTERM to the running app closes the store and removes the control socket', async (t) => {
  if (!skipUnlessTmux(t) || !skipUnlessLan(t)) return
  const lan = await createLan({ segments: { wifi: ['a'] } })
  t.teardown(() => lan.destroy())
  const home = path.join(tempDir(t), 'awa')
  t.equal((await cli(['--home', home, 'init', '--name', 'Awa'])).code, 0, 'init')
  t.equal((await cli(['--home', home, 'room', 'create', 'atelier'])).code, 0, 'room create')

  const s = await Tmux.start(t, appCommand({ netns: lan.host('a').ns, args: ['--home', home, 'tui', '--lan-only'] }))
  t.ok(await s.waitFor(/\[atelier\]/), 'the app shows the room', { screen: s.last })
  const socket = path.join(home, 'control.sock')
  // The app paints before its control socket listens (the server is loaded after first paint).
  t.ok(await eventually(() => existsSync(socket), 10_000), 'the app serves the control socket')
  const viaApp = await cli(['--home', home, 'send', 'atelier', 'through the app'])
  t.equal(viaApp.code, 0, `send goes through the app's node: ${viaApp.stderr}`)

  process.kill(await appPid(s), 'SIGTERM')
  t.equal(await s.exitCode(), 0, 'the app exits with status 0, as `up` does on SIGTERM')
  t.notOk(existsSync(socket), 'control.sock is gone from the home')

  // A store left open would make this wait for the lock, then fail with HOME_LOCKED.
  const started = Date.now()
  const local = await cli(['--home', home, 'send', 'atelier', 'after the app'])
  t.equal(local.code, 0, `send opens the store itself right after: ${local.stderr}`)
  t.notMatch(local.stderr, /HOME_LOCKED|waiting/, 'without waiting for a lock')
  t.ok(Date.now() - started < 10_000, 'at once')
  const log = await cli(['--home', home, 'log', 'atelier', '--json'])
  const texts = log.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string, text: string }).filter((i) => i.type === 'msg').map((i) => i.text)
  t.same(texts, ['through the app', 'after the app'], 'both messages are in the log')
})
