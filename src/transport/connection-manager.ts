/**
 * The connection manager: listens on TCP, dials discovered and manual peers, runs Noise on
 * every socket, and keeps exactly one authenticated connection per remote public key.
 * Protocol: docs/protocol.md section 8.
 */
import { EventEmitter } from 'node:events'
import type net from 'node:net'
import type NoiseSecretStream from '@hyperswarm/secret-stream'
import type { PeerCandidate } from '../discovery/types.js'
import { fail } from '../errors/index.js'
import { FloodBans } from './admission.js'
import { Prober } from './prober.js'
import type { LiveConnection } from './connection-set.js'
import type { DialTarget, DialAddress } from './dial-target.js'
import { addressTargetId, DialTargets } from './dial-targets.js'
import { Handshakes } from './handshakes.js'
import { LiveConnections } from './live-connections.js'
import { MeshPolicy, type Room } from './mesh-policy.js'
import { resolveSettings, validAddress, type Settings } from './settings.js'
import { TcpListener } from './tcp-listener.js'
import type { ConnectionInfo, ConnectionManagerOptions, ConnectionSummary, TransportStats } from './types.js'

/** Length of a Noise (ed25519) public key. */
export const PUBLIC_KEY_BYTES = 32
/** What became of an authenticated stream offered to the manager. */
type Adoption = 'accepted' | 'duplicate' | 'self' | 'mismatch' | 'refused' | 'closed' | 'failed'

/**
 * One connection per remote key over TCP + Noise, at most maxConnections of them, shaped
 * into a mesh by the policy of mesh.ts once more peers are known than the cap allows. The
 * manager keeps the books (targets, sockets, connections); mesh-policy.ts decides from them. Events:
 * - 'connection' (stream, info): once per surviving connection, after the handshake;
 * - 'disconnection' (info): a connection that was announced is gone (closed, or displaced by a duplicate);
 * - 'warning' (Error): a failed dial or handshake, a rejected key; never thrown.
 */
export class ConnectionManager extends EventEmitter {
  /** Our per-run Noise public key. */
  readonly publicKey: Buffer
  private readonly settings: Settings
  private readonly listener: TcpListener
  private readonly prober: Prober
  private readonly live: LiveConnections
  /** Sockets dialling or handshaking; they count against maxConnections. */
  private readonly handshakes: Handshakes
  /** Addresses cut for flooding, refused for a while. */
  private readonly bans: FloodBans
  /** Peers to keep dialling. */
  private readonly targets = new DialTargets((t) => { void this.dial(t) })
  private readonly counters: TransportStats = { dials: 0, dialFailures: 0, accepted: 0, refused: 0, evicted: 0, handshakeFailures: 0, duplicates: 0, rejected: 0, strangersEvicted: 0, banned: 0, probes: 0 }
  private readonly policy: MeshPolicy
  private rebalancing = false
  private closed = false
  private closing: Promise<void> | null = null

  constructor (options: ConnectionManagerOptions) {
    super()
    if (options.keyPair.publicKey.byteLength !== PUBLIC_KEY_BYTES) throw new TypeError('keyPair.publicKey must be 32 bytes')
    this.publicKey = options.keyPair.publicKey
    this.settings = resolveSettings(options)
    const { dialTimeoutMs, handshakeTimeoutMs, keepAliveMs, idleTimeoutMs } = this.settings
    this.live = new LiveConnections(this.publicKey, { keepAliveMs, idleTimeoutMs, counters: this.counters, disconnected: (info, replaced) => this.disconnected(info, replaced), failed: (err) => this.warnOpen(err) })
    this.handshakes = new Handshakes({ keyPair: options.keyPair, dialTimeoutMs, handshakeTimeoutMs }, { counters: this.counters, failed: (err) => this.warnOpen(err), closed: () => this.closed })
    this.policy = new MeshPolicy(this.settings, { publicKey: this.publicKey, targets: this.targets, live: this.live, pending: this.handshakes.pending })
    this.bans = new FloodBans(this.settings.floodBan)
    this.listener = new TcpListener((socket) => this.onIncoming(socket), (err) => this.warn(err))
    this.prober = new Prober({
      maxProbes: this.settings.maxProbes,
      backoff: this.settings.backoff,
      random: this.settings.random,
      heldBack: () => this.policy.heldBack(),
      bannedFor: (host, now) => this.bans.remaining(host, now),
      connected: (target) => target.expectedKey !== null && this.live.has(target.expectedKey),
      probe: async (target) => await this.dial(target, true)
    })
  }

