/**
 * The actors of `drill sim`: peers (real nodes on real stores, each on an in-process
 * connection source, so they run exactly what `tamtam up` runs on its connections) and
 * links (a real Noise stream pair over an in-process Wire).
 */
import path from 'node:path'
import type NoiseSecretStream from '@hyperswarm/secret-stream'
import { connectInProcess, InProcessSource } from '../network/source.js'
import { TamtamNode } from '../node/node.js'
import type { Room } from '../room/index.js'
import type { PeerRooms } from '../replication/index.js'
import type { Tamtam } from '../tamtam.js'
import { Wire, type WireOptions } from './wire.js'

/** Peers opened, joined or closed at once: enough to overlap disk waits, few enough to bound memory peaks. */
export const PEER_BATCH = 16

/** Run `fn` over `items`, `size` at a time. */
export async function inBatches<T> (items: T[], size: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map(async (item, j) => await fn(item, i + j)))
  }
}

/** One simulated person: a node with no control socket, connected only by links. */
export interface SimPeer { index: number, name: string, node: TamtamNode, tt: Tamtam, source: InProcessSource }

/** Name of peer `i`: the facilitator (named in the room's language), then P001, P002... */
export function peerName (i: number, facilitator = 'Facilitator'): string {
  return i === 0 ? facilitator : `P${String(i).padStart(3, '0')}`
}

/** Open a peer with an identity under `dir`. */
export async function openPeer (dir: string, index: number, facilitator?: string): Promise<SimPeer> {
  const name = peerName(index, facilitator)
  const source = new InProcessSource()
  const node = new TamtamNode({ home: path.join(dir, `p${index}`), source, control: false, documents: false })
  await node.tt.init(name)
  return { index, name, node, tt: node.tt, source }
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

/** Start the node of a peer: its network over the in-process source and the drill responder. */
export async function startNode (peer: SimPeer, onWarning: (err: unknown) => void): Promise<void> {
  peer.node.on('warning', onWarning)
  peer.tt.on('warning', onWarning)
  await peer.node.open()
}

/** Stop the node of a peer and close its store (idempotent). */
export async function closePeer (peer: SimPeer): Promise<void> {
  await peer.node.close()
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
    const networks = [a.node.network, b.node.network]
    if (networks[0] === null || networks[1] === null) throw new Error('start both peers before linking them')
    this.a = a
    this.b = b
    this.wire = new Wire(wire)
    // Both nodes attach replication in this tick, as on any connection (see attachPeer).
    ;[this.left, this.right] = connectInProcess(a.source, b.source, this.wire)
    // A cut link destroys both streams; that is the point of a partition, not a fault.
    const onError = (err: Error): void => { if (!this.destroyed) onWarning(err) }
    this.left.on('error', onError)
    this.right.on('error', onError)
    const left = networks[0].sessionOf(this.left)
    const right = networks[1].sessionOf(this.right)
    if (left === undefined || right === undefined) throw new Error('a node did not attach to its link')
    this.rooms = [left, right]
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
