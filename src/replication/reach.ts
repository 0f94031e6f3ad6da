/**
 * Reach receipts: whether the peers we replicate with hold our own log in a room up to a
 * given message. Hypercore learns each peer's bitfield as they replicate, so this costs no
 * message on the wire: a peer that holds every block up to ours has received it (and all
 * before it). Peers that only relay it further on are not counted: we cannot see them.
 */
import type { Hypercore } from 'hypercore'
import type { RoomLogs } from '../log/room-logs.js'

/** What Hypercore keeps about one replicating peer of a core (the part read here). */
interface ReplicatingPeer { remoteContiguousLength?: number }

/** A reach receipt: `k` peers hold the message, out of the `n` other members whose logs we hold. */
export interface Reach { k: number, n: number }

/** How many peers connected now hold `core` from its start up to and including block `seq`. */
export function peersHolding (core: Hypercore, seq: number): number {
  return (core.peers as ReplicatingPeer[]).filter((p) => (p.remoteContiguousLength ?? 0) > seq).length
}

/**
 * The reach receipt of block `seq` of our own log in a room. `k` never exceeds `n`: one
 * person may be connected twice (two homes, or a reconnect not yet noticed).
 */
export function reachOf (logs: RoomLogs, seq: number): Reach {
  const n = logs.list().length - 1
  return { k: Math.min(peersHolding(logs.own.core, seq), n), n }
}
