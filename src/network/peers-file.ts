/**
 * Peer addresses as people type them, and the manual peers remembered in the home dir
 * (peers.json), for networks that block multicast.
 */
import { fail } from '../errors/index.js'
import { readJson, writeJsonPrivate } from '../home/index.js'

/** A HOST:PORT address. */
export interface PeerAddress { host: string, port: number }

/**
 * Prefix of the address cards that tamtam printed before it settled on plain HOST:PORT.
 * Cards copied from old notes, screenshots or QR codes (which upper-case it) still work.
 */
export const CARD_PREFIX = 'tamtam-peer:'

const ADDRESS = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\],]+):(\d{1,5})$/

/**
 * Parse one address: "HOST:PORT" (IPv4, a name, or [IPv6]:PORT), with or without the old
 * card prefix. Anything else is PEER_INVALID, naming what was typed.
 */
export function parsePeerAddress (text: string): PeerAddress {
  const typed = String(text ?? '').trim()
  const match = ADDRESS.exec(withoutPrefix(typed))
  const port = match === null ? NaN : Number(match[2])
  // The detail is only the typed text: the hint (translated) says what an address looks like.
  if (match === null || !(port > 0 && port < 65536)) throw fail('PEER_INVALID', `"${typed.slice(0, 80)}"`)
  return { host: match[1].replace(/^\[|\]$/g, ''), port }
}

/**
 * Parse what people type for `--peer` and `peer add`: one address or several separated by
 * commas (a whole `whereami` card, which lists every interface), with or without the old
 * card prefix before the first.
 */
export function parsePeerAddresses (text: string): PeerAddress[] {
  const typed = String(text ?? '').trim()
  return withoutPrefix(typed).split(',').map((part) => parsePeerAddress(part === '' ? typed : part))
}

/** An address as people type it back: HOST:PORT, with brackets around an IPv6 host. */
export function formatPeerAddress (peer: PeerAddress): string {
  return `${peer.host.includes(':') ? `[${peer.host}]` : peer.host}:${peer.port}`
}

function withoutPrefix (text: string): string {
  return text.toLowerCase().startsWith(CARD_PREFIX) ? text.slice(CARD_PREFIX.length).trim() : text
}

/** Read peers.json; an absent file is an empty list. */
export async function loadPeers (file: string): Promise<PeerAddress[]> {
  const raw = await readJson(file) as { version?: number, peers?: unknown[] } | undefined
  if (raw === undefined) return []
  return (raw.peers ?? []).flatMap((p) => {
    try {
      return [parsePeerAddress(formatPeerAddress(p as PeerAddress))]
    } catch {
      return []
    }
  })
}

/** Add a peer to peers.json (no duplicates); returns the full list. */
export async function savePeer (file: string, peer: PeerAddress): Promise<PeerAddress[]> {
  const peers = await loadPeers(file)
  if (!peers.some((p) => p.host === peer.host && p.port === peer.port)) peers.push(peer)
  await writeJsonPrivate(file, { version: 1, peers })
  return peers
}
