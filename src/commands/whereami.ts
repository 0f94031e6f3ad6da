/**
 * `whereami`: this node's address card, for networks that block multicast. People read it
 * aloud or scan it, then use `tamtam up --peer HOST:PORT` or `tamtam peer add HOST:PORT`.
 */
import { interfaceKind, lanAddresses } from '../discovery/index.js'
import { formatPeerAddress } from '../network/peers-file.js'
import type { Command } from './types.js'

/**
 * The card for a port: every real address as HOST:PORT, joined by commas. It is exactly
 * what `--peer` and `peer add` take, so the guide, the screen and the parser say one thing.
 */
export function addressCard (addresses: Array<{ address: string }>, port: number): string {
  return addresses.map((a) => formatPeerAddress({ host: a.address, port })).join(',')
}

/** `whereami [--qr]` */
export const whereami: Command = {
  name: 'whereami',
  summary: 'print this node\'s address card (for --peer when multicast is blocked)',
  run: async ({ network }, args) => {
    const port = network === null ? null : Number(network.status().port)
    const addresses = lanAddresses().map((a) => ({ interface: a.name, address: a.address, kind: interfaceKind(a.name) }))
    const reachable = addresses.filter((a) => a.kind !== 'virtual')
    // No card without a port or an address: an empty one would tell people to type `--peer` alone.
    const card = port === null || addresses.length === 0 ? null : addressCard(reachable.length > 0 ? reachable : addresses, port)
    let qr: string | undefined
    // Upper case keeps the QR code in its compact alphanumeric mode; parsing ignores case.
    if (args.qr === true && card !== null) qr = await (await import('qrcode')).default.toString(card.toUpperCase(), { type: 'terminal', small: true, errorCorrectionLevel: 'L', margin: 1 })
    return { running: port !== null, port, addresses, card, qr }
  }
}
