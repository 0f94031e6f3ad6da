/**
 * All room-protocol sessions of one Tamtam. It forwards what one peer teaches us to the
 * others: a new member log learned from B is announced to C, which is how members and
 * their logs spread across hops. It also re-announces proofs when rooms change.
 */
import { EventEmitter } from 'node:events'
import type NoiseSecretStream from '@hyperswarm/secret-stream'
import type { Hypercore } from 'hypercore'
import type { MemberLog } from '../log/member-log.js'
import { liveGrowthQuota } from '../log/room-logs.js'
import type { Room } from '../room/index.js'
import type { Tamtam } from '../tamtam.js'
import { attachPeer, type PeerRooms } from './room-sync.js'
import { memberRoom, relayRoom, type SyncRoom } from './sync-rooms.js'
import { BlockPush, type PushStats } from './push.js'
import type { RelayRoom } from '../relay/relay-rooms.js'

/** Tracks every connection's room session and gossips member logs between them. */
export class Replicator extends EventEmitter {
  private readonly tt: Tamtam
  private readonly peers = new Set<PeerRooms>()
  private readonly onMember = (room: Room, log: MemberLog): void => {
    this.attachEverywhere(room.id, log.core, true)
    this.announce(memberRoom(this.tt, room), log.core.key)
  }

  private readonly onRelayMember = (room: RelayRoom, key: string): void => {
    const core = this.tt.relays.coresOf(room.id).find((c) => c.key.toString('hex') === key)
    if (core !== undefined) this.attachEverywhere(room.id, core, true)
    this.announce(relayRoom(this.tt, room), Buffer.from(key, 'hex'))
  }

  /** A core newly opened in a room (a blobs core): replicate it where the room is proven. */
  private readonly onCore = (roomId: string, core: Hypercore): void => this.attachEverywhere(roomId, core)

  private attachEverywhere (roomId: string, core: Hypercore, pushable = false): void {
    if (pushable) this.push?.enable(core, roomId)
    for (const peer of this.peers) void peer.attachCoreOfRoom(roomId, core).catch((err) => this.emit('warning', err))
  }

  private announce (room: SyncRoom, key: Buffer): void {
    for (const peer of this.peers) void peer.sendMembers(room, [key]).catch((err) => this.emit('warning', err))
  }

  /** A member log grew faster than the live quota: cut the connection of its author. */
  private readonly onFlood = (room: Room, log: MemberLog, grown: number): void => {
    for (const peer of this.peers) {
      if (peer.remoteSelf.get(room.id) === log.key) peer.disconnectFlooder(`member ${log.key.slice(0, 8)} appended ${grown} records within ${liveGrowthQuota.windowMs} ms (quota ${liveGrowthQuota.blocks})`)
    }
  }

  private readonly onRooms = (): void => {
    for (const peer of this.peers) peer.sendHello()
  }

  /** One-trip delivery (§5a); null when turned off (the peer then behaves as before it). */
  private readonly push: BlockPush | null

  constructor (tt: Tamtam, opts: { push?: boolean } = {}) {
    super()
    this.tt = tt
    this.push = opts.push === false ? null : new BlockPush()
    tt.on('member', this.onMember)
    tt.on('core', this.onCore)
    tt.on('rooms', this.onRooms)
    tt.on('flood', this.onFlood)
    tt.relays.on('member', this.onRelayMember)
  }

  /** Every live session. */
  list (): PeerRooms[] {
    return [...this.peers]
  }

  /**
   * Start replication and the room protocol on a stream, in this tick (see attachPeer).
   * The store must be open already: call `await tt.store()` once before connections come.
   */
  attach (stream: NoiseSecretStream): PeerRooms {
    const store = this.tt.openStore()
    if (store === null) throw new Error('open the store before attaching connections')
    const peer = attachPeer(this.tt, store, stream)
    this.peers.add(peer)
    const push = this.push
    const forget = (): void => {
      this.peers.delete(peer)
      push?.forget(stream)
    }
    if (push !== null) {
      push.addConnection(peer)
      peer.on('push-mute', (core: Buffer, muted: boolean) => push.onMute(stream, core, muted))
      peer.on('room', (room: SyncRoom) => { void this.enablePush(room.id).catch((err) => this.emit('warning', err)) })
    }
    peer.once('close', forget)
    stream.once('close', forget)
    peer.on('room', (room: SyncRoom) => this.emit('room', peer, room))
    peer.on('warning', (err) => this.emit('warning', err))
    peer.on('self', (room: SyncRoom) => this.emit('self', peer, room))
    peer.on('want', (room: SyncRoom, want: unknown) => this.emit('want', peer, room, want))
    peer.once('close', () => this.emit('self', peer, null))
    return peer
  }

  /** Push the member logs (and relayed logs) of a room that became shared. */
  private async enablePush (roomId: string): Promise<void> {
    const room = this.tt.rooms.epochById(roomId)
    const logs = room === undefined ? [] : (await this.tt.logs(room)).list().map((l) => l.core)
    for (const core of [...logs, ...this.tt.relays.coresOf(roomId)]) this.push?.enable(core, roomId)
  }

  /** What pushing did so far (null when it is off). */
  pushStats (): PushStats | null {
    return this.push?.stats ?? null
  }

  /** Ask every peer sharing the room to fetch these blocks too (see PeerRooms.sendWant). */
  want (room: Room, core: Buffer, start: number, length: number): void {
    const sync = memberRoom(this.tt, room)
    for (const peer of this.peers) peer.sendWant(sync, core, start, length)
  }

  /** Stop listening to the Tamtam; connections are closed by their owner. */
  close (): void {
    this.tt.off('member', this.onMember)
    this.tt.off('core', this.onCore)
    this.tt.off('rooms', this.onRooms)
    this.tt.off('flood', this.onFlood)
    this.tt.relays.off('member', this.onRelayMember)
    this.push?.close()
    for (const peer of this.peers) peer.close()
    this.peers.clear()
  }
}
