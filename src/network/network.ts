/**
 * The network of a node: LAN beacons, manual peers and (unless LAN-only) Hyperswarm all
 * feed one connection manager; every authenticated connection gets corestore replication
 * and the room protocol. The LAN path never waits on the Internet path.
 */
import { EventEmitter } from 'node:events'
import NoiseSecretStream from '@hyperswarm/secret-stream'
import { LanBeacon } from '../discovery/index.js'
import type { PeerCandidate } from '../discovery/index.js'
import { Replicator, type PeerRooms } from '../replication/index.js'
import type { Room } from '../room/index.js'
import type { MemberLog } from '../log/member-log.js'
import type { Tamtam } from '../tamtam.js'
import { ConnectionManager, type ConnectionInfo, type TransportStats } from '../transport/index.js'
import { InternetPath, internetStats, type BootstrapNode } from './internet.js'
import type { PeerAddress } from './peers-file.js'
import { syncState } from './sync-watch.js'
import { DialBack, type DialBackResult } from './dial-back.js'

/** Options of the network. Timers and ports are options so tests run fast. */
export interface NetworkOptions {
  /** Never create a Hyperswarm or touch the DHT. */
  lanOnly?: boolean
  /** TCP port; 0 = any. */
  port?: number
  /** Manual peers to keep connected. */
  peers?: PeerAddress[]
  announceIntervalMs?: number
  beaconPort?: number
  maxConnections?: number
  graceMs?: number
  /** 'announce-only' never dials or accepts from the LAN; 'listen-only' never announces. */
  mode?: 'both' | 'announce-only' | 'listen-only'
  /** Hyperswarm bootstrap nodes (a local testnet); default: Hyperswarm's own. */
  bootstrap?: BootstrapNode[]
}

/** One connected peer, as `tamtam peers` shows it. */
export interface PeerStatus {
  publicKey: string
  host: string
  port: number
  source: string
  initiator: boolean
  since: number
  rooms: string[]
  bytesIn: number
  bytesOut: number
}

/** The running network of a node. */
export class Network extends EventEmitter {
  readonly keyPair = NoiseSecretStream.keyPair()
  readonly manager: ConnectionManager
  readonly replicator: Replicator
  readonly beacon: LanBeacon | null = null
  readonly internet: InternetPath | null = null
  private readonly tt: Tamtam
  private readonly opts: NetworkOptions
  private readonly sessions = new Map<NoiseSecretStream, PeerRooms>()
  private readonly synced = new Map<string, boolean>()
  private readonly dialBacks = new DialBack()
  private started = false

  constructor (tt: Tamtam, opts: NetworkOptions = {}) {
    super()
    this.tt = tt
    this.opts = opts
    this.manager = new ConnectionManager({ keyPair: this.keyPair, port: opts.port ?? 0, maxConnections: opts.maxConnections, graceMs: opts.graceMs, roomAware: true })
    this.replicator = new Replicator(tt)
    if (opts.lanOnly !== true) this.internet = new InternetPath(this.keyPair, opts.bootstrap)
    this.wire()
  }

  private wire (): void {
    this.manager.on('connection', (stream: NoiseSecretStream, info: ConnectionInfo) => {
      this.beacon?.confirm(info.publicKey) // a real peer: never evicted by forged beacons
      this.onConnection(stream, info)
    })
    this.manager.on('disconnection', (info: ConnectionInfo) => this.emit('disconnected', info))
    this.manager.on('warning', (err: unknown) => this.emit('warning', err))
    this.replicator.on('room', (peer: PeerRooms) => this.manager.markShared(peer.stream))
    this.replicator.on('room', (peer: PeerRooms, room: { name: string }) => this.emit('room', { publicKey: peer.stream.remotePublicKey?.toString('hex'), room: room.name }))
    this.replicator.on('warning', (err: unknown) => this.emit('warning', err))
    this.replicator.on('self', () => this.emit('presence'))
    this.tt.on('update', (room: Room, log?: MemberLog) => {
      if (log !== undefined && !log.core.writable) this.emit('append', { room: room.name, core: log.key, length: log.readable })
      this.checkSynced(room)
    })
    this.tt.on('rooms', () => this.internet?.joinRooms(this.topics()))
    // Replication streams run on the store being reopened (after a full disk): drop them,
    // the manager dials again and the new connections attach to the new store.
    this.tt.on('store-closing', () => { for (const stream of this.sessions.keys()) stream.destroy() })
  }

