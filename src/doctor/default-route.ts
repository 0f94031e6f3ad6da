/**
 * Whether this machine has a default route: a way off the local networks, so possibly to
 * the Internet. Read from Linux's routing table; the parsing is the doctor's (parseGateways).
 */
import { readFileSync } from 'node:fs'
import { parseGateways } from './neighbours.js'

/** Linux's IPv4 routing table. */
export const ROUTE_TABLE = '/proc/net/route'

/**
 * True when the routing table has a default route through a gateway, false when it has
 * none, null when the table cannot be read (not Linux): unknown, not "offline". Read
 * synchronously: the file is small and in memory, and the status bar asks every few seconds.
 */
export function hasDefaultRoute (table = ROUTE_TABLE): boolean | null {
  let text: string
  try {
    text = readFileSync(table, 'utf8')
  } catch {
    return null
  }
  return parseGateways(text).length > 0
}
