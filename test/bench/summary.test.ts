import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import type { BenchResult } from '../../bench/report/report.js'
import { summaryChart, summarySection, updateSummary } from '../../bench/report/summary.js'

const machine = (date: string): BenchResult['machine'] => ({ cpu: 'test', cores: 2, node: 'v20', platform: 'linux', date })

function result (suite: string, date: string, figures: Array<{ id: string, median: number, p99?: number, max?: number, ratio?: number, unit?: string }>): BenchResult {
  return {
    suite,
    machine: machine(date),
    seconds: 1,
    failures: [],
    figures: figures.map((f) => ({ measure: suite, name: f.id, unit: f.unit ?? 'ms', min: f.median, max: f.max ?? f.median, runs: 3, ...f }))
  }
}

const lan = result('lan', '2026-11-29T08:00:00.000Z', [
  { id: 'connect.spawn', median: 400, p99: 600 },
  { id: 'delivery.latency', median: 40, p99: 300 },
  { id: 'delivery50.latency', median: 250, p99: 360 }
])
const documents = result('documents', '2026-11-29T08:10:00.000Z', [
  { id: 'documents.fetch', median: 5.9, ratio: 0.99, unit: 'MB/s' },
  { id: 'documents.syncthing', median: 4.0, unit: 'MB/s' }
])

t.test('each target reads its statistic: met, missed, reference and not measured', async (t) => {
  const text = summarySection({ lan, documents }, { seconds: 500, date: '2026-11-29T09:00:00.000Z' })
  const row = (label: string): string => text.split('\n').find((l) => l.startsWith(`| ${label}`)) ?? ''
  t.match(row('connect'), /p99 600 ms \| met/, 'p99 600 ms is under 1 s')
  t.match(row('delivery, 10 peers'), /p99 300 ms \| \*\*missed\*\*/, 'p99 300 ms misses 250 ms')
  t.match(row('delivery, 50 peers'), /reference/, 'no target: reference only')
  t.match(row('documents, 50 Mbit/s link: tamtam against raw TCP'), /0\.99× \| met/, 'ratio 0.99 meets 0.9')
  t.match(row('documents, 50 Mbit/s link: tamtam against Syncthing'), /1\.475× \| met/, 'medians 5.9 over 4.0 beats Syncthing')
  t.match(row('RSS'), /not measured/, 'a suite that never ran is not measured, not met')
  t.match(text, /ended 2026-11-29 09:00\) took 8\.3 minutes/, 'the last full run\'s time is given when known')
  t.notMatch(summarySection({ lan }, null), /minutes/, 'and left out when no full run is recorded')
  const tie = result('documents', documents.machine.date, [{ id: 'documents.fetch', median: 5.94, ratio: 0.99, unit: 'MB/s' }, { id: 'documents.syncthing', median: 5.93, unit: 'MB/s' }])
  t.match(summarySection({ documents: tie }, null), /Syncthing \| faster than Syncthing[^\n]*1\.002× \| tie \(within 1%\)/, 'medians within 1% are a tie, not "faster"')
})

t.test('the chart draws one bar per measured target, red when missed', async (t) => {
  const svg = summaryChart({ lan, documents })
  t.match(svg, /^<svg /, 'an SVG document')
  t.equal((svg.match(/<rect x=/g) ?? []).length, 4, 'four bars: connect, delivery 10, documents twice (references and unmeasured ones are left out)')
  t.equal((svg.match(/fill="#c62828"/g) ?? []).length, 1, 'one red bar: delivery p99 300 ms over 250')
  t.notMatch(svg, /<script|onload=/i, 'no script in the chart')
})

t.test('updateSummary keeps other suites, and puts the section at the top once', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tamtam-bench-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const doc = path.join(dir, 'benchmarks.md')
  writeFileSync(doc, '# Benchmarks\n\nEach section sits between `<!-- bench:NAME:start -->` markers.\n\n<!-- bench:lan:start -->\nlan section\n<!-- bench:lan:end -->\n')
  await updateSummary(doc, [lan], null)
  await updateSummary(doc, [documents], 600)
  const text = readFileSync(doc, 'utf8')
  t.equal(text.split('<!-- bench:summary:start -->').length, 2, 'one summary section')
  t.ok(text.indexOf('bench:summary:start') < text.indexOf('bench:lan:start'), 'before the suite sections')
  t.match(text, /`<!-- bench:NAME:start -->` markers\.\n\n<!-- bench:summary:start -->/, 'after the header, which quotes a marker, not inside it')
  t.match(text, /took 10\.0 minutes/, 'the full run\'s time is kept')
  t.match(text, /connect[^\n]*met/, 'the lan rows from the first run are still there')
  const results = JSON.parse(readFileSync(path.join(dir, 'bench-results.json'), 'utf8')) as { suites: Record<string, unknown> }
  t.same(Object.keys(results.suites).sort(), ['documents', 'lan'], 'both suites kept in bench-results.json')
  writeFileSync(path.join(dir, 'bench-results.json'), '{not json')
  await updateSummary(doc, [lan], null)
  t.same(Object.keys(JSON.parse(readFileSync(path.join(dir, 'bench-results.json'), 'utf8')).suites), ['lan'], 'a damaged results file is replaced, not fatal')
})
