/**
 * Presenting benchmark results: a plain-text table for the terminal, a JSON object for
 * scripts, and a marked section of docs/benchmarks.md that is replaced in place so other
 * sections (one per issue) survive.
 */
import { readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import type { Figure } from '../lib/measure.js'

/** Where and when a run happened. */
export interface Machine { cpu: string, cores: number, node: string, platform: string, date: string }

/** A measure that threw: its id and the error message. */
export interface Failure { measure: string, error: string }

/** Everything one run produced. */
export interface BenchResult { suite: string, machine: Machine, seconds: number, figures: Figure[], failures: Failure[] }

/** Describe this machine and the current time. */
export function machine (now = new Date()): Machine {
  const cpus = os.cpus()
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown CPU',
    cores: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    date: now.toISOString()
  }
}

/** A number with its unit, rounded for reading. */
export function formatValue (value: number, unit: string): string {
  if (!Number.isFinite(value)) return `${String(value)} ${unit}`
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2
  return `${value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`
}

function ratioText (f: Figure): string {
  return f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}× ${f.baseline ?? ''}`.trim()
}

/** True when some figure carries a p99: the tables then get a p99 column. */
const hasP99 = (figures: Figure[]): boolean => figures.some((f) => f.p99 !== undefined)

/** The statistics cells of a figure: median, p99 (when the table has the column), min, max, runs. */
function statCells (f: Figure, withP99: boolean): string[] {
  const p99 = withP99 ? [f.p99 === undefined ? '' : formatValue(f.p99, f.unit)] : []
  return [formatValue(f.median, f.unit), ...p99, formatValue(f.min, f.unit), formatValue(f.max, f.unit), String(f.runs)]
}

function rows (figures: Figure[]): string[][] {
  const withP99 = hasP99(figures)
  return figures.map((f) => [f.measure, f.name, ...statCells(f, withP99), f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}×`])
}

function head (figures: Figure[]): string[] {
  return ['measure', 'figure', 'median', ...(hasP99(figures) ? ['p99'] : []), 'min', 'max', 'runs', 'ratio']
}

/** The terminal table. */
export function textTable (result: BenchResult): string {
  const body = rows(result.figures)
  const HEAD = head(result.figures)
  const widths = HEAD.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)))
  const line = (r: string[]): string => r.map((cell, c) => c >= 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])).join('  ').trimEnd()
  const out = [header(result), '', line(HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)]
  const compared = result.figures.filter((f) => f.ratio !== undefined)
  if (compared.length > 0) out.push('', 'ratio = median / median of the baseline measured in the same run:', ...compared.map((f) => `  ${f.name}: ${ratioText(f)}`))
  for (const f of result.failures) out.push('', `FAILED ${f.measure}: ${f.error}`)
  return out.join('\n')
}

function header (result: BenchResult): string {
  const m = result.machine
  return `${result.suite}: ${m.date}, ${m.cpu} x ${m.cores} cores, Node ${m.node}, ${m.platform}; ${result.seconds.toFixed(0)} s`
}

const escapeCell = (s: string): string => s.replace(/\|/g, '\\|')

/** What a suite may add to the standard section. */
export interface SectionOptions {
  /** Heading (default: the suite name, capitalised). */
  title?: string
  /** Lines between the machine line and the table (default: how to read median and ratio). */
  intro?: string[]
  /** Lines after the table (targets, charts). */
  after?: string[]
}

const DEFAULT_INTRO = [
  'Median over the runs shown, with min and max. Ratio is this median over the median of its baseline,',
  'measured in the same run, so it holds better than the absolute figures on a shared machine.'
]

/** The markdown section, markers included; a p99 column appears when some figure has one. */
export function markdownSection (result: BenchResult, opts: SectionOptions = {}): string {
  const m = result.machine
  const withP99 = hasP99(result.figures)
  const out = [
    `<!-- bench:${result.suite}:start -->`,
    `## ${opts.title ?? `${result.suite[0].toUpperCase()}${result.suite.slice(1)}`}`,
    '',
    `Written by \`npm run bench\` on ${m.date} (${result.seconds.toFixed(0)} s run).`,
    `Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.platform}.`,
    ...(opts.intro ?? DEFAULT_INTRO),
    '',
    `| measure | figure | median |${withP99 ? ' p99 |' : ''} min | max | runs | ratio (baseline) | note |`,
    `|---|---|--:|${withP99 ? '--:|' : ''}--:|--:|--:|---|---|`
  ]
  for (const f of result.figures) {
    const cells = [f.measure, f.name, ...statCells(f, withP99), ratioText(f), f.note ?? '']
    out.push(`| ${cells.map(escapeCell).join(' | ')} |`)
  }
  if (opts.after !== undefined && opts.after.length > 0) out.push('', ...opts.after)
  if (result.failures.length > 0) {
    out.push('', 'Failed in this run:', ...result.failures.map((f) => `- ${f.measure}: ${escapeCell(f.error.split('\n')[0])}`))
  }
  out.push(`<!-- bench:${result.suite}:end -->`)
  return out.join('\n')
}

