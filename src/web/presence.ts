/**
 * What a phone sees of who is here and who holds its words (docs/protocol.md §17,
 * `presence`): the members online now, and how far each peer connected to the host holds
 * the phone's hosted log, from which the page computes "seen by k of n" for any of its
 * records. Neither has an event of its own (a peer connecting changes both while no log
 * grows), so each session looks every PRESENCE_EVERY_MS and sends only what changed.
 */
import type { Hypercore } from 'hypercore'
import type { RoomLogs } from '../log/room-logs.js'
import type { Member } from '../members/index.js'

/** How often a session looks at presence. */
export const PRESENCE_EVERY_MS = 2_000

/** The `presence` frame's fields. */
export interface Presence {
  /** Identities (hex) with a log online now: connected to the host, the host itself, or a phone it serves. */
  online: string[]
  /**
   * For each peer connected to the host, how many blocks of the phone's hosted log it holds
   * from the start, highest first. The host itself holds them all and is not listed.
   */
  holders: number[]
  /** Members who could hold the phone's words: every other member log of the room. */
  n: number
}

interface ReplicatingPeer { remoteContiguousLength?: number }

/** Presence now, given the logs online (by log key) as the host knows them. */
export function presenceOf (logs: RoomLogs, members: Member[], onlineLogs: Set<string>, hosted: Hypercore): Presence {
  const online = new Set(members.filter((m) => onlineLogs.has(m.log) || m.log === logs.own.key).map((m) => m.identity))
  const others = logs.list().length - 1
  const holders = (hosted.peers as ReplicatingPeer[]).map((p) => p.remoteContiguousLength ?? 0).sort((a, b) => b - a).slice(0, others)
  return { online: [...online].sort(), holders, n: others }
}

/** Whether two presences say the same (nothing to send). */
export function samePresence (a: Presence | null, b: Presence): boolean {
  return a !== null && JSON.stringify(a) === JSON.stringify(b)
}
