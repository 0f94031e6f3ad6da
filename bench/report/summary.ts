/**
 * The summary at the top of docs/benchmarks.md: one row per target of issue 9, read from
 * the latest result of each suite, and one SVG chart (docs/bench-summary.svg) showing each
 * measured value as a share of its target. Every suite's result is kept in
 * docs/bench-results.json, with the time of the last full run, so running one suite
 * refreshes its rows and keeps the others (each row says when it was measured).
 */
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Figure } from '../lib/measure.js'
import { formatValue, type BenchResult } from './report.js'

/** The latest result of every suite, by suite name. */
export type Results = Record<string, BenchResult>

/** What docs/bench-results.json holds. */
export interface Stored {
  /** The last run of every suite: its wall time (from the first suite to the last) and when it ended. */
  lastFullRun: { seconds: number, date: string } | null
  suites: Results
}

/** Two medians closer than this are a tie: a "faster than" goal is then not claimed as met. */
const TIE = 0.01

/** One row: a figure (by suite and id), the statistic compared, and the goal. */
interface Goal {
  label: string
  suite: string
  figure: string
  stat: 'median' | 'p99' | 'max' | 'ratio'
  /** Met when value < limit ('<') or value >= limit ('>='); none: shown for reference. */
  op?: '<' | '>='
  limit?: number
  /** The goal in words, for the table. */
  goal: string
  /** A second figure whose median this one's median is divided by (for "faster than X"). */
  over?: { suite: string, figure: string }
}

/** The targets of issue 9 (and the ones before it that the same figures answer), in table order. */
const GOALS: Goal[] = [
  { label: 'connect: two nodes, spawn to first connection', suite: 'lan', figure: 'connect.spawn', stat: 'p99', op: '<', limit: 1000, goal: 'p99 under 1 s' },
  { label: 'delivery, 10 peers (namespaces)', suite: 'lan', figure: 'delivery.latency', stat: 'p99', op: '<', limit: 250, goal: 'p99 under 250 ms' },
  { label: 'delivery, 50 peers (namespaces, mesh of cap 16)', suite: 'lan', figure: 'delivery50.latency', stat: 'p99', goal: 'no target (reference: 250 ms)' },
  { label: 'documents, 50 Mbit/s link: tamtam against raw TCP', suite: 'documents', figure: 'documents.fetch', stat: 'ratio', op: '>=', limit: 0.9, goal: '0.9 of raw TCP or more' },
  { label: 'documents, 50 Mbit/s link: tamtam against Syncthing', suite: 'documents', figure: 'documents.fetch', stat: 'ratio', op: '>=', limit: 1, goal: 'faster than Syncthing', over: { suite: 'documents', figure: 'documents.syncthing' } },
  { label: '100 in-process peers, cap 8: one message reaches all', suite: 'mesh', figure: 'mesh.reach', stat: 'p99', op: '<', limit: 5000, goal: 'under 5 s (p99)' },
  { label: 'first screen, 100k messages: `tamtam log`, fresh process', suite: 'foundation', figure: 'screen.big', stat: 'median', op: '<', limit: 500, goal: 'under 500 ms' },
  { label: 'first screen, 100k messages: `tamtam tui` first paint', suite: 'tui', figure: 'paint.big', stat: 'p99', op: '<', limit: 500, goal: 'under 500 ms (p99)' },
  { label: 'RSS, 100 members and 100k messages', suite: 'scale', figure: 'scale.rss', stat: 'max', op: '<', limit: 150, goal: 'under 150 MB' },
  { label: 'phone page: returning phone, open to history painted (Chromium)', suite: 'phones', figure: 'phones.returning', stat: 'p99', op: '<', limit: 1500, goal: 'p99 under 1.5 s' },
  { label: 'phone to laptop delivery, 30 phone sessions writing', suite: 'phones', figure: 'phones.crowd', stat: 'p99', op: '<', limit: 250, goal: 'p99 under 250 ms' },
  { label: 'cold start: `tamtam --help`', suite: 'foundation', figure: 'cold.help', stat: 'median', op: '<', limit: 1000, goal: 'under 1 s' },
  { label: 'cold start: `tamtam tui` to first paint', suite: 'tui', figure: 'paint.small', stat: 'p99', op: '<', limit: 1000, goal: 'under 1 s (p99)' }
]

