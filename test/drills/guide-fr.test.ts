/**
 * docs/drill-guide.fr.md, « Scénario 1 : coupure le jour du bac », followed to the letter on
 * six namespace laptops on one Wi-Fi with no Internet (French locale): the facilitator Awa
 * and five participants. Oumar refuses consent (`room set atelier --drill-ack off`); Fatou,
 * Ibrahim and Aminata are the three volunteers who stop their node and start it again.
 * Awa's app (plain `tamtam`, attached to her `tamtam up`) runs in tmux and starts the drill
 * with the guide's `/drill` line; the English test takes the guide's other way, `--detach`.
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

const FR: GuideWords = {
  lang: 'fr',
  file: 'docs/drill-guide.fr.md',
  facilitator: 'Awa',
  participants: ['Moussa', 'Fatou', 'Ibrahim', 'Aminata', 'Oumar'],
  refuser: 'Oumar',
  volunteers: ['Fatou', 'Ibrahim', 'Aminata'],
  timing: ['Vers 45 s, quand le panneau affiche « sonde 2/6 », trois volontaires arrêtent leur nœud (Ctrl-C) pendant une minute', 'Les sondes 3 et 4 partent pendant leur absence'],
  news: 'Le centre d\'examen du lycée ouvre à 9 h au lieu de 8 h.',
  up: /tamtam est lancé : .*port TCP 7000/,
  attached: /relié au nœud \(tamtam up\)/,
  doctorOk: /rien trouvé qui sépare les pairs/,
  ackOff: /accusés de réception désactivés/,
  drillStarted: /Exercice « Coupure J1 » lancé \([0-9a-f]{12}\)/,
  probeLine: (n) => new RegExp(`sonde ${n}/6 \\(Coupure J1\\)`),
  panelProbe: (n) => new RegExp(`Exercice Coupure J1 \\([0-9a-f]{12}\\) : sonde ${n}/6`),
  notYet: 'pas encore atteints :',
  caughtUp: 'rattrapés :',
  reportWritten: /Rapport d'exercice \(html\) écrit dans \S*(rapport-[0-9a-f]+\.html)/,
  report: { probes: 'Sondes', participants: 'Participants', caughtUp: 'Rattrapés', neverReached: 'Jamais atteints' }
}

t.test('Scénario 1 du guide français : six postes, un refus, trois volontaires qui s\'arrêtent puis rattrapent', async (t) => {
  if (!skipUnlessLan(t) || !skipUnlessTmux(t)) return
  await followExamDay(t, FR, { ...SAME_IN_BOTH_GUIDES, start: { app: '/drill "Coupure J1" --probes 6 --interval 30s --duration 5m' } })
})
