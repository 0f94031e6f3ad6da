/**
 * Pure helpers shared by the renderers, so that md, html, csv and svg show the same
 * numbers in the same words.
 */
import type { DrillReport, Participant, Receipt } from '../types.js'
import { sanitizeText } from '../../text/sanitize.js'
import type { Lang } from './labels.js'

/** The three delays at which reach is reported and marked on the chart. */
export const REACH_MARKS = [
  { ms: 5_000, key: 'at5s' },
  { ms: 30_000, key: 'at30s' },
  { ms: 120_000, key: 'at120s' }
] as const

// U+FFFE and U+FFFF are not characters; XML forbids them even escaped, and sanitizeText
// keeps them, so one hostile name would make the whole SVG unreadable.
const NON_CHARACTERS = /[\ufffe\uffff]/g

/**
 * Text from the report made printable: names come from peers, so escape sequences,
 * control characters, bidi overrides and newlines go before any format-specific escaping.
 */
export function cleanText (text: unknown): string {
  return sanitizeText(String(text ?? '')).replace(NON_CHARACTERS, '')
}

/**
 * Escape text for XML and HTML, attributes included (quotes too). Only `cleanText` output
 * should reach it, since XML has no escape at all for most control characters.
 */
export function escapeMarkup (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

/** A decimal number with the language's separator (French writes 12,4). */
export function decimal (value: number, digits: number, lang: Lang): string {
  const text = value.toFixed(digits)
  return lang === 'fr' ? text.replace('.', ',') : text
}

/** Milliseconds for people: "850 ms" below a second, "12.4 s" above; "—" when unknown. */
export function formatMs (ms: number | null | undefined, lang: Lang): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '—'
  // Round first so 999.7 ms reads "1.0 s", not "1000 ms".
  if (Math.abs(Math.round(ms)) < 1000) return `${Math.round(ms)} ms`
  return `${decimal(ms / 1000, 1, lang)} s`
}

/** `count` of `total` as a whole percentage; "—" when there is nobody to count. */
export function formatPercent (count: number, total: number, lang: Lang): string {
  if (!Number.isFinite(count) || !Number.isFinite(total) || total <= 0) return '—'
  const percent = Math.round((100 * count) / total)
  // French typography puts a (non-breaking) space before %.
  return lang === 'fr' ? `${percent}\u00a0%` : `${percent}%`
}

/**
 * An epoch time as a date and time in `lang`, in the local time zone (or `timeZone`), with
 * the zone named: a room in UTC+1 reads its own hour, and a report sent elsewhere stays
 * unambiguous. "—" when it is not a valid date.
 */
export function formatTime (ms: number, lang: Lang = 'en', timeZone?: string): string {
  const date = new Date(ms)
  if (!Number.isFinite(date.getTime())) return '—'
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeStyle: 'long', timeZone }).format(date)
}

/** Compare names as people look them up: alphabetical in `lang`, case, accents and leading symbols ignored ("@Awa" with the A's). */
export function nameOrder (lang: Lang): (a: string, b: string) => number {
  const collator = new Intl.Collator(lang, { sensitivity: 'base', numeric: true, ignorePunctuation: true })
  const key = (name: string): string => cleanText(name).replace(/^[^\p{L}\p{N}]+/u, '')
  return (a, b) => collator.compare(key(a), key(b))
}

/** Participants by name (see nameOrder), then fingerprint, so people find themselves in the tables. */
export function byName (participants: Participant[], lang: Lang): Participant[] {
  const order = nameOrder(lang)
  return [...participants].sort((a, b) => order(a.name, b.name) || a.fingerprint.localeCompare(b.fingerprint))
}

/** Probe numbers for people, 1-based as in the chat ("probe 1/5"): "3, 4". */
export function probeNumbers (probes: number[]): string {
  return probes.map((n) => String(n + 1)).join(', ')
}

/**
 * The participant's fastest receipt. Hops and path in the tables come from this same
 * receipt so that a row describes one real delivery, not a mix of several.
 */
export function bestReceipt (participant: Participant): Receipt | null {
  let best: Receipt | null = null
  for (const receipt of participant.receipts) {
    if (best === null || receipt.latencyMs < best.latencyMs) best = receipt
  }
  return best
}

/** A path as one line of cleaned names, facilitator first. */
export function formatPath (path: string[]): string {
  return path.map(cleanText).join(' → ')
}

/** Hop counts in reading order: 1, 2, 3 … then unknown. */
export function hopRows (hops: DrillReport['hops']): Array<{ hops: string, receipts: number }> {
  const order = (key: string): number => /^\d+$/.test(key) ? Number(key) : Infinity
  return Object.entries(hops)
    .map(([key, count]) => ({ hops: key, receipts: count }))
    // Two non-numeric keys give NaN (Infinity - Infinity): fall back to their text.
    .sort((a, b) => (order(a.hops) - order(b.hops)) || a.hops.localeCompare(b.hops))
}

/** The report's title line: its name, or its id when unnamed. */
export function reportName (report: DrillReport): string {
  return cleanText(report.name) || cleanText(report.drill)
}