/** A row once looked up: the figure, the value compared, and the verdict. */
interface Row { goal: Goal, figure: Figure | null, value: number | null, date: string | null, met: boolean | null }

function lookup (results: Results, suite: string, id: string): { figure: Figure, date: string } | null {
  const r = results[suite]
  const figure = r?.figures.find((f) => f.id === id)
  return r === undefined || figure === undefined ? null : { figure, date: r.machine.date }
}

function evaluate (results: Results, goal: Goal): Row {
  const found = lookup(results, goal.suite, goal.figure)
  if (found === null) return { goal, figure: null, value: null, date: null, met: null }
  let value: number | undefined = found.figure[goal.stat]
  if (goal.over !== undefined) {
    const other = lookup(results, goal.over.suite, goal.over.figure)
    value = other === null ? undefined : found.figure.median / other.figure.median
  }
  if (value === undefined || !Number.isFinite(value)) return { goal, figure: found.figure, value: null, date: found.date, met: null }
  const met = goal.op === undefined || goal.limit === undefined ? null : goal.op === '<' ? value < goal.limit : value >= goal.limit
  return { goal, figure: found.figure, value, date: found.date, met }
}

const show = (row: Row, stat: 'median' | 'p99'): string => {
  const f = row.figure
  const v = f?.[stat]
  return f === null || v === undefined ? '' : formatValue(v, f.unit)
}

/** A "faster than" row whose ratio is within TIE of 1: neither is faster (both may fill the link). */
const isTie = (row: Row): boolean => row.goal.over !== undefined && row.value !== null && Math.abs(row.value - 1) < TIE

const verdict = (row: Row): string => {
  if (row.value === null) return 'not measured'
  if (isTie(row)) return 'tie (within 1%)'
  return row.met === null ? 'reference' : row.met ? 'met' : '**missed**'
}

/** The compared value in words: a ratio, or the statistic with its unit. */
function compared (row: Row): string {
  if (row.value === null || row.figure === null) return ''
  if (row.goal.stat === 'ratio') return `${row.value.toFixed(row.goal.over === undefined ? 2 : 3)}×`
  return `${row.goal.stat} ${formatValue(row.value, row.figure.unit)}`
}

