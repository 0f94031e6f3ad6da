/**
 * Presenting the LAN suite: figures carry a p99 beside the median, and the section ends
 * with one line per target saying met or missed. The section of docs/benchmarks.md between
 * the lan markers is replaced in place; the rest of the file is left alone.
 */
import { cpus, loadavg } from 'node:os'
import { against, figure, type Figure } from '../lib/measure.js'
import { formatValue, updateDoc, type BenchResult } from './report.js'

/** A figure of the LAN suite: a stable id (targets refer to it) and, for latencies, a p99. */
export interface LanFigure extends Figure { id: string, p99?: number }

/** The 1-minute load average when the suite started: other work on a shared machine slows every figure. */
let loadAtStart: number | null = null

/** Record the machine's load now (call when the suite starts). */
export function noteLoad (): void {
  loadAtStart = loadavg()[0]
}

function loadLine (): string {
  return loadAtStart === null ? '' : `1-minute load average when the suite started: ${loadAtStart.toFixed(2)} on ${cpus().length} cores.`
}

/** Nearest-rank percentile of a non-empty series (p99 of 20 samples is the maximum). */
export function percentile (samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]
}

/** A figure with an id, and a p99 when `withP99`. */
export function lanFigure (id: string, measure: string, name: string, unit: string, samples: number[], opts: { p99?: boolean, note?: string } = {}): LanFigure {
  const f: LanFigure = { id, ...figure(measure, name, unit, samples, opts.note) }
  if (opts.p99 === true) f.p99 = percentile(samples, 99)
  return f
}

/** Mark `fig` as compared with `base` (ratio of medians); returns `fig`. */
export function versus (fig: LanFigure, base: Figure): LanFigure {
  against(fig, base)
  return fig
}

/** A goal from DESIGN.md section 7, checked against one statistic of one figure. */
interface Target { label: string, figure: string, stat: 'p99' | 'ratio', op: '<' | '>=', limit: number }

/** The targets of the brief, in report order. */
export const TARGETS: Target[] = [
  { label: 'start to first connection, p99 under 1 s', figure: 'connect.spawn', stat: 'p99', op: '<', limit: 1000 },
  { label: 'message delivery to 9 peers, p99 under 250 ms', figure: 'delivery.latency', stat: 'p99', op: '<', limit: 250 },
  { label: 'for reference only, the same goal with 49 peers through a capped mesh: p99 under 250 ms', figure: 'delivery50.latency', stat: 'p99', op: '<', limit: 250 }
]

/** One line per target: met, missed, or not measured. */
export function targetLines (figures: LanFigure[]): string[] {
  return TARGETS.map((t) => {
    const f = figures.find((x) => x.id === t.figure)
    const value = t.stat === 'p99' ? f?.p99 : f?.ratio
    if (f === undefined || value === undefined || !Number.isFinite(value)) return `not measured: ${t.label} (the measure failed in this run)`
    const ok = t.op === '<' ? value < t.limit : value >= t.limit
    const shown = t.stat === 'ratio' ? `${value.toFixed(2)}×` : formatValue(value, f.unit)
    const extra = f.note?.startsWith('incomplete') === true ? ` (${f.note})` : ''
    return `${ok ? 'met' : 'missed'}: ${t.label}: ${t.stat} ${shown}${extra}`
  })
}

const cellsOf = (f: LanFigure): string[] => [
  f.measure, f.name, formatValue(f.median, f.unit), f.p99 === undefined ? '' : formatValue(f.p99, f.unit),
  formatValue(f.min, f.unit), formatValue(f.max, f.unit), String(f.runs),
  f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}×`
]

const HEAD = ['measure', 'figure', 'p50', 'p99', 'min', 'max', 'runs', 'ratio']

/** The terminal table, with the targets under it. */
export function lanTextTable (result: BenchResult): string {
  const figures = result.figures as LanFigure[]
  const m = result.machine
  const body = figures.map(cellsOf)
  const widths = HEAD.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)))
  const line = (r: string[]): string => r.map((cell, c) => c >= 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])).join('  ').trimEnd()
  const out = [`${result.suite}: ${m.date}, ${m.cpu} x ${m.cores} cores, Node ${m.node}, ${m.platform}; ${result.seconds.toFixed(0)} s. ${loadLine()}`.trimEnd(), '',
    line(HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)]
  const compared = figures.filter((f) => f.ratio !== undefined)
  if (compared.length > 0) out.push('', 'ratio = median / median of the baseline measured in the same run:', ...compared.map((f) => `  ${f.name}: ${f.ratio?.toFixed(2) ?? ''}× ${f.baseline ?? ''}`))
  const noted = figures.filter((f) => f.note !== undefined)
  if (noted.length > 0) out.push('', 'notes:', ...noted.map((f) => `  ${f.name}: ${f.note ?? ''}`))
  out.push('', 'targets:', ...targetLines(figures).map((l) => `  ${l}`))
  for (const f of result.failures) out.push('', `FAILED ${f.measure}: ${f.error}`)
  return out.join('\n')
}

const escapeCell = (s: string): string => s.replace(/\|/g, '\\|')

/** The markdown section, markers included. */
export function lanSection (result: BenchResult): string {
  const m = result.machine
  const figures = result.figures as LanFigure[]
  const out = [
    `<!-- bench:${result.suite}:start -->`,
    '## LAN',
    '',
    `Written by \`node dist/bench/run.js lan\` on ${m.date} (${result.seconds.toFixed(0)} s run).`,
    `Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.platform}. ${loadLine()}`.trimEnd(),
    'Hosts are network namespaces on one bridge with no default route (the Internet is cut); nodes run',
    '`tamtam up --lan-only --announce-interval 200` (1000 for the 50-host LAN). p50 is the median; p99 is',
    'nearest-rank, so with 20 samples it is the maximum. Ratio is this median over the median of its baseline,',
    'measured in the same run. Latencies are receiver event time minus author append time (the namespaces share',
    'one clock). All the nodes share this machine\'s cores: 50 nodes on 2 cores is far more crowded than 50 laptops.',
    '',
    '| measure | figure | p50 | p99 | min | max | runs | ratio (baseline) | note |',
    '|---|---|--:|--:|--:|--:|--:|---|---|'
  ]
  for (const f of figures) {
    const [measure, name, ...stats] = cellsOf(f)
    const ratio = f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}× ${f.baseline ?? ''}`
    out.push(`| ${[measure, name, ...stats.slice(0, 5), ratio, f.note ?? ''].map(escapeCell).join(' | ')} |`)
  }
  out.push('', 'Targets (DESIGN.md section 7):', ...targetLines(figures).map((l) => `- ${escapeCell(l)}`))
  if (result.failures.length > 0) {
    out.push('', 'Failed in this run:', ...result.failures.map((f) => `- ${f.measure}: ${escapeCell(f.error.split('\n')[0])}`))
  }
  out.push(`<!-- bench:${result.suite}:end -->`)
  return out.join('\n')
}

/** Replace (or append) the LAN section of `file`. */
export async function updateLanDoc (file: string, result: BenchResult): Promise<void> {
  await updateDoc(file, result, lanSection)
}
