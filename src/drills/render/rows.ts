/**
 * The report's tables as plain, cleaned text. Markdown and HTML lay out the same rows and
 * only differ in escaping, so both formats always say the same thing.
 */
import type { DrillReport, Participant } from '../types.js'
import { bestReceipt, byName, cleanText, nameOrder, formatMs, formatPath, formatPercent, formatTime, hopRows, probeNumbers, REACH_MARKS } from './format.js'
import { lateAfter } from '../standing.js'
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
    { label: label(lang, 'started'), value: formatTime(report.startedAt, lang) },
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
    header: [label(lang, 'p50'), label(lang, 'p90'), label(lang, 'max'), label(lang, 'receipts')],
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

/**
 * One row per probe: when it was sent, who had it within 5 s and who in the end. A stop
 * during the drill shows here: the probes sent while people were away reach fewer within
 * 5 s, then everyone once they are back.
 */
export function probeTable (report: DrillReport, lang: Lang): Table {
  const total = report.participants.length
  return {
    header: [label(lang, 'probe'), label(lang, 'sentAfter'), label(lang, 'reachedWithin5s'), label(lang, 'reachedInTheEnd')],
    rows: [...report.probes].sort((a, b) => a.probe - b.probe).map((p) => {
      const fast = report.participants.filter((x) => x.receipts.some((r) => r.probe === p.probe && r.latencyMs <= 5_000)).length
      const late = report.participants.filter((x) => x.receipts.some((r) => r.probe === p.probe)).length
      return [`${p.probe + 1}/${report.plannedProbes}`, minutes(p.sentAt - report.startedAt), `${fast}/${total}`, `${late}/${total}`]
    })
  }
}

/** Time since the start as a stopwatch shows it: 0:00, 1:30, 12:05. */
function minutes (ms: number): string {
  const total = Number.isFinite(ms) ? Math.max(0, Math.round(ms / 1000)) : 0
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`
}

/** One row per participant, reached or not, by name (see participantsNote). */
export function participantTable (report: DrillReport, lang: Lang): Table {
  return {
    header: (['name', 'fingerprint', 'probesReceived', 'bestLatency', 'hops', 'path', 'lateProbes', 'clock'] as const)
      .map((key) => label(lang, key)),
    rows: byName(report.participants, lang).map((participant) => participantRow(participant, lateAfter(report.intervalMs), lang))
  }
}

/** The caught-up participants, one line each, by name. */
export function caughtUpLines (report: DrillReport, lang: Lang): string[] {
  const order = nameOrder(lang)
  return [...report.caughtUp].sort((a, b) => order(a.name, b.name)).map((c) => label(lang, 'caughtUpLine', {
    who: `${cleanText(c.name)} (${cleanText(c.fingerprint)})`,
    probes: probeNumbers(c.probes),
    late: formatMs(c.lateMs, lang)
  }))
}

/** The sentence under the caught-up list: what "late" means in this report. */
export function caughtUpNote (report: DrillReport, lang: Lang): string {
  return label(lang, 'caughtUpNote', { late: formatMs(lateAfter(report.intervalMs), lang) })
}

/**
 * Hops and path come from the fastest receipt, so the row describes one real delivery.
 * Late receipts are listed, so a participant who was away shows it. Nobody reached: no
 * clock to speak of, so "—" rather than a word that could read as a judgement.
 */
function participantRow (participant: Participant, lateMs: number, lang: Lang): string[] {
  const best = bestReceipt(participant)
  const late = participant.receipts.filter((r) => r.latencyMs >= lateMs)
  return [
    cleanText(participant.name),
    cleanText(participant.fingerprint),
    String(participant.receipts.length),
    formatMs(best?.latencyMs, lang),
    best === null ? '—' : best.hops === null ? label(lang, 'unknown') : String(best.hops),
    best === null || best.path.length === 0 ? '—' : formatPath(best.path),
    late.length === 0 ? '—' : label(lang, 'lateList', { probes: probeNumbers(late.map((r) => r.probe)), late: formatMs(Math.max(...late.map((r) => r.latencyMs)), lang) }),
    best === null ? '—' : label(lang, participant.clock === 'round-trip' ? 'round-trip' : 'unverified')
  ]
}

/** The closing line: when the report was built and from how many logs. */
export function builtLine (report: DrillReport, lang: Lang): string {
  return label(lang, 'built', { at: formatTime(report.builtAt, lang), logs: report.logs })
}
