/**
 * A connected peer in one line, shared by `tamtam peers` and the app's `/peers`: who it is
 * first (member names with their rooms, or what else it is), then where it is, and its key
 * shortened (scripts get the whole key with --json).
 */
import type { Translate } from '../../src/i18n/index.js'
import type { NamedPeer } from '../../src/commands/peers.js'

export { formatPeerAddress as peerAddress } from '../../src/network/peers-file.js'

/** Hex characters of a peer's key shown to people: enough to tell peers apart on a LAN. */
export const SHORT_KEY = 8

/** Who a peer is: "Awa (atelier, classe)", or a label for a relay, an unknown peer, a stranger. */
export function peerWho (p: NamedPeer, t: Translate): string {
  const rooms = p.rooms.join(', ')
  switch (p.kind) {
    case 'member': return namesWithRooms(p).join('; ')
    case 'relay': return t('peers.relay', { rooms })
    case 'unknown': return t('peers.unknown', { rooms })
    default: return t('peers.stranger')
  }
}

/** One entry per name (a person usually has one name in every room), with its rooms. */
function namesWithRooms (p: NamedPeer): string[] {
  const rooms = new Map<string, string[]>()
  for (const m of p.members) rooms.set(m.name, [...rooms.get(m.name) ?? [], m.room])
  return [...rooms].map(([name, where]) => `${name} (${where.join(', ')})`)
}

/** The short key of a peer. */
export function shortKey (p: { publicKey: string }): string {
  return p.publicKey.slice(0, SHORT_KEY)
}