  /** The bound TCP port, or 0 before listen() (and always 0 with `listen: false`). */
  get port (): number {
    return this.listener.port
  }

  /** Counters for diagnostics (a copy). */
  get stats (): TransportStats {
    return { ...this.counters, probes: this.prober.started }
  }

  /** Bind the TCP listener; resolves with the actual port. Idempotent. */
  listen (): Promise<number> {
    if (this.closed) return Promise.reject(fail('CLOSED', 'the transport is closed'))
    if (!this.settings.listen) return Promise.resolve(0)
    return this.listener.listen(this.settings.port, this.settings.host)
  }

  /**
   * A discovery source found a peer. With a key, if the mesh policy wants a link to it: the
   * lower key dials now, the higher after graceMs if still not connected (a long link we
   * chose is dialled at once), and both keep retrying with backoff while the candidate is
   * known and wanted. Without a key it is a manual address.
   */
  addCandidate (candidate: PeerCandidate): void {
    if (this.closed) return
    const key = candidate.publicKey
    if (!validAddress(candidate.host, candidate.port)) return this.warn(fail('PEER_INVALID', `candidate address ${String(candidate.host)}:${String(candidate.port)} ignored`))
    if (key === null) return this.addManual(candidate.host, candidate.port)
    if (key.byteLength !== PUBLIC_KEY_BYTES) return this.warn(fail('PEER_INVALID', `candidate ${candidate.host}:${candidate.port} has a ${key.byteLength}-byte key`))
    if (key.equals(this.publicKey)) return // our own announcement, heard back
    const address = { host: candidate.host, port: candidate.port, source: candidate.source }
    if (this.targets.announce(key, address, this.policy.graceFor(key))) this.rebalance() // which dials it if it is wanted
  }

  /**
   * The source lost this address of the peer: forget it, and stop (re)dialling the peer once
   * no address is left. Other addresses (another source, or the same key announced from
   * elsewhere) stay. An open connection stays.
   */
  removeCandidate (candidate: PeerCandidate): void {
    if (candidate.publicKey === null) return this.targets.drop(addressTargetId(candidate.host, candidate.port))
    if (this.targets.unannounce(candidate.publicKey, { host: candidate.host, port: candidate.port, source: candidate.source })) this.rebalance()
  }

  /**
   * Dial host:port with no known key (Noise XX reveals it), and keep reconnecting with
   * backoff for as long as the manager runs. Stops for good if the address turns out to be us.
   * Throws PEER_INVALID for an empty host or a port outside 1–65535.
   */
  addManual (host: string, port: number): void {
    if (!validAddress(host, port)) throw fail('PEER_INVALID', `${String(host)}:${String(port)}`)
    if (!this.closed) this.targets.addManual(host, port)
  }

  /**
   * Adopt an authenticated stream from another source (Hyperswarm), under the same
   * one-per-key rule. The manager owns the stream from then on: a rejected stream is destroyed.
   * Returns false when rejected (closed manager, unauthenticated stream, key mismatch, full, lost duplicate).
   */
  attach (stream: NoiseSecretStream, info: Omit<ConnectionInfo, 'since'>): boolean {
    stream.on('error', (err: unknown) => this.warnOpen(err))
    const remoteKey = stream.remotePublicKey
    if (this.closed || remoteKey === null || stream.handshakeHash === null || !remoteKey.equals(info.publicKey)) {
      if (!this.closed) this.warn(fail('PEER_REJECTED', 'attached stream is not authenticated as the key it claims'))
      stream.destroy()
      return false
    }
    const { host, port, source } = info
    return this.adopt(stream, { host, port, source, initiator: stream.isInitiator }, null) === 'accepted'
  }

  /**
   * The owner found a room shared on this connection: it is a member's from now on, counts
   * in the mesh, and is never closed to make room for a stranger (with `roomAware`).
   */
  markShared (stream: NoiseSecretStream): void {
    const key = stream.remotePublicKey
    const connection = key === null ? undefined : this.live.get(key.toString('hex'))
    if (connection === undefined || connection.stream !== stream || connection.sharesRoom === true) return
    connection.sharesRoom = true
    this.rebalance()
  }

