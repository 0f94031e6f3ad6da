/**
 * A small message catalogue. Each language is one file in ./messages exporting a
 * `messages` object with the same keys as English; adding a language means adding that
 * file (it is found by its name, e.g. messages/wo.js for Wolof). Missing keys fall back to
 * English, so a partial translation still works.
 */
import { messages as en } from './messages/en.js'

/** A message key (every key of the English catalogue). */
export type MessageKey = keyof typeof en
/** A catalogue: every key, or some of them. */
export type Catalogue = Partial<Record<MessageKey, string>>
/** A function that renders a message with its parameters. */
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string

/** Languages shipped with tamtam. */
export const LANGUAGES = ['en', 'fr'] as const

const loaded = new Map<string, Catalogue>([['en', en]])

/** The language asked for by --lang, else LC_ALL / LC_MESSAGES / LANG, else English. */
export function pickLang (explicit: string | undefined, env: NodeJS.ProcessEnv): string {
  const source = explicit ?? env.LC_ALL ?? env.LC_MESSAGES ?? env.LANG ?? ''
  const code = source.toLowerCase().split(/[_.@-]/)[0]
  return /^[a-z]{2,3}$/.test(code) ? code : 'en'
}

/** True when the language was set explicitly or by the environment (first run asks otherwise). */
export function langFromEnvironment (explicit: string | undefined, env: NodeJS.ProcessEnv): boolean {
  return explicit !== undefined || [env.LC_ALL, env.LC_MESSAGES, env.LANG].some((v) => v !== undefined && v !== '' && v !== 'C' && v !== 'POSIX')
}

/** Load a language's catalogue (English when there is no such file). */
export async function loadLang (lang: string): Promise<string> {
  if (loaded.has(lang)) return lang
  if (!/^[a-z]{2,3}$/.test(lang)) return 'en'
  try {
    const mod = await import(`./messages/${lang}.js`) as { messages: Catalogue }
    loaded.set(lang, mod.messages)
    return lang
  } catch {
    return 'en'
  }
}

/** A translator for a loaded language; `{name}` placeholders are filled from params. */
export function translator (lang: string): Translate {
  const catalogue = loaded.get(lang) ?? en
  return (key, params) => {
    const template = catalogue[key] ?? en[key] ?? key
    return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params?.[name] ?? `{${name}}`))
  }
}

/**
 * One formatter per language and style: making an Intl.DateTimeFormat costs about 0.1 ms,
 * and the app formats a time for each of its 300 lines on every redraw.
 */
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter (lang: string, style: 'datetime' | 'time'): Intl.DateTimeFormat {
  const key = `${lang}|${style}`
  let f = formatters.get(key)
  if (f === undefined) {
    f = new Intl.DateTimeFormat(lang, style === 'datetime' ? { dateStyle: 'short', timeStyle: 'short' } : { timeStyle: 'short' })
    formatters.set(key, f)
  }
  return f
}

/**
 * Format with a cached formatter, never throwing: times come from peers, and a date past
 * JavaScript's range (8.64e15 ms) made `format` throw and crash the app at start-up
 * (issue 17, finding 8). Such a time, or a non-number, shows as "?".
 */
function formatSafely (ts: number, lang: string, style: 'datetime' | 'time'): string {
  const date = new Date(typeof ts === 'number' ? ts : Number.NaN)
  if (!Number.isFinite(date.getTime())) return '?'
  try {
    return formatter(lang, style).format(date)
  } catch {
    return '?'
  }
}

/** Date and time in the local format of the language (e.g. 29/11/2026 14:05 in French); "?" for an invalid time. */
export function formatDateTime (ts: number, lang: string): string {
  return formatSafely(ts, lang, 'datetime')
}

/** Time only, for chat lines; "?" for an invalid time. */
export function formatTime (ts: number, lang: string): string {
  return formatSafely(ts, lang, 'time')
}
