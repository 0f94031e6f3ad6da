/**
 * What a facilitator sees while a drill runs from the command line: one progress line
 * updated in place on a terminal, a few lines in a log, `--detach` leaving the drill to the
 * running node (and saying what it needs when none runs), and `drill sim -o FILE` with
 * translated, compact progress whose counters never go back.
 */
import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { drillProgress } from '../../cli/drills.js'
import { loadLang, translator } from '../../src/i18n/index.js'
import { cli, start } from '../helpers/cli.js'
import { eventually, tempDir } from '../helpers/peers.js'

/** A stream that keeps what is written, and says whether it is a terminal. */
function stream (isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = { isTTY, text: '', write (chunk: string) { s.text += chunk; return true } }
  return s as unknown as NodeJS.WriteStream & { text: string }
}

const event = (i: number, reached: number): Record<string, unknown> => ({ event: 'drill', drill: 'd', sent: Math.min(6, 1 + Math.floor(i / 30)), planned: 6, reached, total: 5, missing: 5 - reached, elapsedMs: i * 1000, durationMs: 300_000 })

t.test('drill start progress: one line in place on a terminal, a few lines in a log', async (t) => {
  await loadLang('fr')
  const fr = translator('fr')
  const events = [
    { event: 'drill-started', drill: 'd', room: 'atelier', probes: 6, intervalMs: 30_000, durationMs: 300_000 },
    // 300 seconds of a drill, one event a second, reach growing three times
    ...Array.from({ length: 300 }, (_, i) => event(i, i < 2 ? 0 : i < 60 ? 4 : 5)),
    { event: 'drill-end', drill: 'd', elapsedMs: 300_000 }
  ]
  const tty = stream(true)
  const onTty = drillProgress(false, fr, tty)
  for (const e of events) onTty(e)
  t.equal(tty.text.split('\n').length, 3, 'a terminal gets the start line, one live line and the final newline')
  t.match(tty.text, /^\r\x1b\[2Kexercice d lancé dans atelier : 6 sondes, toutes les 30 s, suivi pendant 5 min\. Ctrl-C arrête seulement le suivi/, 'the start line, in French')
  t.match(tty.text, /\r\x1b\[2Kexercice : sonde 6\/6 · atteints 5\/5 · pas encore atteints 0 · 4 min 59 s sur 5 min\n$/, 'the last state ends with a newline, so the result starts on its own line')

  const log = stream(false)
  const onLog = drillProgress(false, fr, log)
  for (const e of events) onLog(e)
  const lines = log.text.trim().split('\n')
  t.ok(lines.length >= 5 && lines.length <= 20, `a log gets ${lines.length} lines, not 300`)
  t.notMatch(log.text, /\r|\x1b/, 'and no terminal codes')
  t.match(lines[lines.length - 1], /sonde 6\/6 · atteints 5\/5/, 'the last state is there')
})

t.test('drill start --detach with no node running says what it needs', async (t) => {
  const home = ['--home', path.join(tempDir(t), 'awa')]
  t.equal((await cli([...home, 'init', '--name', 'Awa'])).code, 0)
  t.equal((await cli([...home, 'room', 'create', 'atelier'])).code, 0)
  const en = await cli([...home, 'drill', 'start', 'atelier', '--detach'])
  t.equal(en.code, 1, 'exit 1')
  t.match(en.stderr, /NODE_NOT_RUNNING.*--detach leaves the drill to the running node.*tamtam up --lan-only --port 7000/s, en.stderr.trim())
  const fr = await cli([...home, '--lang', 'fr', 'drill', 'start', 'atelier', '--detach'])
  t.match(fr.stderr, /--detach confie l'exercice au nœud en marche.*tamtam up --lan-only --port 7000/s, fr.stderr.trim())
})

t.test('with a node running, --detach returns at once and the node sends the probes; without it, progress then the summary', async (t) => {
  const home = path.join(tempDir(t), 'fac')
  t.equal((await cli(['--home', home, 'init', '--name', 'Fac'])).code, 0)
  t.equal((await cli(['--home', home, 'room', 'create', 'atelier'])).code, 0)
  await start(t, ['--home', home, 'up', '--lan-only'], /tamtam is up/)

  const began = Date.now()
  const detached = await cli(['--home', home, '--lang', 'fr', 'drill', 'start', 'atelier', '--name', 'Coupure J1', '--probes', '3', '--interval', '1s', '--duration', '10s', '--detach'])
  t.equal(detached.code, 0, `drill start --detach: ${detached.stderr}`)
  t.ok(Date.now() - began < 8000, 'it returns before the drill is over')
  t.match(detached.stdout, /exercice [0-9a-f]{12} lancé dans atelier/, 'and says the drill started, in French')
  const probes = async (): Promise<number> => JSON.parse((await cli(['--home', home, '--json', 'drill', 'list', 'atelier'])).stdout)[0]?.probes ?? 0
  t.ok(await eventually(async () => await probes() === 3, 15_000, 500), 'the node sent all 3 probes after the command returned')

  const log = await cli(['--home', home, '--lang', 'fr', 'log', 'atelier'])
  t.match(log.stdout, /sonde 1\/3 \(Coupure J1\)/, 'the chat shows "sonde 1/3 (Coupure J1)"')
  t.notMatch(log.stdout, /drill [0-9a-f]{12} probe/, 'not the drill id and an English "probe"')

  const followed = await cli(['--home', home, '--lang', 'fr', 'drill', 'start', 'atelier', '--probes', '2', '--interval', '500ms', '--duration', '3s'])
  t.equal(followed.code, 0, followed.stderr)
  const lines = followed.stderr.trim().split('\n')
  t.match(lines[0], /^exercice [0-9a-f]{12} lancé dans atelier : 2 sondes/, 'stderr (not a terminal here) starts with the start line')
  t.ok(lines.length <= 6, `then a few progress lines (${lines.length} in all)`)
  t.match(followed.stdout, /la moitié en moins de/, 'the summary in words, on stdout')
})

t.test('drill sim -o simulation.html: a French report, the facilitator named in French, compact progress that never counts back', async (t) => {
  const dir = tempDir(t)
  const file = path.join(dir, 'simulation.html')
  const r = await cli(['--home', path.join(dir, 'h'), '--lang', 'fr', 'drill', 'sim', '--peers', '6', '--degree', '2', '--probes', '2', '--interval', '500ms', '-o', file], { timeout: 120_000 })
  t.equal(r.code, 0, r.stderr)
  t.ok(existsSync(file), 'the report is written where -o says')
  const html = readFileSync(file, 'utf8')
  t.match(html, '<html lang="fr">')
  t.match(html, /<dt>Animateur<\/dt><dd>Animateur \(/, 'the facilitator is "Animateur"')
  t.notMatch(html, /Facilitator/)
  t.match(r.stdout, /rapport écrit dans .*simulation\.html \(html,/, 'stdout says where')
  const lines = r.stderr.trim().split('\n')
  t.ok(lines.length <= 12, `${lines.length} progress lines`)
  t.notMatch(r.stderr, /setup|opened|reached|building/, 'no English phase names')
  const last = new Map<string, number>()
  for (const line of lines) {
    const m = /^simulation : (.+) (\d+)\/(\d+)/.exec(line)
    if (m === null) continue
    t.ok(Number(m[2]) >= (last.get(m[1]) ?? 0), `"${line}" does not count back`)
    last.set(m[1], Number(m[2]))
  }
  t.ok(last.size >= 2, `at least two phases counted: ${[...last.keys()].join(', ')}`)
})
