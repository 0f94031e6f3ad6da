/**
 * Which LAN candidate gives way when the table is full (issue 17, finding 4). Beacons are not
 * signed, so one host can announce a thousand forged peers; it must not keep a newcomer out.
 */

/** One tracked candidate, as the eviction rule sees it. */
export interface TableEntry {
  /** The datagram's source address. */
  host: string
  /** A connection to its key completed a handshake (LanBeacon.confirm): it never gives way. */
  confirmed: boolean
  /** When it was first heard (ms). */
  firstSeen: number
}

/**
 * The entry to forget so that a newcomer from `newcomerHost` fits, or null to drop the
 * newcomer. Only unconfirmed entries of the address holding the most entries may go, the
 * oldest first, and only for a newcomer from an address holding fewer: a host that fills the
 * table only ever competes with itself.
 */
export function tableVictim<K, T extends TableEntry> (entries: ReadonlyMap<K, T>, newcomerHost: string): K | null {
  const perHost = new Map<string, number>()
  for (const e of entries.values()) perHost.set(e.host, (perHost.get(e.host) ?? 0) + 1)
  const mine = perHost.get(newcomerHost) ?? 0
  let victim: K | null = null
  let victimEntry: T | null = null
  for (const [key, e] of entries) {
    if (e.confirmed) continue
    const count = perHost.get(e.host) ?? 0
    if (count <= mine + 1) continue // not more than the newcomer's address would hold with it
    const best = victimEntry === null ? -1 : perHost.get(victimEntry.host) ?? 0
    if (count > best || (count === best && victimEntry !== null && e.firstSeen < victimEntry.firstSeen)) {
      victim = key
      victimEntry = e
    }
  }
  return victim
}
