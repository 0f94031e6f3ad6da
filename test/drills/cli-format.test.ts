/**
 * The drill commands' human output follows the user's language: French decimals and local
 * dates, not "15.7 s" and ISO UTC (issue 23).
 */
import t from 'tap'
import { formatDrills } from '../../cli/drills.js'
import { loadLang, translator } from '../../src/i18n/index.js'

const summary = { name: 'Coupure J1', drill: '9b379fe83156', room: 'atelier', reach: { at5s: 3, at30s: 4, at120s: 5, total: 5 }, latency: { p50: 850, p90: 15_700, max: 61_250 } }
const listed = [{ drill: '9b379fe83156', startedAt: Date.UTC(2026, 11, 6, 8, 30), probes: 6, acks: 22, name: 'Coupure J1' }]

t.test('French: decimal commas, local dates, French words', async (t) => {
  process.env.TZ = 'Africa/Bamako'
  await loadLang('fr')
  const f = { t: translator('fr'), lang: 'fr' }
  const start = formatDrills('drill.start', summary, f.t, f) ?? ''
  t.match(start, /la moitié en moins de 850 ms, 90\u00a0% en moins de 15,7 s, le plus lent 61,3 s/, 'latencies with a decimal comma', { start })
  const list = formatDrills('drill.list', listed, f.t, f) ?? ''
  t.match(list, /06\/12\/2026 08:30/, 'the start in the French local format', { list })
  t.notMatch(list, /2026-12-06/, 'not ISO')
  t.match(list, /6 sondes +22 accusés +Coupure J1/, 'probes and acknowledgements in French')
})

t.test('English: decimal points', async (t) => {
  const f = { t: translator('en'), lang: 'en' }
  t.match(formatDrills('drill.start', summary, f.t, f) ?? '', /90% in under 15\.7 s, slowest 61\.3 s/)
  t.match(formatDrills('drill.list', listed, f.t, f) ?? '', /6 probes +22 acks +Coupure J1/)
})