/** The markdown section, markers included. */
export function summarySection (results: Results, lastFullRun: Stored['lastFullRun']): string {
  const rows = GOALS.map((g) => evaluate(results, g))
  const out = [
    '<!-- bench:summary:start -->',
    '## Summary: the targets of issue 9',
    '',
    lastFullRun === null
      ? 'Rows come from the latest run of each suite (the date is in the last column).'
      : `The last run of every suite (\`npm run bench\`, ended ${lastFullRun.date.slice(0, 16).replace('T', ' ')}) took ${(lastFullRun.seconds / 60).toFixed(1)} minutes, plus the build.`,
    ...(lastFullRun === null ? [] : ['Rows come from the latest run of each suite (the date is in the last column).']),
    'p99 is nearest-rank: with fewer than 100 samples it is the slowest. Each suite\'s section below has every',
    'figure, its baseline measured in the same run (raw TCP, bare `node`, a small room) and the ratio to it.',
    '',
    '| measure | goal | median | p99 | compared | verdict | suite, measured on |',
    '|---|---|--:|--:|--:|---|---|'
  ]
  for (const row of rows) {
    out.push(`| ${[row.goal.label, row.goal.goal, show(row, 'median'), show(row, 'p99'), compared(row), verdict(row), row.date === null ? row.goal.suite : `${row.goal.suite}, ${row.date.slice(0, 16).replace('T', ' ')}`].join(' | ')} |`)
  }
  out.push('', '![each measure as a share of its target: under 1 is met](bench-summary.svg)', '<!-- bench:summary:end -->')
  return out.join('\n')
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/`/g, '')

/**
 * A horizontal bar per target: the value as a share of the limit (value / limit for "under"
 * goals, limit / value for "at least" goals), so under 1 always means met. Bars past 2 are
 * cut and labelled.
 */
export function summaryChart (results: Results): string {
  const rows = GOALS.map((g) => evaluate(results, g)).filter((r) => r.value !== null && r.goal.limit !== undefined)
  const left = 330
  const width = 300
  const rowH = 26
  const top = 40
  const height = top + rows.length * rowH + 40
  const x = (share: number): number => left + Math.min(share, 2) / 2 * width
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 90}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">Each measure as a share of its target (under 1 is met)</text>`
  ]
  rows.forEach((row, i) => {
    const limit = row.goal.limit as number
    const value = row.value as number
    const share = row.goal.op === '>=' ? limit / value : value / limit
    const y = top + i * rowH
    const color = isTie(row) ? '#f9a825' : row.met === true ? '#2e7d32' : '#c62828'
    parts.push(`<text x="${left - 8}" y="${y + 15}" text-anchor="end">${esc(row.goal.label.length > 52 ? row.goal.label.slice(0, 51) + '…' : row.goal.label)}</text>`)
    parts.push(`<rect x="${left}" y="${y + 4}" width="${(x(share) - left).toFixed(1)}" height="${rowH - 10}" fill="${color}"/>`)
    parts.push(`<text x="${(x(share) + 4).toFixed(1)}" y="${y + 15}">${share.toFixed(2)}${share > 2 ? ' (cut)' : ''}</text>`)
  })
  const bottom = top + rows.length * rowH
  for (const tick of [0, 0.5, 1, 1.5, 2]) {
    parts.push(`<line x1="${x(tick)}" y1="${top}" x2="${x(tick)}" y2="${bottom}" stroke="${tick === 1 ? '#000' : '#ccc'}" stroke-width="${tick === 1 ? 2 : 1}"${tick === 1 ? '' : ' stroke-dasharray="3,3"'}/>`)
    parts.push(`<text x="${x(tick)}" y="${bottom + 16}" text-anchor="middle">${tick}${tick === 1 ? ' = target' : ''}</text>`)
  }
  parts.push('</svg>')
  return parts.join('\n') + '\n'
}

/** Read docs/bench-results.json (empty when missing or unreadable: the summary then says "not measured"). */
export async function readResults (file: string): Promise<Stored> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<Stored> | null
    const suites = typeof parsed?.suites === 'object' && parsed.suites !== null ? parsed.suites : {}
    return { lastFullRun: parsed?.lastFullRun ?? null, suites }
  } catch {
    return { lastFullRun: null, suites: {} }
  }
}

/**
 * Record this run's results, then rewrite the summary section (at the top of the doc, after
 * its header) and the chart. `totalSeconds` is given only when every suite ran.
 */
export async function updateSummary (doc: string, fresh: BenchResult[], totalSeconds: number | null): Promise<void> {
  const dir = path.dirname(doc)
  const resultsFile = path.join(dir, 'bench-results.json')
  const stored = await readResults(resultsFile)
  for (const r of fresh) if (r.figures.length > 0) stored.suites[r.suite] = r
  if (totalSeconds !== null) stored.lastFullRun = { seconds: totalSeconds, date: new Date().toISOString() }
  await writeFile(resultsFile, JSON.stringify(stored, null, 1) + '\n')
  await writeFile(path.join(dir, 'bench-summary.svg'), summaryChart(stored.suites))
  const text = await readFile(doc, 'utf8')
  const start = '<!-- bench:summary:start -->'
  const end = '<!-- bench:summary:end -->'
  const section = summarySection(stored.suites, stored.lastFullRun)
  const i = text.indexOf(start)
  const j = text.indexOf(end)
  let next: string
  if (i !== -1 && j > i) next = text.slice(0, i) + section + text.slice(j + end.length)
  else {
    // Before the first suite section: a marker at the start of a line (the header quotes one in backticks).
    const first = text.search(/^<!-- bench:/m)
    next = first === -1 ? `${text.trimEnd()}\n\n${section}\n` : `${text.slice(0, first)}${section}\n\n${text.slice(first)}`
  }
  await writeFile(doc, next)
}
