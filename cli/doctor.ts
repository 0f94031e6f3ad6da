/**
 * `tamtam doctor`: its flags and its human output. The library runs the checks
 * (src/doctor) and returns findings with stable codes; this file turns each code into a
 * line of text and its one fix, from the catalogue (`doctor.CODE`, `doctor.CODE.fix`).
 * With the global --json, the result is printed as is, codes included.
 */
import type { Command } from 'commander'
import type { MessageKey, Translate } from '../src/i18n/index.js'
import type { Feature, Run } from './feature.js'


/** Add `doctor [--wait SECONDS]` to the program; `h` gives a help text by key. */
export function registerDoctorCommand (program: Command, run: Run, h: (key: string) => string): void {
  program.command('doctor').description(h('help.doctor.0'))
    .option('--wait <seconds>', h('help.doctor.1'), '4')
    .addHelpText('after', `\n  --json  ${h('help.doctor.2')}\n`)
    .action(async (o: { wait: string }) => await run('doctor', { wait: o.wait }))
}

interface Finding { code: string, level: string, data?: Record<string, unknown> }

const MARK: Record<string, string> = { ok: '  ok  ', info: ' info ', warn: ' warn ', problem: '  !!  ' }

/** A data value as text: peers as host:port, lists joined by commas. */
function text (value: unknown): string {
  if (Array.isArray(value)) return value.map(text).join(', ')
  if (value !== null && typeof value === 'object') {
    const v = value as Record<string, unknown>
    return 'host' in v && 'port' in v ? `${String(v.host)}:${String(v.port)}` : JSON.stringify(v)
  }
  return String(value)
}

/** The catalogue text of `key`, or null when the catalogue has no such key. */
function lookup (t: Translate, key: string, params: Record<string, string>): string | null {
  const out = t(key as MessageKey, params)
  return out === key ? null : out
}

/** One finding: a mark, its text, and its fix on the next line when it has one. */
function findingLines (f: Finding, t: Translate): string[] {
  const params = Object.fromEntries(Object.entries(f.data ?? {}).map(([k, v]) => [k, text(v)]))
  const line = `[${MARK[f.level] ?? f.level}] ${lookup(t, `doctor.${f.code}`, params) ?? `${f.code} ${JSON.stringify(f.data ?? {})}`}`
  const fix = f.level === 'ok' ? null : lookup(t, `doctor.${f.code}.fix`, params)
  return fix === null ? [line] : [line, `         ${t('doctor.fix' as MessageKey)} ${fix}`]
}

/** Human output of `doctor`: one block per finding, then the count of problems and warnings. */
export function formatDoctor (result: unknown, t: Translate): string {
  const r = result as { findings: Finding[], summary: { problems: number, warnings: number } }
  const lines = r.findings.flatMap((f) => findingLines(f, t))
  const { problems, warnings } = r.summary
  lines.push('', problems + warnings === 0 ? t('doctor.allGood' as MessageKey) : t('doctor.summary' as MessageKey, { problems, warnings }))
  return lines.join('\n')
}

/** The doctor feature. */
export const doctorFeature: Feature = {
  register: ({ program, run, t }) => registerDoctorCommand(program, run, (key) => t(key as MessageKey)),
  format: { doctor: (result, f) => formatDoctor(result, f.t) }
}
