/**
 * `whereami`: this node's address card, for networks that block multicast. People read it
 * aloud or scan it, then use `tamtam up --peer HOST:PORT` or `tamtam peer add HOST:PORT`.
 */
import { interfaceKind, lanAddresses } from '../discovery/index.js'
import type { Command } from './types.js'

/** Prefix of an address card: a line people can paste whole into `peer add`. */
export const CARD_PREFIX = 'tamtam-peer:'

/** The card for a port: every real address joined by commas. */
export function addressCard (addresses: Array<{ address: string }>, port: number): string {
  return CARD_PREFIX + addresses.map((a) => `${a.address}:${port}`).join(',')
}

/** `whereami [--qr]` */
export const whereami: Command = {
  name: 'whereami',
  summary: 'print this node\'s address card (for --peer when multicast is blocked)',
  run: async ({ network }, args) => {
    const port = network === null ? null : Number(network.status().port)
    const addresses = lanAddresses().map((a) => ({ interface: a.name, address: a.address, kind: interfaceKind(a.name) }))
    const reachable = addresses.filter((a) => a.kind !== 'virtual')
    const card = port === null ? null : addressCard(reachable.length > 0 ? reachable : addresses, port)
    let qr: string | undefined
    if (args.qr === true && card !== null) qr = await (await import('qrcode')).default.toString(card.toUpperCase(), { type: 'terminal', small: true, errorCorrectionLevel: 'L', margin: 1 })
    return { running: port !== null, port, addresses, card, qr }
  }
}
