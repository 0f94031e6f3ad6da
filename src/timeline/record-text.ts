/**
 * What the timeline says about a record: its text, a probe's number and name, the names a
 * key rotation removed. Text from peers is sanitised here or by the caller.
 */
import { shortFingerprint } from '../identity/index.js'
import type { MemberLog } from '../log/member-log.js'
import type { LogRecord } from '../log/records.js'
import { sanitizeName } from '../text/sanitize.js'

/** A drill probe as a chat line shows it. */
export interface ProbeText { number: number, total: number | null, name: string, drill: string }

/** The names of the members a rotation removed, as the logs here know them (a fingerprint otherwise). */
export function removedNames (record: LogRecord, logs: MemberLog[], names: Map<string, string>): string {
  const removed = (record as { removed?: string[] }).removed ?? []
  return removed.map((identity) => {
    const log = logs.find((l) => l.author?.identity === identity)
    return log === undefined ? shortFingerprint(Buffer.from(identity, 'hex')) : names.get(log.key) ?? '?'
  }).join(', ')
}

/** What a chat line says about a probe: "probe 1/5 (Coupure J1)" rather than its ids. */
export function probeOf (record: LogRecord): ProbeText {
  const r = record as unknown as Record<string, unknown>
  const total = typeof r.probes === 'number' && Number.isInteger(r.probes) && r.probes > 0 ? r.probes : null
  const name = typeof r.name === 'string' ? sanitizeName(r.name) : ''
  return { number: Number(r.seq) + 1, total, name: name === '' ? String(r.drill).slice(0, 12) : name, drill: String(r.drill) }
}

/** The human text of a record, for the timeline. */
export function textOf (record: LogRecord): string {
  const r = record as unknown as Record<string, unknown>
  switch (record.type) {
    case 'msg': return String(r.text)
    case 'nick': return String(r.name)
    case 'doc': return `${sanitizeName(String(r.name))} (${Number(r.size)} bytes)`
    case 'drill-probe': return `drill ${String(r.drill)} probe ${Number(r.seq)}`
    default: return ''
  }
}
