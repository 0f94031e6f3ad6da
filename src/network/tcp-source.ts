/**
 * The LAN source of a node: LAN beacons, manual peers and (unless LAN-only) Hyperswarm all
 * feed one TCP connection manager, which emits authenticated connections. The LAN path
 * never waits on the Internet path.
 */
import { EventEmitter } from 'node:events'
import NoiseSecretStream from '@hyperswarm/secret-stream'
import { LanBeacon } from '../discovery/index.js'
import type { PeerCandidate } from '../discovery/index.js'
import { ConnectionManager, type ConnectionInfo, type ConnectionSummary } from '../transport/index.js'
import { InternetPath, internetStats, type BootstrapNode } from './internet.js'
import type { PeerAddress } from './peers-file.js'
import type { ConnectionSource } from './source.js'

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
  /** Listen on this address only (benchmarks on loopback); default: every interface. */
  host?: string
  /** No LAN beacon: candidates are handed to `manager` directly (in-process benchmarks). */
  beacon?: false
  /**
   * Room-aware admission (default true): strangers get few slots, and an address puts at
   * most two unproven keys in the mesh plan. False only where every peer shares one address
   * (in-process benchmarks on 127.0.0.1), which that rule reads as one host announcing
   * a hundred keys: the mesh would then grow by probes, two at a time.
   */
  roomAware?: boolean
  /** Push new blocks to peers and accept their pushes (default true; protocol §5a). */
  push?: boolean
}

/** TCP connections from LAN discovery, manual peers and the Internet path. */
export class TcpSource extends EventEmitter implements ConnectionSource {
  readonly keyPair = NoiseSecretStream.keyPair()
  readonly publicKey = this.keyPair.publicKey
  readonly manager: ConnectionManager
  readonly beacon: LanBeacon | null = null
  readonly internet: InternetPath | null = null
  private readonly opts: NetworkOptions
  private topics: () => Buffer[] = () => []
  private started = false

  constructor (opts: NetworkOptions = {}) {
    super()
    this.opts = opts
    this.manager = new ConnectionManager({ keyPair: this.keyPair, port: opts.port ?? 0, host: opts.host, maxConnections: opts.maxConnections, graceMs: opts.graceMs, roomAware: opts.roomAware !== false })
    if (opts.lanOnly !== true) this.internet = new InternetPath(this.keyPair, opts.bootstrap)
    this.manager.on('connection', (stream: NoiseSecretStream, info: ConnectionInfo) => {
      this.beacon?.confirm(info.publicKey) // a real peer: never evicted by forged beacons
      this.emit('connection', stream, info)
    })
    this.manager.on('disconnection', (info: ConnectionInfo) => this.emit('disconnected', info))
    this.manager.on('warning', (err: unknown) => this.emit('warning', err))
  }

  get port (): number {
    return this.manager.port
  }

  /** Listen, announce, dial manual peers, and start the Internet path in the background. */
  async start (topics: () => Buffer[]): Promise<void> {
    if (this.started) return
    this.started = true
    this.topics = topics
    const listen = this.opts.mode !== 'announce-only'
    if (listen) await this.manager.listen()
    if (this.opts.beacon !== false) await this.startBeacon(listen)
    for (const p of this.opts.peers ?? []) this.addPeer(p)
    if (this.internet !== null) void this.startInternet(this.internet)
  }

  private async startBeacon (listen: boolean): Promise<void> {
    const beacon = new LanBeacon({
      publicKey: this.keyPair.publicKey,
      port: listen ? this.manager.port : 1,
      announceIntervalMs: this.opts.announceIntervalMs,
      beaconPort: this.opts.beaconPort,
      mode: this.opts.mode
    })
    ;(this as { beacon: LanBeacon | null }).beacon = beacon
    beacon.on('peer', (c: PeerCandidate) => {
      this.emit('found', c)
      if (this.opts.mode !== 'announce-only') this.manager.addCandidate(c)
    })
    beacon.on('lost', (c: PeerCandidate) => {
      this.manager.removeCandidate(c)
      this.emit('lost', c)
    })
    beacon.on('warning', (err: unknown) => this.emit('warning', err))
    await beacon.start()
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

  roomsChanged (): void {
    this.internet?.joinRooms(this.topics())
  }

  /** Keep a manual peer connected (for networks that block multicast). */
  addPeer (peer: PeerAddress): void {
    this.manager.addManual(peer.host, peer.port)
  }

  markShared (stream: NoiseSecretStream): void {
    this.manager.markShared(stream)
  }

  ban (host: string): void {
    this.manager.ban(host)
  }

  /** Every connection; an accepted one found by our own LAN beacon too is labelled 'lan'. */
  connections (): ConnectionSummary[] {
    const onLan = new Set((this.beacon?.peers() ?? []).map((c) => c.publicKey?.toString('hex')))
    return this.manager.connections().map((c) => c.info.source === 'incoming' && onLan.has(c.info.publicKey.toString('hex'))
      ? { ...c, info: { ...c.info, source: 'lan' } }
      : c)
  }

  status (): Record<string, unknown> {
    return {
      lan: this.beacon !== null,
      internet: this.internet !== null,
      swarmsCreated: internetStats.swarmsCreated,
      // Counters since start (dials, failures, evictions, probes): why a mesh churns.
      transport: this.manager.stats
    }
  }

  /** Stop everything in reverse order of start (idempotent). */
  async stop (): Promise<void> {
    await this.internet?.stop()
    await this.beacon?.stop()
    await this.manager.close()
  }
}
