/**
 * The exam-day scenario of the drill guide, as the room plays it: three volunteers stop
 * their node for a while, one participant refuses the drill. Its timings (EXAM_DAY, the
 * same flags the guide prints) must make the room see what the guide tells it to watch:
 * the volunteers "not reached yet" while away, then "caught up" on return, in the app's
 * panel and in the report. Run on real in-process nodes, every time divided by 20 (a
 * stop is cutting every link of the volunteer's node, as a stopped node has none).
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { EXAM_DAY, probesDuringStop, scaled } from '../../src/drills/scenarios.js'
import { renderMarkdown } from '../../src/drills/render/index.js'
import type { DrillReport } from '../../src/drills/types.js'
import { loadLang, translator } from '../../src/i18n/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import { panelOf } from '../../cli/tui/drill-watch.js'
import { drillView } from '../../cli/tui/drill-view.js'
import { emptyState } from '../../cli/tui/state.js'
import { contextOf, eventually, link, peer, replicator } from '../helpers/peers.js'

const GUIDES = ['docs/drill-guide.fr.md', 'docs/drill-guide.en.md']

/** Milliseconds from a duration as the guide types it: 30s, 5m. */
function ms (text: string): number {
  const m = /^(\d+)(s|m)$/.exec(text)
  if (m === null) throw new Error(`not a duration: ${text}`)
  return Number(m[1]) * (m[2] === 'm' ? 60_000 : 1000)
}

t.test('the guides start the exam-day drill with the preset\'s timings, which put probes inside the stop', async (t) => {
  const { plan, stop } = EXAM_DAY
  if (stop === null) throw new Error('the exam-day scenario has a stop')
  for (const file of GUIDES) {
    const text = readFileSync(file, 'utf8')
    // Both ways to start it: the CLI with --detach, and /drill in the app.
    const starts = [...text.matchAll(/(?:drill start atelier --name|\/drill) "Coupure J1" --probes (\d+) --interval (\S+) --duration (\S+)/g)]
    t.ok(starts.length >= 2, `${file}: the CLI and the app command are both given (${starts.length} found)`)
    for (const [line, probes, interval, duration] of starts) {
      t.same({ probes: Number(probes), intervalMs: ms(interval), durationMs: ms(duration) }, { probes: plan.probes, intervalMs: plan.intervalMs, durationMs: plan.durationMs }, `${file}: ${line}`)
    }
    t.match(text, /drill start atelier --name "Coupure J1"[^\n]*--detach/, `${file}: the CLI form returns at once`)
  }
  const during = probesDuringStop(plan, stop)
  t.ok(during.length >= 2, `probes ${during.map((n) => n + 1).join(', ')} go out while the volunteers are away`)
  t.ok(during[during.length - 1] < plan.probes - 1, 'and at least one after they are back, so the end of the drill reaches everyone again')
})

/** Start the automatic responder on a peer, as a node does. */
async function respond (tt: Tamtam): Promise<void> {
  const r = await replicator(tt)
  await contextOf(tt).drills().respond(() => r.list())
}

const sleepUntil = async (start: number, at: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + at - Date.now()))) }
const names = (list: string[]): string[] => list.map((n) => n.replace(/ \(.*\)$/, '')).sort()

