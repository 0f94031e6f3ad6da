/**
 * Drills in the terminal app: the drill panel (a pure view), `/drill` parsing, the watch
 * that feeds the panel at most once a second, and `/drill` run through a real in-process
 * node, as the app runs it (listen-only on the LAN, so it sends nothing).
 */
import t from 'tap'
import { randomInt } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { loadLang, translator } from '../../src/i18n/index.js'
import { TamtamNode } from '../../src/node/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import { defaultReportFile, parseDrill, splitWords, type DrillRequest } from '../../cli/tui/drill-args.js'
import { drillView, formatLatency, formatSpan, reachSparkline } from '../../cli/tui/drill-view.js'
import { DrillWatch, drillWindow, DEFAULT_DRILL_WINDOW_MS } from '../../cli/tui/drill-watch.js'
import { TuiModel } from '../../cli/tui/model.js'
import { emptyState, type DrillPanel, type TuiState } from '../../cli/tui/state.js'
import { displayWidth } from '../../cli/tui/views.js'
import { eventually, link, peer, replicator, tempDir, contextOf } from '../helpers/peers.js'
import { appInRoom } from '../helpers/tui-app.js'

const en = translator('en')
const START = Date.UTC(2026, 10, 29, 14, 5)

/** A drill panel 42 s into a 5-minute drill, with 2 of 5 reached. */
const panel = (over: Partial<DrillPanel> = {}): DrillPanel => ({
  drill: 'a1b2c3d4e5f6',
  name: 'Coupure J1',
  startedAt: START,
  endsAt: START + 5 * 60_000,
  now: START + 42_000,
  probesSent: 3,
  probesPlanned: 5,
  reached: 2,
  total: 5,
  p50: 850,
  p90: 2400,
  curve: [{ atMs: 0, reached: 0 }, { atMs: 800, reached: 1 }, { atMs: 2400, reached: 2 }],
  unreached: ['Moussa (8f25-b13d)', 'Zoé (1e02-1171)', 'Ama (3f2a-91bc)'],
  caughtUp: [],
  ...over
})
const state = (drill: DrillPanel | null, over: Partial<TuiState> = {}): TuiState => ({ ...emptyState('en'), drill, ...over })

