/**
 * A drill in the real terminal app (tmux), two apps on one LAN segment: A types /drill,
 * the panel shows on both screens, B's node acknowledges and says so, A's panel reaches
 * 1/1, and /drill report writes a file. Runs the built app (dist/), as tmux.test.ts does.
 */
import t from 'tap'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { skipUnlessLan } from '../helpers/lan.js'
import { appCommand, skipUnlessTmux, Tmux } from '../helpers/tmux.js'
import { awaAndMoussa, sees } from '../helpers/tmux-asserts.js'

t.test('/drill in two apps on a LAN: panel on both, B acknowledges, A sees 1/1, report written', async (t) => {
  if (!skipUnlessTmux(t) || !skipUnlessLan(t)) return
  const { lan, dir, homeA, homeB } = await awaAndMoussa(t)
  const app = async (host: string, home: string): Promise<Tmux> => await Tmux.start(t, appCommand({ netns: lan.host(host).ns, args: ['--home', home, 'tui', '--lan-only', '--announce-interval', '200'] }))
  const [a, b] = [await app('a', homeA), await app('b', homeB)]
  if (!await sees(t, a, /LAN peers: 1/, 'A finds B', 15_000) || !await sees(t, b, /LAN peers: 1/, 'B finds A', 15_000)) return

  await a.line('/drill Essai --probes 2 --interval 1s --duration 30s')
  if (!await sees(t, a, /Drill “Essai” started \([0-9a-f]{12}\)/, 'A is told the drill started, with its id')) return
  await sees(t, a, /Drill Essai \([0-9a-f]{12}\): probe/, 'A shows the drill panel')
  await sees(t, b, /Drill probe received in atelier/, 'B is told its node acknowledged a probe')
  await sees(t, b, /Drill Essai \([0-9a-f]{12}\): probe/, 'B shows the panel of a drill someone else started')
  await sees(t, a, /reached 1\/1[\s\S]*everyone reached/, 'A\'s panel reaches 1/1', 15_000)
  t.match(a.last, /[▁▂▃▄▅▆▇█]{5,} \d+ s/, 'with a reach chart')

  const file = path.join(dir, 'essai.md')
  await a.line(`/drill report ${file}`)
  await sees(t, a, /Drill report \(md\) written to/, 'A writes the report where asked')
  t.ok(existsSync(file), 'the file is there')
  await a.keys('C-c')
  await b.keys('C-c')
  t.equal(await a.exitCode(), 0, 'A exits with status 0')
  t.equal(await b.exitCode(), 0, 'B exits with status 0')
})
