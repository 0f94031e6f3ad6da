/**
 * The report's tables as plain, cleaned text. Markdown and HTML lay out the same rows and
 * only differ in escaping, so both formats always say the same thing.
 */
import type { DrillReport, Participant } from '../types.js'
import { bestReceipt, cleanText, formatMs, formatPath, formatPercent, formatTime, hopRows, REACH_MARKS } from './format.js'
import { label, type Lang } from './labels.js'

/** A table of cleaned but unescaped text. */
export interface Table { header: string[], rows: string[][] }

/** The heading block: room, drill, facilitator, start time, probes. */
export function summary (report: DrillReport, lang: Lang): Array<{ label: string, value: string }> {
  const { facilitator } = report
  const probes = label(lang, 'probesSent', { sent: report.probes.length, planned: report.plannedProbes })
  return [
    { label: label(lang, 'room'), value: cleanText(report.room) },
    { label: label(lang, 'drill'), value: cleanText(report.drill) },
    { label: label(lang, 'facilitator'), value: `${cleanText(facilitator.name)} (${cleanText(facilitator.fingerprint)})` },
    { label: label(lang, 'started'), value: formatTime(report.startedAt) },
    { label: label(lang, 'probes'), value: probes }
  ]
}

/** Reach at 5 s, 30 s and 120 s: count of total, and share. */
export function reachTable (report: DrillReport, lang: Lang): Table {
  const { total } = report.reach
  return {
    header: [label(lang, 'within'), label(lang, 'reached'), label(lang, 'share')],
    rows: REACH_MARKS.map((mark) => [
      `${mark.ms / 1000} s`,
      `${report.reach[mark.key]}/${total}`,
      formatPercent(report.reach[mark.key], total, lang)
    ])
  }
}

/** Latency percentiles over every receipt. */
export function latencyTable (report: DrillReport, lang: Lang): Table {
  const { p50, p90, max, count } = report.latency
  return {
    header: ['p50', 'p90', 'max', label(lang, 'receipts')],
    rows: [[formatMs(p50, lang), formatMs(p90, lang), formatMs(max, lang), String(count)]]
  }
}

/** Receipts by hop count, 'unknown' translated and last. */
export function hopTable (report: DrillReport, lang: Lang): Table {
  return {
    header: [label(lang, 'hops'), label(lang, 'receipts')],
    rows: hopRows(report.hops).map((row) => [
      row.hops === 'unknown' ? label(lang, 'unknown') : cleanText(row.hops),
      String(row.receipts)
    ])
  }
}

/** One row per participant, reached or not. */
export function participantTable (report: DrillReport, lang: Lang): Table {
  return {
    header: (['name', 'fingerprint', 'probesReceived', 'bestLatency', 'hops', 'path', 'clock'] as const)
      .map((key) => label(lang, key)),
    rows: report.participants.map((participant) => participantRow(participant, lang))
  }
}

/** Hops and path come from the fastest receipt, so the row describes one real delivery. */
function participantRow (participant: Participant, lang: Lang): string[] {
  const best = bestReceipt(participant)
  return [
    cleanText(participant.name),
    cleanText(participant.fingerprint),
    String(participant.receipts.length),
    formatMs(best?.latencyMs, lang),
    best === null ? '—' : best.hops === null ? label(lang, 'unknown') : String(best.hops),
    best === null || best.path.length === 0 ? '—' : formatPath(best.path),
    label(lang, participant.clock === 'round-trip' ? 'round-trip' : 'unverified')
  ]
}

/** The closing line: when the report was built and from how many logs. */
export function builtLine (report: DrillReport, lang: Lang): string {
  return label(lang, 'built', { at: formatTime(report.builtAt), logs: report.logs })
}