/** A goal checked against one statistic of the figure with id `figure`. */
export interface Target { label: string, figure: string, stat: 'median' | 'p99' | 'max' | 'ratio', op: '<' | '<=' | '>=', limit: number }

/** One line per target: met, missed, or not measured. */
export function targetLines (figures: Figure[], targets: Target[]): string[] {
  return targets.map((t) => {
    const f = figures.find((x) => x.id === t.figure)
    const value = f?.[t.stat]
    if (f === undefined || value === undefined || !Number.isFinite(value)) return `not measured: ${t.label} (the measure failed in this run)`
    const ok = t.op === '<' ? value < t.limit : t.op === '<=' ? value <= t.limit : value >= t.limit
    const shown = t.stat === 'ratio' ? `${value.toFixed(2)}×` : formatValue(value, f.unit)
    return `${ok ? 'met' : 'missed'}: ${t.label}: ${t.stat} ${shown}`
  })
}

const DOC_HEADER = `# Benchmarks

Figures measured by \`npm run bench\` (see \`bench/\`). Each issue owns one section between
its \`<!-- bench:NAME:start -->\` and \`<!-- bench:NAME:end -->\` markers; a run replaces only
its own section. Absolute figures depend on the machine; the ratios against a baseline
measured in the same run are what to compare between runs.
`

/**
 * Replace (or add) the suite's section in `file`, creating the file when missing. Suites
 * with their own layout pass their own `render`; the rest of the file is left alone.
 */
export async function updateDoc (file: string, result: BenchResult, render: (r: BenchResult) => string = markdownSection): Promise<void> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    text = DOC_HEADER
  }
  const start = `<!-- bench:${result.suite}:start -->`
  const end = `<!-- bench:${result.suite}:end -->`
  const section = render(result)
  const i = text.indexOf(start)
  const j = text.indexOf(end)
  if (i !== -1 && j > i) text = text.slice(0, i) + section + text.slice(j + end.length)
  else if (i !== -1 || j !== -1) throw new Error(`${file}: the ${result.suite} markers are unpaired; fix them by hand`)
  else text = `${text.trimEnd()}\n\n${section}\n`
  await writeFile(file, text)
}

// SVG charts ----------------------------------------------------------------------------

/** One line of a chart: its samples are drawn as a cumulative distribution. */
export interface ChartSeries { label: string, samples: number[], color: string, width?: number, dashed?: boolean, legend?: boolean }

/** A cumulative-distribution chart: x is the value (ms), y the share of samples at or below it. */
export interface CdfChartOptions {
  title: string
  subtitle?: string
  xLabel: string
  yLabel?: string
  series: ChartSeries[]
  /** Logarithmic x axis (for latencies that span decades); default false. */
  log?: boolean
  /** Vertical lines, e.g. a target. */
  markers?: Array<{ x: number, label: string }>
  width?: number
  height?: number
}

const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `x`. */
function niceCeil (x: number): number {
  if (!(x > 0)) return 1
  const base = 10 ** Math.floor(Math.log10(x))
  return ([1, 2, 2.5, 5, 10].find((m) => m * base >= x) ?? 10) * base
}

/** Where values fall on the x axis (0..1), and the ticks to label. */
function xScale (values: number[], log: boolean): { at: (v: number) => number, ticks: number[] } {
  const max = Math.max(1e-9, ...values)
  if (!log) {
    const top = niceCeil(max)
    return { at: (v) => Math.min(1, Math.max(0, v / top)), ticks: [0, 1, 2, 3, 4, 5].map((i) => (top * i) / 5) }
  }
  const positive = values.filter((v) => v > 0)
  const lo = Math.floor(Math.log10(Math.min(...positive, max)))
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(max)))
  const at = (v: number): number => Math.min(1, Math.max(0, (Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)))
  return { at, ticks: Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i)) }
}

