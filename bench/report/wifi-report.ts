/**
 * Presenting the wifi suite (issue 19): one row per link, tamtam and Cabal side by side with
 * the link's raw TCP floor, then the late joiner, then the targets as met or missed.
 * Only the section between the wifi markers of docs/benchmarks.md is replaced.
 */
import { figure, percentile, type Figure } from '../lib/measure.js'
import { formatValue, targetLines, updateDoc, type BenchResult, type Target } from './report.js'

/** A wifi figure: a stable id, and p90 and p99 beside the median. */
export interface WifiFigure extends Figure { id: string, p90: number, p99: number }

/** A figure of `samples` with its p90 and p99 (nearest rank: of 30 samples, p99 is the maximum). */
export function latencyFigure (id: string, measure: string, name: string, samples: number[], note?: string, unit = 'ms'): WifiFigure {
  return { ...figure(measure, name, unit, samples, note, { id }), id, p90: percentile(samples, 90), p99: percentile(samples, 99) }
}

/** The targets; recorded, never enforced (the suite measures before and after). */
export const WIFI_TARGETS: Target[] = [
  { label: 'two peers, clean link: p50 ≤ 5 ms', figure: 'wifi.clean.tamtam', stat: 'median', op: '<=', limit: 5 },
  { label: 'two peers, 20 ms each way: p50 ≤ 30 ms', figure: 'wifi.delay20.tamtam', stat: 'median', op: '<=', limit: 30 },
  { label: 'two peers, 20 ms each way, 5% loss: p50 ≤ 35 ms', figure: 'wifi.loss5.tamtam', stat: 'median', op: '<=', limit: 35 },
  { label: 'two peers, 20 ms each way, 5% loss: p99 ≤ 300 ms', figure: 'wifi.loss5.tamtam', stat: 'p99', op: '<=', limit: 300 },
  { label: 'line of 5 hosts, 20 ms links, end to end: p50 ≤ 120 ms', figure: 'wifi.line5.tamtam', stat: 'median', op: '<=', limit: 120 }
]

/** Series keys in report order, with the label shown when a series failed entirely. */
const ROWS = [
  ['clean', 'two peers, clean link'],
  ['delay20', 'two peers, 20 ms each way'],
  ['loss5', 'two peers, 20 ms each way, 5% loss'],
  ['line5', 'line of 5 hosts (4 hops), 20 ms each link']
]

const byId = (figures: Figure[], id: string): WifiFigure | undefined => figures.find((f) => f.id === id) as WifiFigure | undefined

/** p50, p90, p99 and max of a figure in ms, or dashes when it was not measured. */
function stats (f: WifiFigure | undefined): string[] {
  if (f === undefined) return ['–', '–', '–', '–']
  const ms = (v: number): string => Number.isFinite(v) ? v.toFixed(v < 10 ? 1 : 0) : '?'
  return [ms(f.median), ms(f.p90), ms(f.p99), ms(f.max)]
}

/** The latency table (markdown rows): tamtam, Cabal and the TCP floor of each link. */
function latencyRows (figures: Figure[]): string[] {
  const out = [
    '| link | tamtam p50 | p90 | p99 | max | n | Cabal p50 | p90 | p99 | max | n | raw TCP RTT/2 p50 |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|'
  ]
  for (const [key, label] of ROWS) {
    const tamtam = byId(figures, `wifi.${key}.tamtam`)
    const cabal = byId(figures, `wifi.${key}.cabal`)
    const tcp = byId(figures, `wifi.${key}.tcp`)
    const n = (f: WifiFigure | undefined): string => f === undefined ? '–' : String(f.runs)
    out.push(`| ${label} | ${[...stats(tamtam), n(tamtam), ...stats(cabal), n(cabal), tcp === undefined ? '–' : tcp.median.toFixed(2)].join(' | ')} |`)
  }
  return out
}

/** The late-joiner table: wall time and rate, each from where its clock starts. */
function lateRows (figures: Figure[]): string[] {
  const out = ['| late joiner, measured from | wall time p50 | min | max | runs | messages/s p50 |', '|---|--:|--:|--:|--:|--:|']
  const rows = [['tamtam: spawn of `tamtam up`', 'wifi.late.tamtam'], ['tamtam: its `up` event', 'wifi.late.tamtam.up'], ['Cabal: its ready event', 'wifi.late.cabal']]
  for (const [label, id] of rows) {
    const wall = byId(figures, id)
    const rate = byId(figures, `${id}.rate`)
    if (wall === undefined) {
      out.push(`| ${label} | not measured | | | | |`)
      continue
    }
    const ms = (v: number): string => formatValue(v, 'ms')
    out.push(`| ${label} | ${ms(wall.median)} | ${ms(wall.min)} | ${ms(wall.max)} | ${wall.runs} | ${rate === undefined ? '–' : Math.round(rate.median).toLocaleString('en')} |`)
  }
  return out
}

const INTRO = [
  'Hosts are network namespaces with no route out. Two peers share one segment; the line is four',
  'two-host segments, so the three nodes in between relay the log (no host forwards IP). Delay and',
  'loss come from `../shared/tools/link-impair.py`, a user-space hub on each segment that delays and',
  'drops the frames of every host on it, so "20 ms each way" is 20 ms on each frame in each direction.',
  'Each series: nodes started, 3 uncounted messages, then 30 messages 300 ms apart sent over the author\'s',
  'control socket; latency is the receiver\'s `append` event time minus the author\'s append time (the',
  'namespaces share one clock). p90 and p99 are nearest-rank, so of 30 samples p99 is the maximum.',
  'Cabal columns are filled only by a run with `--cabal`, on a LAN built and impaired the same way.'
]

/** The markdown section, markers included. */
export function wifiSection (result: BenchResult): string {
  const m = result.machine
  const figures = result.figures
  const withCabal = figures.some((f) => f.id?.includes('.cabal') === true)
  const notes = figures.filter((f) => f.note !== undefined).map((f) => `- ${f.measure}, ${f.name}: ${f.note ?? ''}`)
  const out = [
    `<!-- bench:${result.suite}:start -->`,
    '## Wi-Fi: delay, loss and hops (issue 19)',
    '',
    `Written by \`node dist/bench/run.js wifi${withCabal ? ' --cabal' : ''}\` on ${m.date} (${result.seconds.toFixed(0)} s run).`,
    `Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.platform}.`,
    ...INTRO,
    '',
    'Delivery latency in ms:',
    '',
    ...latencyRows(figures),
    '',
    ...lateRows(figures),
    '',
    'Targets of issue 19 (recorded, not enforced):',
    ...targetLines(figures, WIFI_TARGETS).map((l) => `- ${l}`),
    '',
    'Notes:',
    ...notes
  ]
  if (result.failures.length > 0) out.push('', 'Failed in this run:', ...result.failures.map((f) => `- ${f.measure}: ${f.error.split('\n')[0]}`))
  out.push(`<!-- bench:${result.suite}:end -->`)
  return out.join('\n')
}

/** The terminal version: the same section without its markers. */
export function wifiText (result: BenchResult): string {
  return wifiSection(result).split('\n').filter((l) => !l.startsWith('<!-- bench:')).join('\n')
}

/** Replace (or append) the wifi section of `file`. */
export async function updateWifiDoc (file: string, result: BenchResult): Promise<void> {
  await updateDoc(file, result, wifiSection)
}
