/**
 * The connection manager: listens on TCP, dials discovered and manual peers, runs Noise on
 * every socket, and keeps exactly one authenticated connection per remote public key.
 * Protocol: docs/protocol.md section 8.
 */
import { EventEmitter } from 'node:events'
import net from 'node:net'
import type NoiseSecretStream from '@hyperswarm/secret-stream'
import type { PeerCandidate } from '../discovery/types.js'
import { fail, isTamtamError } from '../errors/index.js'
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js'
import { ConnectionSet, type LiveConnection } from './connection-set.js'
import { DialTarget, type DialAddress } from './dial-target.js'
import { dialTcp } from './dialer.js'
import { secureSocket } from './secure-socket.js'
import { TcpListener } from './tcp-listener.js'
import type { ConnectionInfo, ConnectionManagerOptions, ConnectionSummary, NoiseKeyPair, TransportStats } from './types.js'
import { socketClosed, streamClosed } from './when-closed.js'

/** Length of a Noise (ed25519) public key. */
export const PUBLIC_KEY_BYTES = 32

/** What became of an authenticated stream offered to the manager. */
type Adoption = 'accepted' | 'duplicate' | 'self' | 'mismatch' | 'closed' | 'failed'

/** A host we can hand to net.connect and a port it accepts (net.connect throws on bad ports). */
function validAddress (host: unknown, port: unknown): boolean {
  return typeof host === 'string' && host !== '' && Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65_535
}

/** Options with every default filled in. */
type Settings = Required<Omit<ConnectionManagerOptions, 'keyPair' | 'backoff'>> & { backoff: BackoffOptions }

function resolveSettings (options: ConnectionManagerOptions): Settings {
  return {
    port: options.port ?? 0,
    host: options.host ?? '0.0.0.0',
    maxConnections: options.maxConnections ?? 16,
    graceMs: options.graceMs ?? 3000,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
    backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    dialTimeoutMs: options.dialTimeoutMs ?? 5000,
    listen: options.listen ?? true,
    keepAliveMs: options.keepAliveMs ?? 5000,
    idleTimeoutMs: options.idleTimeoutMs ?? 20_000,
    random: options.random ?? Math.random
  }
}

/**
 * One connection per remote key over TCP + Noise. Events:
 * - 'connection' (stream, info): once per surviving connection, after the handshake;
 * - 'disconnection' (info): a connection that was announced is gone (closed, or displaced by a duplicate);
 * - 'warning' (Error): a failed dial or handshake, a rejected key; never thrown.
 */
export class ConnectionManager extends EventEmitter {
  /** Our per-run Noise public key. */
  readonly publicKey: Buffer
  private readonly keyPair: NoiseKeyPair
  private readonly settings: Settings
  private readonly listener: TcpListener
  private readonly live: ConnectionSet
  /** Sockets dialling or handshaking; they count against maxConnections. */
  private readonly pending = new Set<net.Socket>()
  /** Peers to keep dialling: 'key:<hex>' for candidates, 'addr:<host>:<port>' for manual addresses. */
  private readonly targets = new Map<string, DialTarget>()
  private readonly counters: TransportStats = { dials: 0, dialFailures: 0, accepted: 0, refused: 0, handshakeFailures: 0, duplicates: 0, rejected: 0 }
  private closed = false
  private closing: Promise<void> | null = null

  constructor (options: ConnectionManagerOptions) {
    super()
    if (options.keyPair.publicKey.byteLength !== PUBLIC_KEY_BYTES) throw new TypeError('keyPair.publicKey must be 32 bytes')
    this.keyPair = options.keyPair
    this.publicKey = options.keyPair.publicKey
    this.settings = resolveSettings(options)
    this.live = new ConnectionSet(this.publicKey)
    this.listener = new TcpListener((socket) => this.onIncoming(socket), (err) => this.warn(err))
  }

  /** The bound TCP port, or 0 before listen() (and always 0 with `listen: false`). */
  get port (): number {
    return this.listener.port
  }

  /** Counters for diagnostics (a copy). */
  get stats (): TransportStats {
    return { ...this.counters }
  }

  /** Bind the TCP listener; resolves with the actual port. Idempotent. */
  listen (): Promise<number> {
    if (this.closed) return Promise.reject(fail('CLOSED', 'the transport is closed'))
    if (!this.settings.listen) return Promise.resolve(0)
    return this.listener.listen(this.settings.port, this.settings.host)
  }

