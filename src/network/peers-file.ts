/** Manual peers remembered in the home dir (peers.json), for networks that block multicast. */
import { fail } from '../errors/index.js'
import { readJson, writeJsonPrivate } from '../home/index.js'

/** A HOST:PORT address. */
export interface PeerAddress { host: string, port: number }

/** Parse "HOST:PORT" (IPv4, a name, or [IPv6]:PORT). */
export function parsePeerAddress (text: string): PeerAddress {
  const match = /^\s*(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):(\d{1,5})\s*$/.exec(String(text ?? ''))
  const port = match === null ? NaN : Number(match[2])
  if (match === null || !(port > 0 && port < 65536)) throw fail('PEER_INVALID', `"${String(text).slice(0, 80)}" is not HOST:PORT`)
  return { host: match[1].replace(/^\[|\]$/g, ''), port }
}

/** Read peers.json; an absent file is an empty list. */
export async function loadPeers (file: string): Promise<PeerAddress[]> {
  const raw = await readJson(file) as { version?: number, peers?: unknown[] } | undefined
  if (raw === undefined) return []
  return (raw.peers ?? []).flatMap((p) => {
    try {
      const a = p as PeerAddress
      return [parsePeerAddress(`${a.host}:${a.port}`)]
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
