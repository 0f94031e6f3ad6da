/**
 * The drill panel: a pure function from the live drill to a few lines of text, so it is
 * tested without a terminal. Reach over time is a sparkline drawn with block characters;
 * everything that came from a peer (drill name and id, participant names) is sanitised
 * again here, whatever the report already did.
 */
import type { Translate } from '../../src/i18n/index.js'
import { sanitizeName, sanitizeText } from '../../src/text/sanitize.js'
import type { DrillPanel, TuiState } from './state.js'
import { displayWidth, wrap } from './views.js'

/** Eight heights, lowest first: the lowest means nobody reached yet. */
const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█']
/** Rows given to each list of names (not reached yet, caught up); the rest is summed up as "+N more". */
const MAX_NAME_LINES = 3

/** Cut `text` to `width` columns, ending with an ellipsis when something was cut. */
export function clip (text: string, width: number): string {
  if (displayWidth(text) <= width) return text
  let out = ''
  let used = 0
  for (const ch of text) {
    const w = displayWidth(ch)
    if (used + w > width - 1) break
    out += ch
    used += w
  }
  return width >= 1 ? `${out}…` : ''
}

/** A duration for people: 500 ms, 42 s, 4 min 12 s, 2 h 5 min. */
export function formatSpan (ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`
  const total = Math.round(ms / 1000)
  const [h, m, s] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60]
  const parts = [h > 0 ? `${h} h` : '', m > 0 ? `${m} min` : '', s > 0 && h === 0 ? `${s} s` : '']
  return parts.filter(Boolean).join(' ') || '0 s'
}

/** A latency: milliseconds under a second, else seconds with one decimal in the language's format. */
export function formatLatency (ms: number | null, lang: string): string {
  if (ms === null) return '–'
  if (ms < 1000) return `${Math.round(ms)} ms`
  return `${new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(ms / 1000)} s`
}

/**
 * Reach over time as `width` block characters: column i shows how many participants had
 * been reached at (i + 1) / width of `spanMs`, from ▁ (nobody) to █ (everyone).
 */
export function reachSparkline (curve: DrillPanel['curve'], total: number, spanMs: number, width: number): string {
  let out = ''
  let at = 0
  let reached = 0
  for (let i = 0; i < width; i++) {
    const time = spanMs * (i + 1) / width
    while (at < curve.length && curve[at].atMs <= time) reached = curve[at++].reached
    out += BARS[total <= 0 || reached <= 0 ? 0 : Math.min(7, 1 + Math.floor(Math.min(1, reached / total) * 6.999))]
  }
  return out
}

/** Names after a label (not reached yet, caught up), on at most MAX_NAME_LINES rows, with "+N more" for the rest. */
function nameLines (names: string[], key: 'tui.drillUnreached' | 'tui.drillCaughtUp', t: Translate, width: number): string[] {
  const clean = names.map((n) => sanitizeText(n).trim()).filter((n) => n.length > 0)
  const text = (k: number): string => t(key, { names: clean.slice(0, k).join(', ') + (k < clean.length ? ` ${t('tui.drillMore', { count: clean.length - k })}` : '') })
  let k = 0
  while (k < clean.length && wrap(text(k + 1), width).length <= MAX_NAME_LINES) k++
  return wrap(text(k), width).slice(0, MAX_NAME_LINES).map((l) => clip(l, width))
}

/**
 * The drill panel for a pane `width` columns wide: header, reach chart, reach and
 * latency, then who is not reached yet. Empty when no drill runs in the current room.
 */
export function drillView (state: TuiState, t: Translate, width: number): string[] {
  const d = state.drill
  if (d === null) return []
  const w = Math.max(1, width)
  // A long name is cut so the probe count and the time left still fit in two rows.
  const name = clip(sanitizeName(d.name), Math.max(8, w - 40))
  const header = t('tui.drillHeader', { name, drill: clip(sanitizeName(d.drill), 16), sent: d.probesSent, planned: d.probesPlanned, left: formatSpan(Math.max(0, d.endsAt - d.now)) })
  // The chart spans the time elapsed so far, so it fills up as the drill goes on.
  const lastArrival = d.curve.length === 0 ? 0 : d.curve[d.curve.length - 1].atMs
  const span = Math.max(1000, d.now - d.startedAt, lastArrival)
  const axis = ` ${formatSpan(span)}`
  const chart = reachSparkline(d.curve, d.total, span, Math.max(1, w - displayWidth(axis))) + axis
  // "Half in under 2 s" rather than "p50": a workshop room reads the sentence, not the statistic.
  const reach = d.p50 === null || d.p90 === null
    ? t('tui.drillReachOnly', { reached: d.reached, total: d.total })
    : t('tui.drillReach', { reached: d.reached, total: d.total, p50: formatLatency(d.p50, state.lang), p90: formatLatency(d.p90, state.lang) })
  const lines = [...wrap(header, w).slice(0, 2).map((l) => clip(l, w)), clip(chart, w), ...wrap(reach, w).slice(0, 2).map((l) => clip(l, w))]
  if (d.total === 0) lines.push(clip(t('tui.drillNobody'), w))
  else if (d.unreached.length === 0) lines.push(clip(t('tui.drillAllReached'), w))
  else lines.push(...nameLines(d.unreached, 'tui.drillUnreached', t, w))
  if (d.caughtUp.length > 0) lines.push(...nameLines(d.caughtUp.map((c) => `${c.who} +${formatLatency(c.lateMs, state.lang)}`), 'tui.drillCaughtUp', t, w))
  return lines
}