t.test('exam day on real nodes: the volunteers are not reached yet while away, then caught up, in the panel and the report', async (t) => {
  await loadLang('fr')
  const fr = translator('fr')
  const { plan, stop } = scaled(EXAM_DAY, 20)
  if (stop === null) throw new Error('the exam-day scenario has a stop')
  const people = ['Animateur', 'Awa', 'Moussa', 'Zoé', 'Ama', 'Kofi']
  const all = await Promise.all(people.map(async (n) => await peer(t, n)))
  const [f, , ...rest] = all
  const volunteers = rest.slice(0, stop.volunteers)
  const volunteerNames = people.slice(2, 2 + stop.volunteers)
  const kofi = rest[stop.volunteers]
  const { invite } = await f.createRoom('atelier')
  for (const p of all.slice(1)) await p.joinRoom(invite)
  // Kofi refuses, as the consent section allows: his node never acknowledges.
  kofi.rooms.resolve('atelier').settings.drillAck = false
  for (const p of all) await respond(p)
  t.teardown(async () => { for (const p of all) await contextOf(p).drills().close() })
  const links = new Map<Tamtam, () => void>()
  for (const p of all.slice(1)) links.set(p, (await link(t, f, p)).destroy)
  t.ok(await eventually(async () => (await Promise.all(all.map(async (p) => (await p.logs(p.rooms.resolve('atelier'))).list().length))).every((n) => n === all.length), 10_000), 'every node knows every member before the drill')

  const room = f.rooms.resolve('atelier')
  const report = async (): Promise<DrillReport> => await contextOf(f).drills().report(room)
  const panel = async (): Promise<string> => {
    const r = await report()
    return drillView({ ...emptyState('fr'), lang: 'fr', drill: panelOf(r, r.startedAt + plan.durationMs) }, fr, 200).join('\n')
  }
  const start = Date.now()
  await contextOf(f).drills().start(room, plan)
  t.ok(await eventually(async () => (await report()).participants.filter((p) => p.receipts.length > 0).length === 4, stop.atMs - 100, 50), 'before the stop, everyone but Kofi has the first probes')

  // "Three volunteers stop their node": every link of theirs goes.
  await sleepUntil(start, stop.atMs)
  for (const v of volunteers) links.get(v)?.()
  const away = await eventually(async () => names((await report()).behind).join() === [...volunteerNames].sort().join(), stop.forMs - 200, 50)
  const whileAway = await report()
  t.ok(away, `while away, the volunteers are behind: ${whileAway.behind.join(', ')}`)
  t.ok(Date.now() - start < stop.atMs + stop.forMs, 'and that was seen before they came back')
  const panelAway = await panel()
  t.match(panelAway, /pas encore atteints : [^\n]*Kofi/, 'the panel lists Kofi, never reached')
  for (const v of volunteerNames) t.match(panelAway, new RegExp(`pas encore atteints : [^\\n]*${v}`), `the panel lists ${v} as not reached yet`)
  t.notMatch(panelAway, /Awa/, 'but not Awa, who stayed')
  t.same(whileAway.caughtUp, [], 'nobody has caught up yet')

  // They start their node again: links come back.
  await sleepUntil(start, stop.atMs + stop.forMs)
  for (const v of volunteers) await link(t, f, v)
  const complete = (r: DrillReport): boolean => r.probes.length === plan.probes && r.participants.filter((p) => p.name !== 'Kofi').every((p) => p.receipts.length === plan.probes)
  t.ok(await eventually(async () => complete(await report()), plan.durationMs, 100), 'in the end, everyone but Kofi has every probe')
  const end = await report()
  t.same(names(end.caughtUp.map((c) => `${c.name} (x)`)), [...volunteerNames].sort(), 'the volunteers, and only they, caught up')
  const missed = probesDuringStop(plan, stop)
  for (const c of end.caughtUp) t.ok(c.probes.includes(missed[0]) && c.lateMs >= plan.intervalMs, `${c.name} got probe ${missed[0] + 1} late (${c.lateMs} ms)`)
  t.same(end.behind, [], 'nobody is behind any more')
  t.same(names(end.unreached), ['Kofi'], 'Kofi is never reached')
  const panelBack = await panel()
  t.match(panelBack, /pas encore atteints : Kofi/, 'the panel now lists only Kofi as not reached')
  for (const v of volunteerNames) t.match(panelBack, new RegExp(`rattrapés : [^\\n]*${v}`), `and ${v} as caught up`)
  const md = renderMarkdown(end, 'fr')
  const section = md.slice(md.indexOf('## Rattrapés'), md.indexOf('## Jamais atteints'))
  for (const v of volunteerNames) t.match(section, new RegExp(`- ${v} \\([^)]*\\) : sondes ${missed[0] + 1}`), `the report shows the stop: ${v} caught up`)
  t.notMatch(section, /Awa|Kofi/, 'and nobody else')
})
