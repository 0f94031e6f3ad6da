/**
 * The IPv4 routing table (Linux /proc/net/route): whether this machine has a default
 * route (could reach the Internet), and its default gateways. Where there is no such file
 * (macOS, Windows) the answer is "unknown", never a guess.
 */
import { readFileSync } from 'node:fs'

/** Where Linux shows the IPv4 routing table. */
export const ROUTE_TABLE = '/proc/net/route'

/** One IPv4 route: the interface, and the destination and gateway as dotted quads. */
export interface Route { iface: string, destination: string, gateway: string }

/** /proc/net/route writes addresses as little-endian hex: `0100000A` is 10.0.0.1. */
function dotted (hex: string): string {
  const n = parseInt(hex, 16)
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join('.')
}

/** Parse /proc/net/route (header line first); lines that are not routes are skipped. */
export function parseRoutes (text: string): Route[] {
  return text.split('\n').slice(1).map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 3 && /^[0-9a-f]{8}$/i.test(f[1]!) && /^[0-9a-f]{8}$/i.test(f[2]!))
    .map((f) => ({ iface: f[0]!, destination: dotted(f[1]!), gateway: dotted(f[2]!) }))
}

/** The default gateways in a routing table: neighbours on any network, even an isolating one. */
export function parseGateways (text: string): string[] {
  return parseRoutes(text).filter((r) => r.destination === '0.0.0.0' && r.gateway !== '0.0.0.0').map((r) => r.gateway)
}

/**
 * True when this machine has a default route, i.e. could reach the Internet; null when the
 * table cannot be read (not Linux). `read` returns the table's text (tests).
 */
export function hasDefaultRoute (read: () => string = () => readFileSync(ROUTE_TABLE, 'utf8')): boolean | null {
  let text: string
  try {
    text = read()
  } catch {
    return null
  }
  return parseRoutes(text).some((r) => r.destination === '0.0.0.0')
}
