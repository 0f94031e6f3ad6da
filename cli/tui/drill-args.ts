/**
 * What `/drill ...` asks for, parsed without touching the node so it can be tested alone:
 *
 *   /drill [NAME] [--probes N] [--interval 20s] [--duration 5m]   start a drill here
 *   /drill report [html|md|csv|json|svg] [FILE]                   write its report
 *   /drill on | /drill off                                        acknowledge probes here, or not
 *
 * Values are passed on as typed: the shared `drill.start` command checks numbers and
 * durations, so the CLI and the TUI refuse the same things with the same words.
 */
import { fail } from '../../src/errors/index.js'
import type { Translate } from '../../src/i18n/index.js'

/** Report formats `/drill report` recognises as its first word (as `drill report --format`). */
export const DRILL_REPORT_FORMATS = ['html', 'md', 'csv', 'json', 'svg'] as const
/** A report format. */
export type DrillReportFormat = typeof DRILL_REPORT_FORMATS[number]

/** A parsed `/drill` line. */
export type DrillRequest =
  | { action: 'start', name?: string, probes?: string, interval?: string, duration?: string }
  | { action: 'report', format?: DrillReportFormat, file?: string }
  | { action: 'ack', on: boolean }

/** Options of `/drill NAME ...`, by flag. */
const START_OPTIONS = new Map<string, 'name' | 'probes' | 'interval' | 'duration'>([
  ['--name', 'name'], ['--probes', 'probes'], ['--interval', 'interval'], ['--duration', 'duration']
])

/** Split on spaces, keeping "quoted words" together (without their quotes). */
export function splitWords (text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3])
}

function usage (t: Translate, problem: string): Error {
  return fail('USAGE', `${problem} ${t('tui.drillUsage')}`)
}

function parseStart (rest: string, t: Translate): DrillRequest {
  const words = splitWords(rest)
  const request: { action: 'start', name?: string, probes?: string, interval?: string, duration?: string } = { action: 'start' }
  const name: string[] = []
  for (let i = 0; i < words.length; i++) {
    const word = words[i]
    if (!word.startsWith('--')) {
      name.push(word)
      continue
    }
    const [flag, inline] = word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined]
    const key = START_OPTIONS.get(flag.toLowerCase())
    if (key === undefined) throw usage(t, t('tui.drillUnknownOption', { option: flag }))
    const value = inline ?? words[++i]
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) throw usage(t, t('tui.drillMissingValue', { option: flag }))
    request[key] = value
  }
  if (name.length > 0) request.name = name.join(' ')
  return request
}

function parseReport (after: string, t: Translate): DrillRequest {
  const unquote = (s: string): string => s.replace(/^(["'])(.*)\1$/, '$2')
  const match = /^(\S+)(?:\s+([\s\S]*))?$/.exec(after)
  if (match === null) return { action: 'report' }
  // CLI habits (--format, -o) would otherwise become a file named "--format html".
  if (match[1].startsWith('-')) throw usage(t, t('tui.drillUnknownOption', { option: match[1] }))
  const first = match[1].toLowerCase()
  if ((DRILL_REPORT_FORMATS as readonly string[]).includes(first)) {
    const file = match[2]?.trim()
    return { action: 'report', format: first as DrillReportFormat, ...(file === undefined || file === '' ? {} : { file: unquote(file) }) }
  }
  return { action: 'report', file: unquote(after) }
}

/** Parse what follows `/drill`; bad input throws a USAGE error whose message says what to type. */
export function parseDrill (rest: string, t: Translate): DrillRequest {
  const text = rest.trim()
  const [first = '', ...others] = text.split(/\s+/)
  const word = first.toLowerCase()
  if (word === 'report') return parseReport(text.slice(first.length).trim(), t)
  if (word === 'on' || word === 'off') {
    if (others.length > 0) throw usage(t, t('tui.drillNoArgument', { word }))
    return { action: 'ack', on: word === 'on' }
  }
  return parseStart(text, t)
}

/** The default report file name, `rapport-<drill>.<format>`; the id comes from a log, so only safe characters are kept. */
export function defaultReportFile (drill: string, format: DrillReportFormat): string {
  const id = drill.replace(/[^0-9A-Za-z_-]/g, '').slice(0, 32)
  return `rapport-${id === '' ? 'exercice' : id}.${format}`
}