t.test('drill panel: table of cases', async (t) => {
  const cases: Array<[string, DrillPanel | null, number, (lines: string[], t: any) => void]> = [
    // [what, panel, width, checks]
    ['no drill: no panel at all', null, 60, (lines, t) => t.same(lines, [])],
    ['partial reach: counts, latencies, who is missing', panel(), 60, (lines, t) => {
      const all = lines.join(' ')
      t.match(all, /Drill Coupure J1 \(a1b2c3d4e5f6\): probe 3\/5, 4 min 18 s left/)
      t.match(all, /reached 2\/5 · half in under 850 ms · 90% in under 2.4 s/, 'latency in words, not p50/p90')
      t.notMatch(all, /p50|p90/)
      t.match(all, /not reached yet: Moussa \(8f25-b13d\), Zoé \(1e02-1171\), Ama \(3f2a-91bc\)/)
      t.match(lines.find((l) => /[▁-█]/.test(l)), /^[▁-█]+ 42 s$/, 'a sparkline then the time it spans')
    }],
    ['all reached', panel({ reached: 5, unreached: [], curve: [{ atMs: 0, reached: 0 }, { atMs: 500, reached: 5 }] }), 60, (lines, t) => {
      t.match(lines.join('\n'), /reached 5\/5/)
      t.match(lines.join('\n'), /everyone reached/)
      t.notMatch(lines.join('\n'), /not reached yet/)
      t.match(lines.find((l) => /█/.test(l)), /█{10}/, 'the chart ends full height')
    }],
    ['alone in the room: 0/0 and says so', panel({ reached: 0, total: 0, unreached: [], p50: null, p90: null, curve: [{ atMs: 0, reached: 0 }] }), 60, (lines, t) => {
      t.match(lines.join('\n'), /reached 0\/0$/m, 'no latency sentence before any receipt')
      t.match(lines.join('\n'), /nobody else in this room yet/)
      t.match(lines.find((l) => /▁/.test(l)), /^▁+ 42 s$/, 'a flat chart')
    }],
    ['volunteers back after a stop: caught up, with how late', panel({ reached: 5, unreached: [], caughtUp: [{ who: 'Moussa (8f25-b13d)', lateMs: 47_000 }, { who: 'Zoé (1e02-1171)', lateMs: 17_300 }] }), 60, (lines, t) => {
      t.match(lines.join('\n'), /everyone reached\ncaught up: Moussa \(8f25-b13d\) \+47 s, Zoé \(1e02-1171\) \+17.3 s/)
    }],
    ['hostile names and drill id: no escape, bell, bidi or newline reaches the screen', panel({
      name: 'Evil\x1b]0;pwned\x07\x1b[2J name',
      drill: 'x\x1b[31my\u202e',
      unreached: ['Mal\x1b[31mlory\nfake line (0000-0000)', '\x9b2J\u202eZed (1111-2222)']
    }), 60, (lines, t) => {
      const all = lines.join('\n')
      t.notMatch(all, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/, 'no control character at all')
      t.notMatch(all, /pwned|\[2J|\[31m/, 'no leftover of the sequences')
      t.match(all, /Evil name/)
      t.match(all, /Mallory fake line \(0000-0000\)/, 'a newline in a name does not start a line of its own')
    }],
    ['40 columns: every line fits, and the counts are still there', panel(), 36, (lines, t) => {
      t.ok(lines.every((l) => displayWidth(l) <= 36), `every line fits: ${JSON.stringify(lines)}`)
      t.match(lines.join('\n'), /reached 2\/5/)
      t.match(lines.join('\n'), /left/, 'the time left survives a narrow pane')
    }],
    ['many unreached on 40 columns: at most 3 rows of names, then "+N more"', panel({ total: 60, reached: 0, unreached: Array.from({ length: 60 }, (_, i) => `Participant${i} (${String(i).padStart(4, '0')}-beef)`) }), 36, (lines, t) => {
      const names = lines.slice(lines.findIndex((l) => l.startsWith('not reached yet')))
      t.ok(names.length <= 3, `${names.length} rows of names`)
      t.match(names.join(' '), /\+\d+ more$/, 'the rest is counted')
      t.ok(lines.every((l) => displayWidth(l) <= 36), 'every line fits')
    }],
    ['a 64-character drill name and wide characters still fit 36 columns', panel({ name: '日本語'.repeat(21) + 'x' }), 36, (lines, t) => {
      t.ok(lines.every((l) => displayWidth(l) <= 36), `every line fits: ${JSON.stringify(lines)}`)
      t.match(lines.join(' '), /probe 3\/5/)
    }],
    ['absurdly narrow: no crash, nothing wider than the pane, a bounded number of rows', panel(), 3, (lines, t) => {
      t.ok(lines.every((l) => displayWidth(l) <= 3), JSON.stringify(lines))
      t.ok(lines.length <= 8, `${lines.length} rows`)
    }]
  ]
  for (const [what, p, width, check] of cases) await t.test(what, async (t) => check(drillView(state(p), en, width), t))
})

t.test('drill panel in French: words and decimal comma', async (t) => {
  await loadLang('fr')
  const fr = translator('fr')
  const all = drillView(state(panel(), { lang: 'fr' }), fr, 60).join(' ')
  t.match(all, /Exercice Coupure J1 \(a1b2c3d4e5f6\) : sonde 3\/5, encore 4 min 18 s/)
  t.match(all, /atteints 2\/5 · la moitié en moins de 850 ms · 90\u00a0% en moins de 2,4 s/)
  t.match(drillView(state(panel({ caughtUp: [{ who: 'Awa (3f2a-91bc)', lateMs: 47_000 }] }), { lang: 'fr' }), fr, 80).join('\n'), /rattrapés : Awa \(3f2a-91bc\) \+47 s/)
  t.match(all, /pas encore atteints : Moussa/)
})

t.test('sparkline, spans and latencies', async (t) => {
  const curve = [{ atMs: 0, reached: 0 }, { atMs: 1000, reached: 1 }, { atMs: 3000, reached: 4 }]
  const cases: Array<[string, string, string]> = [
    // [what, got, expected]
    ['steps follow the curve: a quarter, then everyone', reachSparkline(curve, 4, 4000, 4), '▃▃██'],
    ['lowest bar before anyone is reached', reachSparkline(curve, 4, 4000, 8), '▁▃▃▃▃███'],
    ['no participants: flat', reachSparkline(curve, 0, 4000, 4), '▁▁▁▁'],
    ['width 0: empty', reachSparkline(curve, 4, 4000, 0), ''],
    ['half way is mid height, not full', reachSparkline([{ atMs: 0, reached: 0 }, { atMs: 1, reached: 2 }], 4, 10, 2), '▅▅'],
    ['500 ms', formatSpan(500), '500 ms'],
    ['42 s', formatSpan(42_000), '42 s'],
    ['5 min', formatSpan(300_000), '5 min'],
    ['hours drop seconds', formatSpan(2 * 3600_000 + 5 * 60_000 + 7000), '2 h 5 min'],
    ['latency under a second', formatLatency(340, 'en'), '340 ms'],
    ['latency in seconds', formatLatency(1234, 'en'), '1.2 s'],
    ['latency in French', formatLatency(1234, 'fr'), '1,2 s'],
    ['no latency yet', formatLatency(null, 'en'), '–']
  ]
  for (const [what, got, expected] of cases) t.equal(got, expected, what)
})

t.test('/drill parsing: table of cases', async (t) => {
  const cases: Array<[string, string, DrillRequest]> = [
    // [what, typed after /drill, request]
    ['nothing: a drill with the defaults', '', { action: 'start' }],
    ['a name of several words', 'Coupure J1', { action: 'start', name: 'Coupure J1' }],
    ['a quoted name with options', '"Coupure J1" --probes 3 --interval 10s --duration 2m', { action: 'start', name: 'Coupure J1', probes: '3', interval: '10s', duration: '2m' }],
    ['options before the name, --opt=value form', '--probes=2 --duration=90s test du soir', { action: 'start', name: 'test du soir', probes: '2', duration: '90s' }],
    ['--name works too', '--name atelier', { action: 'start', name: 'atelier' }],
    ['an apostrophe inside a word is kept', "l'atelier", { action: 'start', name: "l'atelier" }],
    ['report with nothing: defaults', 'report', { action: 'report' }],
    ['report with a format', 'report md', { action: 'report', format: 'md' }],
    ['report with a format and a file', 'report CSV out/r.csv', { action: 'report', format: 'csv', file: 'out/r.csv' }],
    ['report with a file only', 'report mon rapport.html', { action: 'report', file: 'mon rapport.html' }],
    ['report with a quoted file', 'report json "a b.json"', { action: 'report', format: 'json', file: 'a b.json' }],
    ['off', 'off', { action: 'ack', on: false }],
    ['ON in capitals', 'ON', { action: 'ack', on: true }]
  ]
  for (const [what, typed, expected] of cases) t.same(parseDrill(typed, en), expected, what)

  const bad: Array<[string, string, RegExp]> = [
    // [what, typed after /drill, what the message says]
    ['unknown option', 'x --loss 5%', /Unknown option --loss\. Type \/drill \[NAME\]/],
    ['option without a value', '--probes', /--probes needs a value/],
    ['option followed by another option', '--interval --duration 5m', /--interval needs a value/],
    ['empty inline value', '--duration=', /--duration needs a value/],
    ['on with something after', 'on now', /\/drill on takes nothing after it/],
    ['CLI flags on report', 'report --format html', /Unknown option --format/]
  ]
  for (const [what, typed, message] of bad) t.throws(() => parseDrill(typed, en), { code: 'USAGE', message }, what)
  t.same(splitWords(`a "b c" 'd e' f`), ['a', 'b c', 'd e', 'f'], 'quotes group words')
})

t.test('default report file: rapport-<drill>.<format>, with only safe characters from the log', async (t) => {
  t.equal(defaultReportFile('a1b2c3d4e5f6', 'html'), 'rapport-a1b2c3d4e5f6.html')
  t.equal(defaultReportFile('../../etc/passwd', 'md'), 'rapport-etcpasswd.md', 'no path can be smuggled in by a drill id')
  t.equal(defaultReportFile('/\x1b', 'csv'), 'rapport-exercice.csv', 'an id with nothing usable gets a plain name')
})

t.test('drill window: from the probe record, bounded, 5 min by default', async (t) => {
  t.equal(drillWindow({ durationMs: 120_000 }), 120_000)
  t.equal(drillWindow({ durationMs: 1e15 }), 24 * 3600_000, 'a peer cannot keep the panel up for years')
  for (const bad of [undefined, -1, 0, 'x', Number.NaN]) t.equal(drillWindow({ durationMs: bad }), DEFAULT_DRILL_WINDOW_MS, `durationMs ${String(bad)}`)
})

/** Count calls to contextOf(tt).drills().report, as the watch makes them. */
function countReports (tt: Tamtam): { calls: number } {
  const drills = contextOf(tt).drills()
  const counter = { calls: 0 }
  const report = drills.report.bind(drills)
  drills.report = async (...args) => { counter.calls++; return await report(...args) }
  return counter
}

t.test('the watch: no report while there is no drill, at most one a second while one runs, none after', async (t) => {
  const f = await peer(t, 'F')
  const { room } = await f.createRoom('atelier')
  t.teardown(async () => await contextOf(f).drills().close())
  let offset = 0
  const watch = new DrillWatch(contextOf(f), { clock: () => Date.now() + offset })
  const reports = countReports(f)

  t.equal(await watch.panel(room), null, 'no drill: no panel')
  await contextOf(f).drills().start(room, { name: 'essai', probes: 1, intervalMs: 1000, durationMs: 60_000 })
  t.equal(await watch.panel(room), null, '"no drill" is cached: not looked at again at once')
  t.equal(reports.calls, 0, 'and no report was built for it')

  offset += 5000
  const live = await watch.panel(room)
  t.match(live, { name: 'essai', reached: 0, total: 0, probesSent: 1, probesPlanned: 1 }, 'after the re-check delay the drill shows')
  t.equal(live?.endsAt, (live?.startedAt ?? 0) + 60_000, 'it ends with its planned duration, from the probe record')
  await Promise.all([watch.panel(room), watch.panel(room), watch.panel(room)])
  t.equal(reports.calls, 1, 'calls within a second reuse the last report')
  offset += 1000
  await Promise.all([watch.panel(room), watch.panel(room)])
  t.equal(reports.calls, 2, 'a second later, concurrent calls share one new report')

  offset += 60_000
  t.equal(await watch.panel(room), null, 'once the duration is over the panel goes')
  offset += 1000
  await watch.panel(room)
  t.equal(reports.calls, 2, 'and no report is built for a finished drill')
})

t.test('the watch on a participant: a drill started by someone else shows, and fills up as they acknowledge', async (t) => {
  const f = await peer(t, 'F')
  const a = await peer(t, 'Awa')
  const { invite } = await f.createRoom('atelier')
  await a.joinRoom(invite)
  for (const p of [f, a]) {
    const r = await replicator(p)
    await contextOf(p).drills().respond(() => r.list())
  }
  t.teardown(async () => { for (const p of [f, a]) await contextOf(p).drills().close() })
  await link(t, f, a)
  const ready = await eventually(async () => (await a.logs(a.rooms.resolve('atelier'))).list().length === 2, 10_000)
  t.ok(ready, 'Awa knows both member logs')
  await contextOf(f).drills().start(f.rooms.resolve('atelier'), { name: 'Coupure J1', probes: 1, intervalMs: 1000, durationMs: 30_000 })
  const watch = new DrillWatch(contextOf(a), { recheckMs: 0, reportEveryMs: 0 })
  let last = null as DrillPanel | null
  const shown = await eventually(async () => {
    last = await watch.panel(a.rooms.resolve('atelier'))
    return last?.reached === 1
  }, 15_000, 100)
  t.ok(shown, 'Awa\'s panel shows the drill, reached 1/1 once her node acknowledged', { last })
  t.match(last, { name: 'Coupure J1', total: 1, unreached: [] })
})

const app = appInRoom

/** The notices after typing `line`. */
async function typed (model: TuiModel, line: string): Promise<string> {
  await model.submit(line)
  return model.state.notices.join('\n')
}

t.test('/drill in the app: bad input is a notice, start returns at once, report writes a file, on/off', async (t) => {
  const { model, node } = await app(t)
  const cases: Array<[string, RegExp]> = [
    // [typed, the notice]
    ['/drill report', /No drill yet in this room: type \/drill/],
    ['/drill --probes many', /Error USAGE: .*probes/],
    ['/drill --interval soon', /Error USAGE: .*interval.*soon/],
    ['/drill --duration 0', /Error USAGE: .*duration/],
    ['/drill --probes 9 --interval 1m --duration 1m', /Error USAGE: .*do not fit/],
    ['/drill --bogus', /Error USAGE: Unknown option --bogus/],
    ['/drill on please', /Error USAGE: \/drill on takes nothing after it/]
  ]
  for (const [line, notice] of cases) t.match(await typed(model, line), notice, line)
  t.equal((await node.context.drills().list(model.currentRoom()!)).length, 0, 'none of them started a drill')

  const started = Date.now()
  const notice = await typed(model, '/drill "Coupure J1" --probes 2 --interval 500ms --duration 20s')
  t.ok(Date.now() - started < 5000, 'start returns at once: the drill runs in the background')
  t.match(notice, /Drill “Coupure J1” started \(([0-9a-f]{12})\): 2 probe\(s\), every 500 ms, followed for 20 s/)
  t.notMatch(notice, /drill [0-9a-f]{12} started in/, 'without the command\'s English progress line')
  const id = /\(([0-9a-f]{12})\)/.exec(notice)?.[1] ?? ''
  t.match(model.state.drill, { drill: id, name: 'Coupure J1', reached: 0, total: 0 }, 'the panel shows the new drill at once')
  t.ok(await eventually(async () => (await node.context.drills().report(model.currentRoom()!)).probes.length === 2, 5000, 50), 'the second probe follows in the background')

  const dir = tempDir(t)
  const cwd = process.cwd()
  process.chdir(dir)
  t.teardown(() => process.chdir(cwd))
  const written = await typed(model, '/drill report')
  const file = path.join(dir, `rapport-${id}.html`)
  t.match(written, `Drill report (html) written to ${file}`, 'the default file is rapport-<drill>.html, said with its absolute path')
  t.match(readFileSync(file, 'utf8'), /<html/i, 'and it is html')
  t.match(await typed(model, '/drill report md sub.md'), `written to ${path.join(dir, 'sub.md')}`)
  t.ok(existsSync(path.join(dir, 'sub.md')), 'a relative FILE is taken from the current folder')
  t.match(await typed(model, '/drill report json'), `(json) written to ${path.join(dir, `rapport-${id}.json`)}`)

  t.match(await typed(model, '/drill off'), /no longer acknowledges drill probes in atelier/)
  t.equal(model.currentRoom()?.settings.drillAck, false, 'the room setting is off')
  t.match(await typed(model, '/drill on'), /acknowledges drill probes in atelier again/)
  t.not(model.currentRoom()?.settings.drillAck, false, 'and on again')

  const help = await typed(model, '/help')
  t.match(help, /Commands: /, '/help still shows the commands')
  t.match(help, /\/drill report \[html\|md\|csv\|json\] \[FILE\]/, 'and the drill commands')
  t.notMatch(help + notice, /later version/, 'the old "later version" text is gone')
})

t.test('a probe acknowledged by the node is said once per drill', async (t) => {
  const { model } = await app(t)
  model.state.notices = []
  model.probeAcknowledged({ room: 'atelier', drill: 'd1', probe: 'p0' })
  model.probeAcknowledged({ room: 'atelier', drill: 'd1', probe: 'p1' })
  model.probeAcknowledged({ room: 'atelier', drill: 'd2', probe: 'p0' })
  t.equal(model.state.notices.filter((n) => /Drill probe received in atelier/.test(n)).length, 2, 'one notice per drill, not per probe')
})