  /**
   * Refuse `host` for a while, doubling with each call (the owner cut it for flooding):
   * incoming sockets from it are closed at once and it is not dialled. Returns the refusal in ms.
   */
  ban (host: string): number {
    if (this.closed || host === '') return 0
    const ms = this.bans.strike(host, Date.now())
    this.warn(fail('PEER_FLOOD', `${host} flooded: refused for ${Math.round(ms / 1000)} s`))
    return ms
  }

  /** Milliseconds `host` is still refused for (0 = not refused). */
  bannedFor (host: string): number {
    return this.bans.remaining(host, Date.now())
  }

  /** The mesh policy's last plan: ring neighbours, long links chosen, whether every peer fits (a full mesh). */
  meshStatus (): { fullMesh: boolean, ring: number, chosen: number, live: number } {
    return { ...this.policy.status(), live: this.live.size }
  }

  /** Every live connection with its byte counts. */
  connections (): ConnectionSummary[] {
    return this.live.summaries()
  }

  /** Stop dialling, close the listener and every socket, clear every timer. Idempotent. */
  close (): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async shutdown (): Promise<void> {
    this.closed = true
    this.prober.stop()
    this.targets.clear()
    await Promise.all([this.listener.close(), this.handshakes.destroyAll(), this.live.destroyAll()])
  }

  /**
   * Apply the mesh plan (mesh-policy.ts, rebalance). Runs after anything that changes the
   * view or the live set, coalesced into one microtask.
   */
  private rebalance (): void {
    if (this.rebalancing || this.closed) return
    this.rebalancing = true
    queueMicrotask(() => {
      this.rebalancing = false
      if (this.closed) return
      const steps = this.policy.rebalance()
      for (const target of steps.cancel) target.cancel()
      for (const { target, delayMs } of steps.dial) target.schedule(delayMs)
      for (const hex of steps.evict) this.live.evict(hex)
      this.prober.pump()
    })
  }

  /** Take the room a socket needs: close the stranger the policy picked, if any. */
  private takeRoom (room: Room): boolean {
    if (!room.ok || room.evict === null) return room.ok
    this.counters.strangersEvicted++
    if (room.evict.socket !== undefined) room.evict.socket.destroy()
    else if (room.evict.connection !== undefined) this.live.drop(room.evict.connection)
    return true
  }

  private onIncoming (socket: net.Socket): void {
    const host = socket.remoteAddress ?? ''
    if (!this.closed && this.bans.remaining(host, Date.now()) > 0) {
      this.counters.banned++
      socket.destroy()
      return
    }
    if (this.closed || !this.takeRoom(this.policy.roomToAccept(host))) {
      this.counters.refused++
      socket.destroy()
      return
    }
    this.counters.accepted++
    const partial = { host: socket.remoteAddress ?? '', port: socket.remotePort ?? 0, source: 'incoming' as const, initiator: false }
    this.handshakes.accept(socket, host, (stream) => this.adopt(stream, partial, null))
  }

  /** Dial `target` once (a `probe` proves an unproven key, whatever the mesh wants), then decide what comes next. */
  private async dial (target: DialTarget, probe = false): Promise<void> {
    const address = target.address
    if (this.closed || target.stopped || target.dialing || address === null) return
    const key = target.key
    if (key !== null && this.live.has(key)) return // a disconnection will reschedule
    const banned = this.bans.remaining(address.host, Date.now())
    if (banned > 0) {
      this.counters.banned++
      if (!probe) target.schedule(banned)
      return
    }
    if (!probe && !this.policy.wants(target)) return
    if (!this.takeRoom(this.policy.roomToDial(target, address.host, probe))) {
      if (!probe) target.schedule(target.nextDelay(this.settings.backoff, this.settings.random))
      return
    }
    target.dialing = true
    let stream: NoiseSecretStream | null
    try {
      stream = await this.handshakes.dial(address)
    } finally {
      target.dialing = false
    }
    const partial = { host: address.host, port: address.port, source: address.source, initiator: true }
    const outcome = stream === null ? 'failed' : this.adopt(stream, partial, target)
    if (outcome !== 'accepted' && outcome !== 'duplicate' && outcome !== 'refused') target.markAddress(address, false)
    if (probe && !target.proven) {
      target.probeFailures++
      if (outcome === 'self') this.targets.drop(target.id)
      return
    }
    this.afterDial(target, outcome)
  }

