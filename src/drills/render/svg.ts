/**
 * Charts of a drill report as standalone SVG: no script, no external font or stylesheet,
 * so they open offline, embed in the HTML report, and project in a room with no Internet.
 */
import type { DrillReport } from '../types.js'
import { cleanText, decimal, escapeMarkup, formatMs, REACH_MARKS, reportName } from './format.js'
import { label, toLang, type Lang } from './labels.js'

/**
 * Size and language of a chart. `fluid` leaves the size to the page (only the viewBox is
 * set), so a chart in the HTML report fills the width of a projected screen instead of
 * half of it; its text grows with it.
 */
export interface ChartOptions { width?: number, height?: number, lang?: Lang, fluid?: boolean }

interface Plot { left: number, top: number, width: number, height: number }

const DEFAULT_WIDTH = 640
const DEFAULT_HEIGHT = 360
const MARGIN = { top: 56, right: 24, bottom: 56, left: 56 }
const COLOURS = { axis: '#444', grid: '#ddd', data: '#1f6feb', fill: '#1f6feb22', mark: '#c2410c' }

// Latency buckets: fixed and roughly logarithmic, so two drills' histograms compare at a
// glance and both a LAN (tens of ms) and a courier on foot (minutes) fit on one chart.
const BUCKETS = [
  { below: 100, text: '< 100 ms' },
  { below: 250, text: '100–250 ms' },
  { below: 500, text: '250–500 ms' },
  { below: 1_000, text: '0.5–1 s' },
  { below: 2_000, text: '1–2 s' },
  { below: 5_000, text: '2–5 s' },
  { below: 10_000, text: '5–10 s' },
  { below: 30_000, text: '10–30 s' },
  { below: 60_000, text: '30–60 s' },
  { below: 120_000, text: '1–2 min' },
  { below: Infinity, text: '≥ 2 min' }
]

/** The reach curve as a step chart: participants reached against seconds since the start. */
export function reachChartSvg (report: DrillReport, opts: ChartOptions = {}): string {
  const lang = toLang(opts.lang)
  const { width, height, plot } = layout(opts)
  const points = report.curve
    .filter((p) => Number.isFinite(p.atMs) && p.atMs >= 0 && Number.isFinite(p.reached))
    .sort((a, b) => a.atMs - b.atMs)
  const lastSeconds = points.length > 0 ? points[points.length - 1].atMs / 1000 : 0
  // The whole drill, so the room sees how long it was watched, not just until the last
  // arrival; and always past 120 s so the three markers are on the chart.
  const durationSeconds = Number.isFinite(report.durationMs) && report.durationMs > 0 ? Math.min(report.durationMs, 24 * 3600_000) / 1000 : 0
  const xTicks = ticks(Math.max(lastSeconds, durationSeconds, 125), 6)
  const total = points.reduce((most, p) => Math.max(most, p.reached), Math.max(0, report.reach.total))
  const yTicks = ticks(Math.max(total, 1), 5, 1)
  const x = scale(xTicks[xTicks.length - 1], plot.left, plot.width)
  const y = scale(yTicks[yTicks.length - 1], plot.top + plot.height, -plot.height)

  // A step line: reach only changes when a receipt arrives, so no slope between points.
  let line = `M${num(x(0))} ${num(y(0))}`
  for (const p of points) line += ` H${num(x(p.atMs / 1000))} V${num(y(p.reached))}`
  line += ` H${num(x(xTicks[xTicks.length - 1]))}`
  const area = `${line} V${num(y(0))} Z`

  const body = [
    axes(plot, xTicks.map((t) => ({ at: x(t), text: String(t) })),
      yTicks.map((t) => ({ at: y(t), text: String(t) })),
      label(lang, 'secondsSinceStart'), label(lang, 'participantsReached', { total })),
    `<path d="${area}" fill="${COLOURS.fill}" stroke="none"/>`,
    `<path d="${line}" fill="none" stroke="${COLOURS.data}" stroke-width="2"/>`,
    ...REACH_MARKS.map((mark, row) => marker(plot, x(mark.ms / 1000), row,
      `${mark.ms / 1000} s · ${report.reach[mark.key]}/${report.reach.total}`))
  ]
  const subtitle = label(lang, 'labelled', { label: label(lang, 'room'), value: cleanText(report.room) })
  return frame(width, height, `${label(lang, 'reachChart')} — ${reportName(report)}`, subtitle, body, opts.fluid === true)
}

