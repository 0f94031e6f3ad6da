/**
 * The shape of a doctor finding. Codes are stable (UPPER_SNAKE) so scripts can rely on
 * them; the text and the one concrete fix come from the i18n catalogue, keys
 * `doctor.CODE` and `doctor.CODE.fix`, filled with the finding's data.
 */

/** How bad a finding is. 'problem' stops tamtam from working; 'warn' may; 'info' explains. */
export type Level = 'ok' | 'warn' | 'problem' | 'info'

/** One thing the doctor noticed. `data` is plain JSON. */
export interface Finding {
  code: string
  level: Level
  data: Record<string, unknown>
}

/** Shorthand to build a finding. */
export function finding (code: string, level: Level, data: Record<string, unknown> = {}): Finding {
  return { code, level, data }
}

/** Every code the doctor can report, in the order the checks run. */
export const DOCTOR_CODES = [
  'INTERFACES_NONE', 'INTERFACE_REAL', 'INTERFACE_VIRTUAL', 'INTERFACES_ONLY_VIRTUAL',
  'MULTICAST_SENT', 'MULTICAST_NOT_SENT', 'MULTICAST_SEND_FAILED', 'MULTICAST_JOIN_FAILED',
  'PEERS_HEARD', 'PEERS_NOT_HEARD', 'CLIENT_ISOLATION_SUSPECTED', 'INBOUND_CONNECTION',
  'PORT_NOT_LISTENING', 'PORT_REACHABLE', 'PORT_NOT_REACHABLE', 'DIALBACK_OK', 'DIALBACK_FAILED', 'DIALBACK_NO_PEER',
  'FIREWALL_BLOCKS_PORT', 'FIREWALL_DEFAULT_DROP', 'FIREWALL_NO_BLOCK', 'FIREWALL_UNKNOWN'
] as const

/** A code the doctor can report. */
export type DoctorCode = typeof DOCTOR_CODES[number]

/** Codes whose finding needs no fix (all is well); every other code has a `.fix` text. */
export const CODES_WITHOUT_FIX: ReadonlySet<string> = new Set([
  'INTERFACE_REAL', 'MULTICAST_SENT', 'PEERS_HEARD', 'INBOUND_CONNECTION', 'PORT_REACHABLE', 'DIALBACK_OK', 'FIREWALL_NO_BLOCK'
])
