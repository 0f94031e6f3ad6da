/**
 * docs/drill-guide.en.md, "Scenario 1: a cut on exam day", followed to the letter on six
 * namespace laptops on one Wi-Fi with no Internet (English locale): the facilitator Awa and
 * five participants. Oumar refuses consent (`room set atelier --drill-ack off`); Fatou,
 * Ibrahim and Aminata are the three volunteers who stop their node and start it again.
 * Awa's app (plain `tamtam`, attached to her `tamtam up`) runs in tmux and shows the drill
 * panel; the drill starts the guide's other way, from a second terminal with `--detach`
 * (the French test types `/drill` in the app). Shares its steps with the French test
 * (guide-helpers.ts).
 *
 * Changed from the guide, for time only: the drill's durations are three times shorter
 * (`--interval 30s` → `10s`, `--duration 5m` → `100s`), and so are the volunteers' stop
 * (45 s → 15 s) and absence (one minute → 20 s); see SCALE in guide-helpers.ts. Left out:
 * `drill sim` (run by `npm run docs:screenshot`), and the participants' own apps.
 * Run time: about 2 min 30 s.
 */
import t from 'tap'
import { skipUnlessLan } from '../helpers/lan.js'
import { skipUnlessTmux } from '../helpers/tmux.js'
import { followExamDay, SAME_IN_BOTH_GUIDES, type GuideWords } from './guide-helpers.js'

const EN: GuideWords = {
  lang: 'en',
  file: 'docs/drill-guide.en.md',
  facilitator: 'Awa',
  participants: ['Moussa', 'Fatou', 'Ibrahim', 'Aminata', 'Oumar'],
  refuser: 'Oumar',
  volunteers: ['Fatou', 'Ibrahim', 'Aminata'],
  timing: ['At about 45 s, when the panel shows "probe 2/6", three volunteers stop their node (Ctrl-C) for one minute', 'Probes 3 and 4 go out while they are away'],
  news: 'The school\'s exam centre opens at 9 instead of 8.',
  up: /tamtam is up: .*TCP port 7000/,
  attached: /attached to the node \(tamtam up\)/,
  doctorOk: /nothing found that keeps peers apart/,
  ackOff: /drill acknowledgements off/,
  drillStarted: /drill [0-9a-f]{12} started in atelier/,
  probeLine: (n) => new RegExp(`probe ${n}/6 \\(Coupure J1\\)`),
  panelProbe: (n) => new RegExp(`Drill Coupure J1 \\([0-9a-f]{12}\\): probe ${n}/6`),
  notYet: 'not reached yet:',
  caughtUp: 'caught up:',
  reportWritten: /Drill report \(html\) written to \S*(rapport-[0-9a-f]+\.html)/,
  report: { probes: 'Probes', participants: 'Participants', caughtUp: 'Caught up', neverReached: 'Never reached' }
}

t.test('Scenario 1 of the English guide: six laptops, one refusal, three volunteers who stop and catch up', async (t) => {
  if (!skipUnlessLan(t) || !skipUnlessTmux(t)) return
  await followExamDay(t, EN, { ...SAME_IN_BOTH_GUIDES, start: { terminal: 'npx tamtam drill start atelier --name "Coupure J1" --probes 6 --interval 30s --duration 5m --detach' } })
})