/** Receipt latencies (all probes) counted into fixed buckets, as bars. */
export function latencyHistogramSvg (report: DrillReport, opts: ChartOptions = {}): string {
  const lang = toLang(opts.lang)
  const { width, height, plot } = layout(opts)
  const counts = BUCKETS.map(() => 0)
  for (const participant of report.participants) {
    for (const receipt of participant.receipts) {
      if (!Number.isFinite(receipt.latencyMs)) continue
      // Negative estimates (clock offset error) land in the first bucket: they mean "fast".
      counts[BUCKETS.findIndex((b) => receipt.latencyMs < b.below)]++
    }
  }
  // 10 % headroom so the count printed above the tallest bar stays inside the plot.
  const yTicks = ticks(Math.max(1, ...counts) * 1.1, 5, 1)
  const y = scale(yTicks[yTicks.length - 1], plot.top + plot.height, -plot.height)
  const slot = plot.width / BUCKETS.length
  const bars = counts.map((count, i) => {
    const left = plot.left + i * slot + slot * 0.1
    const top = y(count)
    const bar = `<rect x="${num(left)}" y="${num(top)}" width="${num(slot * 0.8)}" height="${num(y(0) - top)}" fill="${COLOURS.data}"/>`
    return count === 0 ? bar : bar + text(left + slot * 0.4, top - 4, String(count), 'middle')
  })
  const xTicks = BUCKETS.map((b, i) => ({
    at: plot.left + (i + 0.5) * slot,
    text: lang === 'fr' ? b.text.replace('0.5', decimal(0.5, 1, lang)) : b.text
  }))
  const body = [
    // No x caption: the slanted bucket labels use its room, and each one names its unit.
    axes(plot, xTicks, yTicks.map((t) => ({ at: y(t), text: String(t) })),
      null, label(lang, 'receiptCount')),
    ...bars
  ]
  const { p50, p90, max } = report.latency
  const subtitle = `${label(lang, 'p50')} ${formatMs(p50, lang)} · ${label(lang, 'p90')} ${formatMs(p90, lang)} · ${label(lang, 'max')} ${formatMs(max, lang)}`
  return frame(width, height, `${label(lang, 'latencyChart')} — ${reportName(report)}`, subtitle, body, opts.fluid === true)
}

/** Chart size from options, falling back to defaults for anything unusable. */
function layout (opts: ChartOptions): { width: number, height: number, plot: Plot } {
  const width = size(opts.width, DEFAULT_WIDTH)
  const height = size(opts.height, DEFAULT_HEIGHT)
  const plot = {
    left: MARGIN.left,
    top: MARGIN.top,
    width: width - MARGIN.left - MARGIN.right,
    height: height - MARGIN.top - MARGIN.bottom
  }
  return { width, height, plot }
}

function size (value: number | undefined, fallback: number): number {
  // Below 200 px the margins eat the plot; above 10 000 px it is surely a mistake.
  return typeof value === 'number' && Number.isFinite(value) && value >= 200
    ? Math.min(Math.round(value), 10_000)
    : fallback
}