/** At most `max` points of a sorted series, as (value, share) pairs of its step line. */
function steps (sorted: number[], max = 400): Array<[number, number]> {
  const n = sorted.length
  const out: Array<[number, number]> = [[sorted[0], 0]]
  const stride = Math.max(1, Math.ceil(n / max))
  for (let i = 0; i < n; i += stride) {
    const j = Math.min(n - 1, i + stride - 1)
    out.push([sorted[i], i / n], [sorted[i], (j + 1) / n])
  }
  return out
}

/** A standalone SVG of step lines, one per series, with axes, ticks, markers, a title and a legend. */
export function cdfChart (opts: CdfChartOptions): string {
  const width = opts.width ?? 760
  const height = opts.height ?? 420
  const pad = { left: 64, right: 20, top: opts.subtitle === undefined ? 44 : 62, bottom: 52 }
  const plotW = width - pad.left - pad.right
  const plotH = height - pad.top - pad.bottom
  const scale = xScale([...opts.series.flatMap((s) => s.samples), ...(opts.markers ?? []).map((m) => m.x)], opts.log === true)
  const x = (v: number): string => (pad.left + scale.at(v) * plotW).toFixed(1)
  const y = (share: number): string => (pad.top + (1 - share) * plotH).toFixed(1)
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${pad.left}" y="22" font-size="15" font-weight="bold">${xmlEscape(opts.title)}</text>`
  ]
  if (opts.subtitle !== undefined) out.push(`<text x="${pad.left}" y="42" fill="#555">${xmlEscape(opts.subtitle)}</text>`)
  for (let i = 0; i <= 4; i++) {
    out.push(`<line x1="${pad.left}" x2="${pad.left + plotW}" y1="${y(i / 4)}" y2="${y(i / 4)}" stroke="#ddd"/>`,
      `<text x="${pad.left - 8}" y="${Number(y(i / 4)) + 4}" text-anchor="end">${i * 25}%</text>`)
  }
  for (const v of scale.ticks) {
    out.push(`<line x1="${x(v)}" x2="${x(v)}" y1="${pad.top}" y2="${pad.top + plotH}" stroke="#eee"/>`,
      `<text x="${x(v)}" y="${pad.top + plotH + 18}" text-anchor="middle">${Number(v.toPrecision(3)).toLocaleString('en')}</text>`)
  }
  out.push(`<rect x="${pad.left}" y="${pad.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
    `<text x="${pad.left + plotW / 2}" y="${height - 12}" text-anchor="middle">${xmlEscape(opts.xLabel)}</text>`,
    `<text transform="translate(16 ${pad.top + plotH / 2}) rotate(-90)" text-anchor="middle">${xmlEscape(opts.yLabel ?? 'share of samples')}</text>`)
  for (const m of opts.markers ?? []) {
    const lx = Number(x(m.x)) - 4
    const ly = pad.top + plotH / 2
    const w = m.label.length * 6.5 + 6
    out.push(`<line x1="${x(m.x)}" x2="${x(m.x)}" y1="${pad.top}" y2="${pad.top + plotH}" stroke="#27ae60" stroke-width="2" stroke-dasharray="3 3"/>`,
      `<rect x="${(lx - w).toFixed(1)}" y="${ly - 13}" width="${w.toFixed(1)}" height="18" fill="#fff" fill-opacity="0.85"/>`,
      `<text x="${lx.toFixed(1)}" y="${ly}" text-anchor="end" fill="#27ae60">${xmlEscape(m.label)}</text>`)
  }
  for (const series of opts.series) {
    const sorted = [...series.samples].sort((a, b) => a - b)
    if (sorted.length === 0) continue
    const points = steps(sorted).map(([v, share]) => `${x(v)},${y(share)}`)
    const dash = series.dashed === true ? ' stroke-dasharray="6 4"' : ''
    out.push(`<polyline fill="none" stroke="${series.color}" stroke-width="${series.width ?? 1.5}"${dash} points="${points.join(' ')}"/>`)
  }
  const legend = opts.series.filter((s) => s.legend !== false)
  if (legend.length > 0) out.push(`<rect x="${pad.left + plotW - 258}" y="${pad.top + plotH - 26 - (legend.length - 1) * 18}" width="254" height="${legend.length * 18 + 6}" fill="#fff" fill-opacity="0.85"/>`)
  legend.forEach((s, i) => {
    const ly = pad.top + plotH - 12 - (legend.length - 1 - i) * 18
    const lx = pad.left + plotW - 250
    out.push(`<line x1="${lx}" x2="${lx + 24}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="${Math.max(2, s.width ?? 1.5)}"${s.dashed === true ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${lx + 30}" y="${ly}">${xmlEscape(s.label)}</text>`)
  })
  out.push('</svg>')
  return out.join('\n') + '\n'
}
