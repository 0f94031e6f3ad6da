/**
 * The actors of `drill sim`: peers (real Tamtams on real stores, each with a replicator
 * and the drill responder, as in a node) and links (a real Noise stream pair over an
 * in-process Wire).
 */
import path from 'node:path'
import NoiseSecretStream from '@hyperswarm/secret-stream'
import type { Room } from '../room/index.js'
import { Replicator, type PeerRooms } from '../replication/index.js'
import { Tamtam } from '../tamtam.js'
import { drillsOf } from './drills.js'
import { Wire, type WireOptions } from './sim-wire.js'

/** Peers opened, joined or closed at once: enough to overlap disk waits, few enough to bound memory peaks. */
export const PEER_BATCH = 16

/** Run `fn` over `items`, `size` at a time. */
export async function inBatches<T> (items: T[], size: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map(async (item, j) => await fn(item, i + j)))
  }
}

/** One simulated person. */
export interface SimPeer { index: number, name: string, tt: Tamtam, replicator: Replicator | null }

/** Name of peer `i`: the facilitator, then P001, P002... */
export function peerName (i: number): string {
  return i === 0 ? 'Facilitator' : `P${String(i).padStart(3, '0')}`
}

/** Open a peer with an identity under `dir`. */
export async function openPeer (dir: string, index: number): Promise<SimPeer> {
  const name = peerName(index)
  const tt = new Tamtam({ home: path.join(dir, `p${index}`) })
  await tt.init(name)
  return { index, name, tt, replicator: null }
}

/**
 * Give every peer the whole member list at once. Gossip would teach it too, but hop by
 * hop, while the drill already runs; seeding it (as if everyone had met before the drill)
 * keeps member discovery out of the probe latencies. Gossip still runs on every link.
 */
export async function seedMembers (peers: SimPeer[], rooms: Room[]): Promise<void> {
  const keys = await Promise.all(peers.map(async (p, i) => (await p.tt.logs(rooms[i])).own.key))
  await inBatches(peers, PEER_BATCH, async (p, i) => {
    const logs = await p.tt.logs(rooms[i])
    const fresh = await p.tt.rooms.addMembers(rooms[i], keys.filter((k) => k !== logs.own.key))
    for (const key of fresh) await logs.addMember(Buffer.from(key, 'hex'))
  })
}

/** Start what a node runs on a peer: the replicator and the drill responder. */
export async function startNode (peer: SimPeer, onWarning: (err: unknown) => void): Promise<void> {
  await peer.tt.store()
  const replicator = new Replicator(peer.tt)
  replicator.on('warning', onWarning)
  peer.tt.on('warning', onWarning)
  peer.replicator = replicator
  const responder = await drillsOf(peer.tt).respond(() => replicator.list())
  responder.on('warning', onWarning)
}

/** Stop the node parts of a peer and close its store (idempotent). */
export async function closePeer (peer: SimPeer): Promise<void> {
  await drillsOf(peer.tt).close()
  peer.replicator?.close()
  await peer.tt.close()
}

/** A connection between two peers: a Noise stream pair over a delaying Wire. */
export class Link {
  readonly a: SimPeer
  readonly b: SimPeer
  readonly wire: Wire
  private readonly left: NoiseSecretStream
  private readonly right: NoiseSecretStream
  private readonly rooms: [PeerRooms, PeerRooms]
  /** Set once destroy() was called. */
  destroyed = false

  constructor (a: SimPeer, b: SimPeer, wire: WireOptions, onWarning: (err: unknown) => void) {
    if (a.replicator === null || b.replicator === null) throw new Error('start both peers before linking them')
    this.a = a
    this.b = b
    this.wire = new Wire(wire)
    this.left = new NoiseSecretStream(true, this.wire.a)
    this.right = new NoiseSecretStream(false, this.wire.b)
    // A cut link destroys both streams; that is the point of a partition, not a fault.
    const onError = (err: Error): void => { if (!this.destroyed) onWarning(err) }
    this.left.on('error', onError)
    this.right.on('error', onError)
    // Attach in this tick, as a node does on a connection (see attachPeer).
    this.rooms = [a.replicator.attach(this.left), b.replicator.attach(this.right)]
  }

  /** Whether both ends run the room protocol for `room` and know who is at the other end. */
  up (room: Room): boolean {
    return this.rooms.every((r) => r.shared.has(room.id) && r.remoteSelf.has(room.id))
  }

  /** Cut the link (both streams and the wire). */
  destroy (): void {
    this.destroyed = true
    this.left.destroy()
    this.right.destroy()
    this.wire.destroy()
  }
}