/** The root element, with a <title> so screen readers and browser tabs can name it. */
function frame (width: number, height: number, title: string, subtitle: string, body: string[], fluid: boolean): string {
  const dims = fluid ? '' : ` width="${width}" height="${height}"`
  return [
    `<svg xmlns="http://www.w3.org/2000/svg"${dims} viewBox="0 0 ${width} ${height}" role="img" font-family="system-ui, sans-serif" font-size="12">`,
    `<title>${escapeMarkup(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${MARGIN.left}" y="22" font-size="16" font-weight="bold">${escapeMarkup(title)}</text>`,
    `<text x="${MARGIN.left}" y="40" fill="${COLOURS.axis}">${escapeMarkup(subtitle)}</text>`,
    ...body,
    '</svg>',
    ''
  ].join('\n')
}

/** Both axes with grid lines, tick labels and captions; without an x caption, x labels are slanted to fit. */
function axes (plot: Plot, xTicks: Tick[], yTicks: Tick[], xCaption: string | null, yCaption: string): string {
  const slanted = xCaption === null
  const bottom = plot.top + plot.height
  const out: string[] = []
  for (const t of yTicks) {
    out.push(`<line x1="${plot.left}" x2="${plot.left + plot.width}" y1="${num(t.at)}" y2="${num(t.at)}" stroke="${COLOURS.grid}"/>`)
    out.push(text(plot.left - 6, t.at + 4, t.text, 'end'))
  }
  for (const t of xTicks) {
    out.push(`<line x1="${num(t.at)}" x2="${num(t.at)}" y1="${bottom}" y2="${bottom + 4}" stroke="${COLOURS.axis}"/>`)
    out.push(slanted
      ? `<text x="${num(t.at)}" y="${bottom + 14}" text-anchor="end" font-size="10" transform="rotate(-30 ${num(t.at)} ${bottom + 14})">${escapeMarkup(t.text)}</text>`
      : text(t.at, bottom + 16, t.text, 'middle'))
  }
  out.push(`<path d="M${plot.left} ${plot.top} V${bottom} H${plot.left + plot.width}" fill="none" stroke="${COLOURS.axis}"/>`)
  if (xCaption !== null) out.push(text(plot.left + plot.width / 2, bottom + 36, xCaption, 'middle'))
  const middle = plot.top + plot.height / 2
  out.push(`<text x="16" y="${num(middle)}" text-anchor="middle" transform="rotate(-90 16 ${num(middle)})">${escapeMarkup(yCaption)}</text>`)
  return out.join('\n')
}

interface Tick { at: number, text: string }

/** A dashed vertical line with its label; `row` staggers labels so close markers stay legible. */
function marker (plot: Plot, at: number, row: number, caption: string): string {
  return [
    `<line x1="${num(at)}" x2="${num(at)}" y1="${plot.top}" y2="${plot.top + plot.height}" stroke="${COLOURS.mark}" stroke-dasharray="4 3"/>`,
    `<text x="${num(at + 4)}" y="${plot.top + 12 + row * 14}" fill="${COLOURS.mark}">${escapeMarkup(caption)}</text>`
  ].join('\n')
}

function text (x: number, y: number, content: string, anchor: 'start' | 'middle' | 'end'): string {
  return `<text x="${num(x)}" y="${num(y)}" text-anchor="${anchor}">${escapeMarkup(content)}</text>`
}

/** Round tick values from 0 to at least `max`, about `count` of them, steps of 1, 2 or 5 × 10ⁿ. */
function ticks (max: number, count: number, minStep = 0): number[] {
  const raw = max / count
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const step = Math.max(minStep, ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude)
  const out: number[] = []
  for (let i = 0; out.length === 0 || out[out.length - 1] < max; i++) out.push(round(i * step))
  return out
}

/** A linear map from [0, domain] to [start, start + span]. */
function scale (domain: number, start: number, span: number): (value: number) => number {
  return (value) => start + (Math.min(Math.max(value, 0), domain) / domain) * span
}

// Floating point noise (0.30000000000000004) would show in tick labels.
function round (value: number): number {
  return Math.round(value * 1e6) / 1e6
}

// Coordinates with one decimal; a non-finite value would make the attribute invalid.
function num (value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 10) / 10) : '0'
}
