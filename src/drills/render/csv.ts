/**
 * A drill report as CSV (RFC 4180), one row per receipt, for spreadsheets and scripts.
 * Numbers are raw milliseconds so they can be computed with; text is neutralised against
 * formula injection, since a nickname like `=HYPERLINK(...)` would otherwise run in Excel
 * or LibreOffice when the facilitator opens the file.
 */
import type { DrillReport } from '../types.js'
import { cleanText } from './format.js'

/** The column names, in order. */
export const CSV_HEADER = ['participant', 'fingerprint', 'probe', 'latency_ms', 'round_trip_ms', 'hops', 'path', 'clock'] as const

// RFC 4180 lines end with CRLF; spreadsheets accept it everywhere.
const EOL = '\r\n'

/**
 * One row per (participant, probe) receipt, then one row per participant never reached,
 * with only their name and fingerprint. Ends with a line break.
 */
export function renderCsv (report: DrillReport): string {
  const rows: string[][] = [[...CSV_HEADER]]
  for (const participant of report.participants) {
    const name = textCell(participant.name)
    const fingerprint = textCell(participant.fingerprint)
    if (participant.receipts.length === 0) rows.push([name, fingerprint, '', '', '', '', '', ''])
    for (const receipt of participant.receipts) {
      rows.push([
        name,
        fingerprint,
        numberCell(receipt.probe),
        numberCell(receipt.latencyMs),
        numberCell(receipt.roundTripMs),
        numberCell(receipt.hops),
        textCell(receipt.path.map(cleanText).join(' → ')),
        participant.clock === 'round-trip' ? 'round-trip' : 'unverified'
      ])
    }
  }
  return rows.map((row) => row.map(quote).join(',')).join(EOL) + EOL
}

/**
 * Text from peers: control characters stripped, and a leading apostrophe before = + - @
 * so spreadsheets show it as text instead of evaluating it (OWASP "CSV injection").
 * Only text cells get this: a negative latency must stay a number.
 */
function textCell (text: string): string {
  const clean = cleanText(text)
  return /^[=+\-@]/.test(clean) ? `'${clean}` : clean
}

// Numbers we computed; empty when unknown, never NaN or Infinity.
function numberCell (value: number | null): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(Math.round(value * 1000) / 1000) : ''
}

/** RFC 4180: quote cells holding a comma, quote or line break, doubling inner quotes. */
function quote (cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell
}
