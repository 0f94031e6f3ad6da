/**
 * Presenting benchmark results: a plain-text table for the terminal, a JSON object for
 * scripts, and a marked section of docs/benchmarks.md that is replaced in place so other
 * sections (one per issue) survive.
 */
import { readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import type { Figure } from './measure.js'

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

function rows (figures: Figure[]): string[][] {
  return figures.map((f) => [f.measure, f.name, formatValue(f.median, f.unit), formatValue(f.min, f.unit), formatValue(f.max, f.unit), String(f.runs), f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}×`])
}

const HEAD = ['measure', 'figure', 'median', 'min', 'max', 'runs', 'ratio']

/** The terminal table. */
export function textTable (result: BenchResult): string {
  const body = rows(result.figures)
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

/** The markdown section, markers included. */
export function markdownSection (result: BenchResult): string {
  const m = result.machine
  const out = [
    `<!-- bench:${result.suite}:start -->`,
    `## ${result.suite[0].toUpperCase()}${result.suite.slice(1)}`,
    '',
    `Written by \`npm run bench\` on ${m.date} (${result.seconds.toFixed(0)} s run).`,
    `Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.platform}.`,
    'Median over the runs shown, with min and max. Ratio is this median over the median of its baseline,',
    'measured in the same run, so it holds better than the absolute figures on a shared machine.',
    '',
    '| measure | figure | median | min | max | runs | ratio (baseline) | note |',
    '|---|---|--:|--:|--:|--:|---|---|'
  ]
  for (const f of result.figures) {
    const cells = [f.measure, f.name, formatValue(f.median, f.unit), formatValue(f.min, f.unit), formatValue(f.max, f.unit), String(f.runs), ratioText(f), f.note ?? '']
    out.push(`| ${cells.map(escapeCell).join(' | ')} |`)
  }
  if (result.failures.length > 0) {
    out.push('', 'Failed in this run:', ...result.failures.map((f) => `- ${f.measure}: ${escapeCell(f.error.split('\n')[0])}`))
  }
  out.push(`<!-- bench:${result.suite}:end -->`)
  return out.join('\n')
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