  /**
   * A discovery source found a peer. With a key: the lower key dials now, the higher after
   * graceMs if still not connected, and both keep retrying with backoff while the candidate
   * is known. Without a key it is a manual address.
   */
  addCandidate (candidate: PeerCandidate): void {
    if (this.closed) return
    const key = candidate.publicKey
    if (!validAddress(candidate.host, candidate.port)) return this.warn(fail('PEER_INVALID', `candidate address ${String(candidate.host)}:${String(candidate.port)} ignored`))
    if (key === null) return this.addManual(candidate.host, candidate.port)
    if (key.byteLength !== PUBLIC_KEY_BYTES) return this.warn(fail('PEER_INVALID', `candidate ${candidate.host}:${candidate.port} has a ${key.byteLength}-byte key`))
    if (key.equals(this.publicKey)) return // our own announcement, heard back
    const id = `key:${key.toString('hex')}`
    let target = this.targets.get(id)
    const known = target !== undefined
    target ??= new DialTarget(id, Buffer.from(key), (t) => { void this.dial(t) })
    this.targets.set(id, target)
    const moved = target.setAddress({ host: candidate.host, port: candidate.port, source: candidate.source })
    if (known && !moved) return // re-announced: keep the current schedule and backoff
    target.attempt = 0
    if (!this.live.has(key)) target.schedule(this.graceFor(key))
  }

  /** The source lost the peer: stop (re)dialling it once no source knows it. An open connection stays. */
  removeCandidate (candidate: PeerCandidate): void {
    if (candidate.publicKey === null) return this.dropTarget(`addr:${candidate.host}:${candidate.port}`)
    const id = `key:${candidate.publicKey.toString('hex')}`
    const target = this.targets.get(id)
    if (target !== undefined && target.removeSource(candidate.source) === 0) this.dropTarget(id)
  }

  /**
   * Dial host:port with no known key (Noise XX reveals it), and keep reconnecting with
   * backoff for as long as the manager runs. Stops for good if the address turns out to be us.
   * Throws PEER_INVALID for an empty host or a port outside 1–65535.
   */
  addManual (host: string, port: number): void {
    if (!validAddress(host, port)) throw fail('PEER_INVALID', `${String(host)}:${String(port)}`)
    if (this.closed) return
    const id = `addr:${host}:${port}`
    if (this.targets.has(id)) return
    const target = new DialTarget(id, null, (t) => { void this.dial(t) })
    target.setAddress({ host, port, source: 'manual' })
    this.targets.set(id, target)
    target.schedule(0)
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
    if (!this.live.has(remoteKey) && this.full()) {
      this.counters.refused++
      stream.destroy()
      return false
    }
    const { host, port, source } = info
    return this.adopt(stream, { host, port, source, initiator: stream.isInitiator }, null) === 'accepted'
  }

  /** Every live connection with its byte counts. */
  connections (): ConnectionSummary[] {
    return [...this.live.values()].map(({ stream, info }) => ({
      stream, info, bytesIn: stream.rawBytesRead, bytesOut: stream.rawBytesWritten
    }))
  }

  /** Stop dialling, close the listener and every socket, clear every timer. Idempotent. */
  close (): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async shutdown (): Promise<void> {
    this.closed = true
    for (const target of this.targets.values()) target.stop()
    this.targets.clear()
    const waits: Array<Promise<void>> = [this.listener.close()]
    for (const socket of this.pending) {
      waits.push(socketClosed(socket))
      socket.destroy()
    }
    for (const { stream } of [...this.live.values()]) {
      waits.push(streamClosed(stream))
      stream.destroy()
    }
    await Promise.all(waits)
  }

  private full (): boolean {
    return this.live.size + this.pending.size >= this.settings.maxConnections
  }

  /** First dial delay for `key`: the lower key dials at once, the higher waits for it. */
  private graceFor (key: Buffer): number {
    return Buffer.compare(this.publicKey, key) < 0 ? 0 : this.settings.graceMs
  }

  private dropTarget (id: string): void {
    this.targets.get(id)?.stop()
    this.targets.delete(id)
  }