  /** Listen, announce, dial manual peers, and start the Internet path in the background. */
  async start (): Promise<void> {
    if (this.started) return
    this.started = true
    await this.tt.store()
    const listen = this.opts.mode !== 'announce-only'
    if (listen) await this.manager.listen()
    const beacon = new LanBeacon({
      publicKey: this.keyPair.publicKey,
      port: listen ? this.manager.port : 1,
      announceIntervalMs: this.opts.announceIntervalMs,
      beaconPort: this.opts.beaconPort,
      mode: this.opts.mode
    })
    ;(this as { beacon: LanBeacon | null }).beacon = beacon
    beacon.on('peer', (c: PeerCandidate) => this.onCandidate(c))
    beacon.on('lost', (c: PeerCandidate) => {
      this.manager.removeCandidate(c)
      this.emit('lost', c)
    })
    beacon.on('warning', (err: unknown) => this.emit('warning', err))
    await beacon.start()
    for (const p of this.opts.peers ?? []) this.addPeer(p)
    if (this.internet !== null) void this.startInternet(this.internet)
  }

  private async startInternet (internet: InternetPath): Promise<void> {
    internet.on('warning', (err: unknown) => this.emit('warning', err))
    internet.on('connection', (stream: NoiseSecretStream) => {
      const key = stream.remotePublicKey
      const raw = stream.rawStream as unknown as { remoteAddress?: string, remotePort?: number }
      const info = { publicKey: key as Buffer, host: raw.remoteAddress ?? '?', port: raw.remotePort ?? 0, source: 'internet' as const, initiator: stream.isInitiator }
      if (key === null || !this.manager.attach(stream, info)) stream.destroy()
    })
    try {
      await internet.start()
      internet.joinRooms(this.topics())
    } catch (err) {
      this.emit('warning', err)
    }
  }

  private onCandidate (c: PeerCandidate): void {
    this.emit('found', c)
    if (this.opts.mode !== 'announce-only') this.manager.addCandidate(c)
  }

  /** Discovery topics of every room we sync, relayed ones included. */
  private topics (): Buffer[] {
    return [...this.tt.rooms.list().map((r) => r.keys.topic), ...this.tt.relays.list().map((r) => r.topic)]
  }

  /** Keep a manual peer connected (for networks that block multicast). */
  addPeer (peer: PeerAddress): void {
    this.manager.addManual(peer.host, peer.port)
  }

  private onConnection (stream: NoiseSecretStream, info: ConnectionInfo): void {
    try {
      // Synchronously, before anything else can read the stream (see attachPeer).
      const session = this.replicator.attach(stream)
      // A peer cut for flooding is refused for a while, longer each time (protocol §8).
      session.on('warning', (err: { code?: string }) => { if (err?.code === 'PEER_FLOOD') this.manager.ban(info.host) })
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
    // An accepted connection does not say how the peer was found; our own LAN beacon does.
    const onLan = new Set((this.beacon?.peers() ?? []).map((c) => c.publicKey?.toString('hex')))
    return this.manager.connections().map(({ stream, info, bytesIn, bytesOut }) => {
      const key = info.publicKey.toString('hex')
      const shared = this.sessions.get(stream)?.shared ?? new Set<string>()
      return {
        publicKey: key,
        host: info.host,
        port: info.port,
        source: info.source === 'incoming' && onLan.has(key) ? 'lan' : info.source,
        initiator: info.initiator,
        since: info.since,
        rooms: [...shared].map((id) => this.tt.rooms.byId(id)?.name ?? id.slice(0, 12)),
        bytesIn,
        bytesOut
      }
    })
  }

  /** Ask every connected peer to connect back to our TCP port (for `tamtam doctor`). */
  async dialBack (): Promise<DialBackResult[]> {
    return await this.dialBacks.request(this.manager.port)
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
  status (): { port: number, publicKey: string, lan: boolean, internet: boolean, swarmsCreated: number, connections: number, transport: TransportStats } {
    return {
      port: this.manager.port,
      publicKey: this.keyPair.publicKey.toString('hex'),
      lan: this.beacon !== null,
      internet: this.internet !== null,
      swarmsCreated: internetStats.swarmsCreated,
      connections: this.manager.connections().length,
      // Counters since start (dials, failures, evictions, probes): why a mesh churns.
      transport: this.manager.stats
    }
  }

  /** Stop everything in reverse order of start (idempotent). */
  async stop (): Promise<void> {
    await this.internet?.stop()
    await this.beacon?.stop()
    this.replicator.close()
    await this.manager.close()
  }
}