  private afterDial (target: DialTarget, outcome: Adoption): void {
    if (outcome === 'self') return this.targets.drop(target.id)
    if (outcome === 'accepted' || outcome === 'duplicate') return target.succeeded()
    if (this.closed) return
    if (this.policy.dialFailed(target)) return this.rebalance() // a long link: another peer is chosen instead
    target.schedule(target.nextDelay(this.settings.backoff, this.settings.random))
  }

  /** Take an authenticated stream into the live set, or close it; `target` is the dial it came from. */
  private adopt (stream: NoiseSecretStream, partial: Omit<ConnectionInfo, 'since' | 'publicKey'>, target: DialTarget | null): Adoption {
    const remoteKey = stream.remotePublicKey
    const handshakeHash = stream.handshakeHash
    if (this.closed || remoteKey === null || handshakeHash === null) {
      stream.destroy()
      return this.closed ? 'closed' : 'failed'
    }
    const rejection = this.checkKey(remoteKey, partial, target)
    if (rejection !== null) {
      this.counters.rejected++
      stream.destroy()
      return rejection
    }
    const hex = remoteKey.toString('hex')
    const announced = this.targets.proved(hex)
    if (target !== null && target === announced) target.markAddress({ host: partial.host, port: partial.port, source: partial.source as DialAddress['source'] }, true)
    const admission = this.policy.admit(hex)
    if (!admission.accept) {
      this.counters.refused++
      stream.destroy()
      return 'refused'
    }
    if (admission.evict !== null) this.live.evict(admission.evict)
    const connection: LiveConnection = { stream, handshakeHash, info: { ...partial, publicKey: remoteKey, since: Date.now() } }
    if (!this.live.keep(connection)) return 'duplicate'
    for (const t of this.targets.forKey(remoteKey)) t.succeeded()
    this.emit('connection', stream, connection.info)
    this.rebalance()
    return 'accepted'
  }

  /** Why a stream with `remoteKey` must be refused, or null when it may stay. */
  private checkKey (remoteKey: Buffer, partial: Omit<ConnectionInfo, 'since' | 'publicKey'>, target: DialTarget | null): Adoption | null {
    const where = `${partial.host}:${partial.port}`
    if (target !== null && target.expectedKey === null) target.learnedKey = Buffer.from(remoteKey)
    if (remoteKey.equals(this.publicKey)) {
      // Both ends of a self-dial land here; only the dialling end reports it.
      if (target !== null) this.warn(fail('PEER_REJECTED', `${where} is this node itself; not dialling it again`))
      return 'self'
    }
    if (target?.expectedKey != null && !target.expectedKey.equals(remoteKey)) {
      this.warn(fail('PEER_REJECTED', `${where} answered with key ${remoteKey.toString('hex').slice(0, 16)}… instead of the announced ${target.expectedKey.toString('hex').slice(0, 16)}…`))
      return 'mismatch'
    }
    return null
  }

  /** A connection that was announced is gone; unless a duplicate replaced it, its peer may be dialled again. */
  private disconnected (info: ConnectionInfo, replaced: boolean): void {
    this.emit('disconnection', info)
    if (!replaced) this.afterGone(info)
  }

  /** A connection is gone: a long link we chose cools down; wanted peers are dialled again. */
  private afterGone (info: ConnectionInfo): void {
    if (this.closed) return
    this.policy.connectionGone(info, Date.now())
    this.reconnect(info.publicKey)
    this.rebalance()
  }

  /**
   * A connection to `key` ended: every target for that key that is still wanted (a manual
   * address, or a ring link) retries with backoff (the higher key after the grace).
   */
  private reconnect (key: Buffer): void {
    if (this.closed) return
    for (const target of this.targets.forKey(key)) {
      if (target.dialing || target.scheduled || !this.policy.redialsAfterLoss(target)) continue
      const grace = target.expectedKey === null ? 0 : this.policy.graceFor(key)
      target.schedule(grace + target.nextDelay(this.settings.backoff, this.settings.random))
    }
  }

  /** Report a failure of a socket or stream, unless we are closing (then errors are our own doing). */
  private warnOpen (err: unknown): void {
    if (!this.closed) this.warn(err instanceof Error ? err : new Error(String(err)))
  }

  private warn (err: Error): void {
    this.emit('warning', err)
  }
}
