/**
 * The private message commands of the CLI: `dm` and `dms`. The library does the work
 * (src/commands/dm.ts); this file maps flags to args and results to lines. Names and
 * texts come from peers, so they are sanitised again here before they are printed.
 */
import type { Command } from 'commander'
import type { MessageKey, Translate } from '../src/i18n/index.js'
import { sanitizeName, sanitizeText } from '../src/text/sanitize.js'
import { byName, type Feature, type Run } from './feature.js'

type Result = Record<string, any>

/** Add `dm` and `dms` to the program. */
export function registerDmCommands (program: Command, run: Run, t: Translate): void {
  const h = (key: string): string => t(key as MessageKey)
  program.command('dm <room> <member> <text...>').description(h('help.dm.0'))
    .addHelpText('after', h('help.dm.1'))
    .action(async (r: string, member: string, words: string[]) => await run('dm', { room: r, member, text: words.join(' ') }))
  program.command('dms <room> [member]').description(h('help.dm.2'))
    .option('--limit <n>', h('help.dm.3'), '50')
    .action(async (r: string, member: string | undefined, o: Result) => await run('dms', { room: r, member, limit: o.limit }))
}

/** Local date and time as YYYY-MM-DD HH:MM, the same in every language. */
function when (ts: unknown): string {
  const d = new Date(Number(ts))
  const two = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`
}

const fp = (v: unknown): string => sanitizeName(String(v ?? '')).slice(0, 9)

/** One message; continuation lines are indented so a text cannot draw a fake message line. */
function messageLine (m: Result, t: Translate): string {
  const who = m.mine === true ? t('dm.you') : sanitizeName(String(m.fromName))
  const text = sanitizeText(String(m.text), { multiline: true }).replace(/\n/g, '\n' + ' '.repeat(18))
  return `${when(m.ts)}  ${who}: ${text}`
}

/** Human output of the private message commands; null for other commands. */
export function formatDm (command: string, result: unknown, t: Translate): string | null {
  const r = result as Result
  switch (command) {
    case 'dm':
      return t('dm.sent', { name: sanitizeName(String(r.to?.name)), id: String(r.id) })
    case 'dms': {
      const room = sanitizeName(String(r.room))
      if (Array.isArray(r.conversations)) {
        if (r.conversations.length === 0) return t('dm.none', { room })
        return (r.conversations as Result[]).map((c) => t('dm.conversation', { name: sanitizeName(String(c.name)), fingerprint: fp(c.fingerprint), count: String(c.count), last: when(c.last) })).join('\n')
      }
      const name = sanitizeName(String(r.with?.name))
      const messages = (r.messages ?? []) as Result[]
      if (messages.length === 0) return t('dm.empty', { name, room })
      return [t('dm.header', { name, fingerprint: fp(r.with?.fingerprint) }), ...messages.map((m) => messageLine(m, t))].join('\n')
    }
    default:
      return null
  }
}

/** The private message feature: `dm` and `dms`. */
export const dmFeature: Feature = {
  register: ({ program, run, t }) => registerDmCommands(program, run, t),
  format: byName(['dm', 'dms'], formatDm)
}
