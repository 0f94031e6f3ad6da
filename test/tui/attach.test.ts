/**
 * The app attaches to a running node (issue 23, item 1): with `tamtam up` running on a
 * home, plain `tamtam` on the same home does not fail with HOME_LOCKED; it shows the room,
 * a message sent by a one-shot command arrives live on screen, a message typed in the app
 * is stored by the node, and when the node stops the app closes and says why.
 *
 * The node runs as in test/cli/control-socket.test.ts (--lan-only, in this namespace); the
 * attached app runs no network of its own.
 */
import t from 'tap'
import path from 'node:path'
import { cli, start } from '../helpers/cli.js'
import { eventually, tempDir } from '../helpers/peers.js'
import { appCommand, skipUnlessTmux, Tmux } from '../helpers/tmux.js'

const texts = (stdout: string): string[] => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string, text: string }).filter((i) => i.type === 'msg').map((i) => i.text)

t.test('the app attaches to `tamtam up` on the same home, live both ways', async (t) => {
  if (!skipUnlessTmux(t)) return
  const home = path.join(tempDir(t), 'awa')
  t.equal((await cli(['--home', home, 'init', '--name', 'Awa'])).code, 0, 'init')
  t.equal((await cli(['--home', home, 'room', 'create', 'atelier'])).code, 0, 'room create')
  t.equal((await cli(['--home', home, 'send', 'atelier', 'before the app'])).code, 0, 'a first message')
  const node = await start(t, ['--home', home, 'up', '--lan-only'], /tamtam is up/)

  // The guide's way: plain `tamtam` on the home, with a network flag the node already decided.
  const s = await Tmux.start(t, appCommand({ args: ['--home', home, '--lan-only', '--port', '7000'] }))
  const first = await s.waitFor(/attached to the node \(tamtam up\)/)
  t.ok(first, 'the status bar says the app is attached', { screen: s.last })
  t.notMatch(s.last, /HOME_LOCKED/, 'no HOME_LOCKED')
  t.ok(await s.waitFor(/\[atelier\]/), 'the app shows the room', { screen: s.last })
  t.ok(await s.waitFor(/before the app/), 'and its timeline', { screen: s.last })
  t.ok(await s.waitFor(/Attached to the node already[\s\S]*so --lan-only[\s\S]*--port 7000/), 'and says the typed network flags are the node\'s to decide', { screen: s.last })

  const sent = await cli(['--home', home, 'send', 'atelier', 'live from the CLI'])
  t.equal(sent.code, 0, `a one-shot send goes through the node: ${sent.stderr}`)
  t.ok(await s.waitFor(/live from the CLI/, 5000), 'the message arrives on screen live (event stream)', { screen: s.last })

  await s.line('typed in the app')
  t.ok(await eventually(async () => texts((await cli(['--home', home, 'log', 'atelier', '--json'])).stdout).includes('typed in the app'), 10_000), 'the node stored the message typed in the app')
  t.ok(await s.waitFor(/Awa.*typed in the app/), 'and the app shows it as sent', { screen: s.last })

  await s.line('/members')
  await s.line('/quit')
  t.equal(await s.exitCode(), 0, '/quit leaves the app with status 0')
  t.equal(node.child.exitCode, null, 'and leaves the node running')
  const after = await cli(['--home', home, 'send', 'atelier', 'node still up'])
  t.equal(after.code, 0, `the node still answers: ${after.stderr}`)

  // Again, then stop the node under the app.
  const again = await Tmux.start(t, appCommand({ args: ['--home', home] }))
  t.ok(await again.waitFor(/node still up/), 'a second app attaches too', { screen: again.last })
  node.child.kill('SIGTERM')
  t.equal(await node.exited, 0, 'the node stops cleanly with an app attached')
  t.equal(await again.exitCode(), 1, 'the app closes with status 1 when its node stops')
  t.match(again.last, /NODE_NOT_RUNNING/, 'with a stable code')
  t.match(again.last, /attached to \(tamtam up\) has\s+stopped/, 'and says why', { screen: again.last })
})
