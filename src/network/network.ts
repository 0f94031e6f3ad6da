/**
 * The network side of a node, over any connection source: every connection the source
 * emits gets corestore replication, the room protocol and dial-back in its first tick.
 * The source decides where connections come from (TCP with LAN discovery, an in-process
 * pair); this file decides what runs on them.
 */
import { EventEmitter } from 'node:events'
import type NoiseSecretStream from '@hyperswarm/secret-stream'
import { Replicator, type PeerRooms } from '../replication/index.js'
import type { Room } from '../room/index.js'
import type { MemberLog } from '../log/member-log.js'
import type { Tamtam } from '../tamtam.js'
import type { ConnectionInfo } from '../transport/index.js'
import type { PeerAddress } from './peers-file.js'
import { syncState } from './sync-watch.js'
import { DialBack, type DialBackResult } from './dial-back.js'
import type { ConnectionSource } from './source.js'

/** One connected peer, as `tamtam peers` shows it. */
export interface PeerStatus {
  publicKey: string
  host: string
  port: number
  source: string
  initiator: boolean
  since: number
  rooms: string[]
  /** Ids of the rooms in common, in the order of `rooms`. */
  roomIds: string[]
  /** Per room id, the peer's own member log (hex), where it proved it is a member (a relay cannot). */
  memberLogs: Record<string, string>
  bytesIn: number
  bytesOut: number
}

/** What commands may ask of a node's network. */
export interface NetworkHandle {
  peers: () => PeerStatus[]
  addPeer: (peer: PeerAddress) => void
  status: () => Record<string, unknown>
  dialBack: () => Promise<DialBackResult[]>
  /** Ask connected members of the room to fetch these blobs-core blocks too, to pass them on. */
  wantBlocks: (room: Room, core: Buffer, start: number, length: number) => void
}

/** The running network of a node. */
export class Network extends EventEmitter implements NetworkHandle {
  readonly source: ConnectionSource
  readonly replicator: Replicator
  private readonly tt: Tamtam
  private readonly sessions = new Map<NoiseSecretStream, PeerRooms>()
  private readonly synced = new Map<string, boolean>()
  private readonly dialBacks = new DialBack()
  private started = false

  constructor (tt: Tamtam, source: ConnectionSource, opts: { push?: boolean } = {}) {
    super()
    this.tt = tt
    this.source = source
    this.replicator = new Replicator(tt, { push: opts.push })
    this.wire()
  }

  private wire (): void {
    this.source.on('connection', (stream: NoiseSecretStream, info: ConnectionInfo) => this.onConnection(stream, info))
    for (const event of ['disconnected', 'found', 'lost', 'warning']) this.source.on(event, (arg: unknown) => this.emit(event, arg))
    this.replicator.on('room', (peer: PeerRooms) => this.source.markShared(peer.stream))
    this.replicator.on('room', (peer: PeerRooms, room: { name: string }) => this.emit('room', { publicKey: peer.stream.remotePublicKey?.toString('hex'), room: room.name }))
    this.replicator.on('warning', (err: unknown) => this.emit('warning', err))
    this.replicator.on('self', () => this.emit('presence'))
    this.tt.on('update', (room: Room, log?: MemberLog) => {
      if (log !== undefined && !log.core.writable) this.emit('append', { room: room.name, core: log.key, length: log.readable })
      this.checkSynced(room)
    })
    this.tt.on('rooms', () => this.source.roomsChanged())
    // Replication streams run on the store being reopened (after a full disk): drop them,
    // the source dials again and the new connections attach to the new store.
    this.tt.on('store-closing', () => { for (const stream of this.sessions.keys()) stream.destroy() })
  }

  /** Open the store (replication attaches synchronously to it), then start the source. */
  async start (): Promise<void> {
    if (this.started) return
    this.started = true
    await this.tt.store()
    await this.source.start(() => this.topics())
  }

  /** Discovery topics of every room we sync: past epochs (src/epochs) and relayed rooms included. */
  private topics (): Buffer[] {
    return [...this.tt.rooms.list().flatMap((r) => [r, ...r.past]).map((r) => r.keys.topic), ...this.tt.relays.list().map((r) => r.topic)]
  }

  /** Keep a manual peer connected (for networks that block multicast). */
  addPeer (peer: PeerAddress): void {
    this.source.addPeer(peer)
  }

  private onConnection (stream: NoiseSecretStream, info: ConnectionInfo): void {
    try {
      // Synchronously, before anything else can read the stream (see attachPeer).
      const session = this.replicator.attach(stream)
      // A peer cut for flooding is refused for a while, longer each time (protocol §8).
      session.on('warning', (err: { code?: string }) => { if (err?.code === 'PEER_FLOOD') this.source.ban(info.host) })
      this.dialBacks.attach(stream)
      this.sessions.set(stream, session)
      stream.once('close', () => this.sessions.delete(stream))
    } catch (err) {
      this.emit('warning', err)
      stream.destroy()
      return
    }
    this.emit('connected', info)
  }

  /** The room session running on a connection of this network. */
  sessionOf (stream: NoiseSecretStream): PeerRooms | undefined {
    return this.sessions.get(stream)
  }

  private checkSynced (room: Room): void {
    void this.tt.logs(room).then((logs) => {
      const state = syncState(logs)
      const before = this.synced.get(room.id)
      this.synced.set(room.id, state.synced)
      if (state.synced && before === false) this.emit('synced', { room: room.name, ...state })
    }, () => {})
  }

  /** Every connected peer, with rooms in common and traffic. */
  peers (): PeerStatus[] {
    return this.source.connections().map(({ stream, info, bytesIn, bytesOut }) => {
      const session = this.sessions.get(stream)
      const roomIds = [...session?.shared ?? []]
      return {
        publicKey: info.publicKey.toString('hex'),
        host: info.host,
        port: info.port,
        source: info.source,
        initiator: info.initiator,
        since: info.since,
        rooms: roomIds.map((id) => this.tt.rooms.byId(id)?.name ?? id.slice(0, 12)),
        roomIds,
        memberLogs: Object.fromEntries(session?.remoteSelf ?? []),
        bytesIn,
        bytesOut
      }
    })
  }

  /** Ask every connected peer to connect back to our TCP port (for `tamtam doctor`). */
  async dialBack (): Promise<DialBackResult[]> {
    return await this.dialBacks.request(this.source.port)
  }

  /** Ask connected members of the room to fetch these blocks too (documents across a hop). */
  wantBlocks (room: Room, core: Buffer, start: number, length: number): void {
    this.replicator.want(room, core, start, length)
  }

  /** Own member logs (hex) of the peers connected now in a room: those members are online. */
  online (roomId: string): Set<string> {
    const cores = new Set<string>()
    for (const session of this.sessions.values()) {
      const core = session.remoteSelf.get(roomId)
      if (core !== undefined) cores.add(core)
    }
    return cores
  }

  /** Where this node listens, and what runs. */
  status (): Record<string, unknown> & { port: number, publicKey: string, connections: number } {
    return {
      port: this.source.port,
      publicKey: this.source.publicKey.toString('hex'),
      ...this.source.status(),
      connections: this.source.connections().length,
      push: this.replicator.pushStats()
    }
  }

  /** Stop the replicator and the source (idempotent). */
  async stop (): Promise<void> {
    this.replicator.close()
    await this.source.stop()
  }
}