  private onIncoming (socket: net.Socket): void {
    if (this.closed || this.full()) {
      this.counters.refused++
      socket.destroy()
      return
    }
    this.counters.accepted++
    this.pending.add(socket)
    const partial = { host: socket.remoteAddress ?? '', port: socket.remotePort ?? 0, source: 'incoming' as const, initiator: false }
    const { stream, opened } = secureSocket(socket, { initiator: false, keyPair: this.keyPair, handshakeTimeoutMs: this.settings.handshakeTimeoutMs })
    opened.then(() => {
      this.pending.delete(socket)
      this.adopt(stream, partial, null)
    }, (err: unknown) => {
      this.pending.delete(socket)
      this.counters.handshakeFailures++
      this.warnOpen(err)
    })
  }

  /** Dial `target` once, then decide what comes next. */
  private async dial (target: DialTarget): Promise<void> {
    const address = target.address
    if (this.closed || target.stopped || target.dialing || address === null) return
    const key = target.key
    if (key !== null && this.live.has(key)) return // a disconnection will reschedule
    if (this.full()) return target.schedule(target.nextDelay(this.settings.backoff, this.settings.random))
    target.dialing = true
    let stream: NoiseSecretStream | null
    try {
      stream = await this.connect(address)
    } finally {
      target.dialing = false
    }
    const partial = { host: address.host, port: address.port, source: address.source, initiator: true }
    this.afterDial(target, stream === null ? 'failed' : this.adopt(stream, partial, target))
  }

  /** TCP connect then Noise handshake; null (and a warning) when either fails. */
  private async connect (address: DialAddress): Promise<NoiseSecretStream | null> {
    this.counters.dials++
    const { socket, connected } = dialTcp(address.host, address.port, this.settings.dialTimeoutMs)
    this.pending.add(socket)
    try {
      await connected
      const { stream, opened } = secureSocket(socket, { initiator: true, keyPair: this.keyPair, handshakeTimeoutMs: this.settings.handshakeTimeoutMs })
      if (this.closed) socket.destroy()
      await opened
      return stream
    } catch (err) {
      this.counters[isTamtamError(err, 'PEER_UNREACHABLE') ? 'dialFailures' : 'handshakeFailures']++
      this.warnOpen(err)
      return null
    } finally {
      this.pending.delete(socket)
    }
  }

  private afterDial (target: DialTarget, outcome: Adoption): void {
    if (outcome === 'self') return this.dropTarget(target.id)
    if (outcome === 'accepted' || outcome === 'duplicate') return target.succeeded()
    if (!this.closed) target.schedule(target.nextDelay(this.settings.backoff, this.settings.random))
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
    const connection: LiveConnection = { stream, handshakeHash, info: { ...partial, publicKey: remoteKey, since: Date.now() } }
    const { kept, replaced } = this.live.add(connection)
    if (!kept) {
      this.counters.duplicates++
      stream.destroy()
      return 'duplicate'
    }
    this.watch(connection)
    if (replaced !== null) {
      this.counters.duplicates++
      replaced.stream.destroy()
      this.emit('disconnection', replaced.info)
    }
    for (const t of this.targets.values()) if (t.key?.equals(remoteKey) === true) t.succeeded()
    this.emit('connection', stream, connection.info)
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

  /** Keep-alive for our own TCP streams, and the close handler of a live connection. */
  private watch (connection: LiveConnection): void {
    const { stream } = connection
    if (stream.rawStream instanceof net.Socket) { // attached streams come with their own keep-alive and error handler
      stream.setKeepAlive(this.settings.keepAliveMs)
      stream.setTimeout(this.settings.idleTimeoutMs)
      stream.on('error', (err: unknown) => this.warnOpen(err))
    }
    stream.once('close', () => {
      if (!this.live.delete(connection)) return // displaced by a duplicate: already reported
      this.emit('disconnection', connection.info)
      this.reconnect(connection.info.publicKey)
    })
  }

  /** A connection to `key` ended: every target for that key retries with backoff (the higher key after the grace). */
  private reconnect (key: Buffer): void {
    if (this.closed) return
    for (const target of this.targets.values()) {
      if (target.key?.equals(key) !== true || target.dialing || target.scheduled) continue
      const grace = target.expectedKey === null ? 0 : this.graceFor(key)
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
