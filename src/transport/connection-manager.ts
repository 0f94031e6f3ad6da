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
import { FloodBans, pickStranger, unprovenBeyondAllowance, type StrangerSlot, type UnprovenCandidate } from './admission.js'
import { Prober } from './prober.js'
import { ConnectionSet, type LiveConnection } from './connection-set.js'
import { DialTarget, type DialAddress } from './dial-target.js'
import { dialTcp } from './dialer.js'
import { MeshPlanner, SHORT_LIVED_MS, type MeshInputs } from './mesh-planner.js'
import { secureSocket } from './secure-socket.js'
import { resolveSettings, validAddress, type Settings } from './settings.js'
import { TcpListener } from './tcp-listener.js'
import type { ConnectionInfo, ConnectionManagerOptions, ConnectionSummary, NoiseKeyPair, TransportStats } from './types.js'
import { socketClosed, streamClosed } from './when-closed.js'

/** Length of a Noise (ed25519) public key. */
export const PUBLIC_KEY_BYTES = 32
/** Unproven keys one address may put in the mesh's view at a time (the rest wait for a probe). */
const UNPROVEN_PER_HOST = 2
/** How many proven keys a manager remembers (32 bytes of hex each: well under 1 MB). */
const PROVEN_KEYS_KEPT = 4096

/** A socket dialling or handshaking. */
interface PendingSocket { host: string, since: number, incoming: boolean }

/** A stranger the manager may close to free a slot: a live connection sharing no room, or an incoming handshake. */
interface Stranger extends StrangerSlot { connection?: LiveConnection, socket?: net.Socket }

/** What became of an authenticated stream offered to the manager. */
type Adoption = 'accepted' | 'duplicate' | 'self' | 'mismatch' | 'refused' | 'closed' | 'failed'

/**
 * One connection per remote key over TCP + Noise, at most maxConnections of them, shaped
 * into a mesh by the policy of mesh.ts once more peers are known than the cap allows. Events:
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
  private readonly prober: Prober
  private readonly live: ConnectionSet
  /** Sockets dialling or handshaking; they count against maxConnections. */
  private readonly pending = new Map<net.Socket, PendingSocket>()
  /** Addresses cut for flooding, refused for a while. */
  private readonly bans: FloodBans
  /** Probes started per address, so that addresses take turns (admission.ts, nextProbe). */
  /**
   * Keys a handshake proved during this run, kept when their target is dropped: a node that
   * loses a peer's beacons for a moment (a busy LAN) and hears them again does not probe a
   * peer it already knows, nor leave it out of the mesh meanwhile. Bounded (oldest go first).
   */
  private readonly provenKeys = new Set<string>()
  /** Peers to keep dialling: 'key:<hex>' for candidates, 'addr:<host>:<port>' for manual addresses. */
  private readonly targets = new Map<string, DialTarget>()
  private readonly counters: TransportStats = { dials: 0, dialFailures: 0, accepted: 0, refused: 0, evicted: 0, handshakeFailures: 0, duplicates: 0, rejected: 0, strangersEvicted: 0, banned: 0, probes: 0 }
  private readonly mesh: MeshPlanner
  private readonly selfHex: string
  private rebalancing = false
  private closed = false
  private closing: Promise<void> | null = null

  constructor (options: ConnectionManagerOptions) {
    super()
    if (options.keyPair.publicKey.byteLength !== PUBLIC_KEY_BYTES) throw new TypeError('keyPair.publicKey must be 32 bytes')
    this.keyPair = options.keyPair
    this.publicKey = options.keyPair.publicKey
    this.settings = resolveSettings(options)
    this.selfHex = this.publicKey.toString('hex')
    this.mesh = new MeshPlanner(this.settings.mesh, this.settings.meshCooldownMs, this.settings.random)
    this.live = new ConnectionSet(this.publicKey)
    this.bans = new FloodBans(this.settings.floodBan)
    this.listener = new TcpListener((socket) => this.onIncoming(socket), (err) => this.warn(err))
    this.prober = new Prober({
      maxProbes: this.settings.maxProbes,
      backoff: this.settings.backoff,
      random: this.settings.random,
      heldBack: () => this.heldBack(),
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
    const id = `key:${key.toString('hex')}`
    let target = this.targets.get(id)
    const known = target !== undefined
    if (target === undefined) {
      target = new DialTarget(id, Buffer.from(key), (t) => { void this.dial(t) })
      target.probeAt = Date.now() + this.graceFor(key)
      target.proven = this.provenKeys.has(key.toString('hex'))
    }
    this.targets.set(id, target)
    const moved = target.setAddress({ host: candidate.host, port: candidate.port, source: candidate.source })
    if (known && !moved) return // re-announced: keep the current schedule and backoff
    target.attempt = 0
    target.cancel() // rebalance() schedules it again if it is wanted
    this.rebalance()
  }

  /**
   * The source lost this address of the peer: forget it, and stop (re)dialling the peer once
   * no address is left. Other addresses (another source, or the same key announced from
   * elsewhere) stay. An open connection stays.
   */
  removeCandidate (candidate: PeerCandidate): void {
    if (candidate.publicKey === null) return this.dropTarget(`addr:${candidate.host}:${candidate.port}`)
    const id = `key:${candidate.publicKey.toString('hex')}`
    const target = this.targets.get(id)
    if (target !== undefined && target.removeAddress({ host: candidate.host, port: candidate.port, source: candidate.source }) === 0) {
      this.dropTarget(id)
      this.rebalance()
    }
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
    const plan = this.mesh.last
    return { fullMesh: plan?.fullMesh ?? true, ring: plan?.ring.size ?? 0, chosen: plan?.chosen.size ?? 0, live: this.live.size }
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
    this.prober.stop()
    for (const target of this.targets.values()) target.stop()
    this.targets.clear()
    const waits: Array<Promise<void>> = [this.listener.close()]
    for (const socket of this.pending.keys()) {
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
    return this.meshLive().size + this.meshPending() >= this.settings.maxConnections
  }

  /**
   * Live connections the mesh counts: with `roomAware`, those sharing a room or to a proven
   * candidate; a stranger nobody announced (an outsider dialling in) counts only against the
   * hard limit, and gives way there (see makeRoom).
   */
  private meshLive (): Set<string> {
    const out = new Set<string>()
    for (const [hex, connection] of this.liveEntries()) {
      if (!this.settings.roomAware || connection.sharesRoom === true || this.targets.get(`key:${hex}`)?.proven === true) out.add(hex)
    }
    return out
  }

  private * liveEntries (): Generator<[string, LiveConnection]> {
    for (const connection of this.live.values()) yield [connection.info.publicKey.toString('hex'), connection]
  }

  /** Handshakes the mesh counts: all of them, or with `roomAware` our own dials only. */
  private meshPending (): number {
    if (!this.settings.roomAware) return this.pending.size
    let n = 0
    for (const p of this.pending.values()) if (!p.incoming) n++
    return n
  }

  /**
   * Keyed candidates the mesh may not plan over yet: with `roomAware`, those beyond an
   * address's allowance of unproven keys (admission.ts, unprovenBeyondAllowance). They are
   * probed (prober.ts) and join the view once a handshake proves them. On an honest LAN
   * every host announces one key, nothing is held back and nothing is probed; a host
   * announcing a thousand forged keys puts two of them in the view at a time.
   */
  private heldBack (): Set<DialTarget> {
    if (!this.settings.roomAware) return new Set()
    const keyed: Array<UnprovenCandidate & { target: DialTarget }> = []
    for (const target of this.targets.values()) {
      const address = target.address
      if (target.expectedKey === null || address === null) continue
      keyed.push({ target, host: address.host, proven: target.proven, failures: target.attempt + target.probeFailures, firstSeen: target.firstSeen })
    }
    return new Set([...unprovenBeyondAllowance(keyed, UNPROVEN_PER_HOST)].map((c) => c.target))
  }

  /** True while some candidate is held back from the mesh until a probe proves it. */
  private probeMode (): boolean {
    return this.heldBack().size > 0
  }

  /** What the mesh policy decides from: our key, every peer known (proven), live connections, manual peers. */
  private inputs (): MeshInputs {
    const live = this.meshLive()
    const view = new Set(live)
    const pinned = new Set<string>()
    const held = this.heldBack()
    for (const target of this.targets.values()) {
      const hex = target.expectedHex
      if (hex !== null) {
        if (!held.has(target)) view.add(hex)
      } else if (target.learnedKey !== null) pinned.add(target.learnedKey.toString('hex'))
    }
    view.delete(this.selfHex)
    return { self: this.selfHex, view, live, pinned }
  }

  /**
   * Whether one more socket to or from `host` may open now (`extra`: slots allowed beyond the
   * hard limit). At the limit, with `roomAware`, a stranger gives way (admission.ts,
   * pickStranger), unless it is from `host` itself: a host holding the most strangers only
   * waits, so its connections stay and it cannot make us churn handshakes.
   */
  private makeRoom (extra: number, host: string): boolean {
    const limit = this.settings.maxConnections + (this.settings.roomAware ? this.settings.strangerHeadroom : 0) + extra
    if (this.live.size + this.pending.size < limit) return true
    if (!this.settings.roomAware) return false
    const victim = pickStranger(this.strangers(), Date.now(), this.settings.strangerProbationMs)
    if (victim === null || victim.host === host) return false
    this.counters.strangersEvicted++
    if (victim.socket !== undefined) victim.socket.destroy()
    else if (victim.connection !== undefined) this.drop(victim.connection)
    return true
  }

  /** Live connections that share no room (manual peers excepted), and incoming handshakes. */
  private strangers (): Stranger[] {
    const pinned = this.inputs().pinned
    const out: Stranger[] = []
    for (const [hex, connection] of this.liveEntries()) {
      if (connection.sharesRoom !== true && !pinned.has(hex)) out.push({ host: connection.info.host, since: connection.info.since, connection })
    }
    for (const [socket, p] of this.pending) if (p.incoming) out.push({ host: p.host, since: p.since, socket })
    return out
  }

  /**
   * Apply the mesh plan: dial wanted peers that are not connected (ring links after the grace
   * rule, chosen long links at once), stop dialling the others, close long links beyond the
   * budget. Runs after anything that changes the view or the live set, coalesced into one
   * microtask.
   */
  private rebalance (): void {
    if (this.rebalancing || this.closed) return
    this.rebalancing = true
    queueMicrotask(() => {
      this.rebalancing = false
      if (this.closed) return
      const plan = this.mesh.plan(this.inputs())
      for (const target of this.targets.values()) {
        const hex = target.expectedHex
        if (hex === null || target.expectedKey === null) continue // manual addresses are always dialled
        if (!plan.wanted.has(hex)) target.cancel()
        else if (!this.live.has(target.expectedKey) && !target.dialing && !target.scheduled) {
          target.schedule(plan.ring.has(hex) ? this.graceFor(target.expectedKey) : this.mesh.longDelay(this.settings.backoff))
        }
      }
      for (const hex of plan.drop) this.evict(hex)
      this.prober.pump()
    })
  }

  /** Close the live connection to `hex` to make room (mesh policy). */
  private evict (hex: string): void {
    const connection = this.live.get(hex)
    if (connection === undefined || !this.live.has(connection.info.publicKey)) return
    this.counters.evicted++
    this.drop(connection)
  }

  /** Close a live connection now and report it gone. */
  private drop (connection: LiveConnection): void {
    if (!this.live.delete(connection)) return
    connection.stream.destroy()
    this.emit('disconnection', connection.info)
    this.afterGone(connection.info)
  }

  /** Whether a dial to `target` may start now: a ring link may use the slots kept for missing ring neighbours. */
  private mayDial (target: DialTarget): boolean {
    const hex = target.expectedHex
    if (hex === null || this.mesh.role(hex) !== 'ring') return !this.full()
    return this.mesh.admitSocket(this.inputs(), this.meshPending())
  }

  /** First dial delay for `key`: the lower key dials at once, the higher waits for it. */
  private graceFor (key: Buffer): number {
    return Buffer.compare(this.publicKey, key) < 0 ? 0 : this.settings.graceMs
  }

  private rememberProven (hex: string): void {
    this.provenKeys.delete(hex)
    this.provenKeys.add(hex)
    if (this.provenKeys.size > PROVEN_KEYS_KEPT) this.provenKeys.delete(this.provenKeys.values().next().value as string)
  }

  private dropTarget (id: string): void {
    this.targets.get(id)?.stop()
    this.targets.delete(id)
  }

  private onIncoming (socket: net.Socket): void {
    const host = socket.remoteAddress ?? ''
    if (!this.closed && this.bans.remaining(host, Date.now()) > 0) {
      this.counters.banned++
      socket.destroy()
      return
    }
    if (this.closed || !this.admitIncoming(host)) {
      this.counters.refused++
      socket.destroy()
      return
    }
    this.counters.accepted++
    this.pending.set(socket, { host, since: Date.now(), incoming: true })
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

  /**
   * May an incoming socket start its handshake? With `roomAware`, under the hard limit, or by
   * closing a stranger; otherwise as the mesh policy says, plus a few handshakes for probes.
   */
  private admitIncoming (host: string): boolean {
    if (this.settings.roomAware) return this.makeRoom(0, host)
    if (this.mesh.admitSocket(this.inputs(), this.pending.size)) return true
    return this.probeMode() && this.live.size + this.pending.size < this.settings.maxConnections + this.settings.maxProbes
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
    const hex = target.expectedHex
    if (!probe && hex !== null && this.mesh.role(hex) === 'none') return // no longer wanted; rebalance() dials again if that changes
    const room = probe ? this.makeRoom(this.settings.maxProbes, address.host) : this.mayDial(target) && (!this.settings.roomAware || this.makeRoom(0, address.host))
    if (!room) {
      if (!probe) target.schedule(target.nextDelay(this.settings.backoff, this.settings.random))
      return
    }
    target.dialing = true
    let stream: NoiseSecretStream | null
    try {
      stream = await this.connect(address)
    } finally {
      target.dialing = false
    }
    const partial = { host: address.host, port: address.port, source: address.source, initiator: true }
    const outcome = stream === null ? 'failed' : this.adopt(stream, partial, target)
    if (outcome !== 'accepted' && outcome !== 'duplicate' && outcome !== 'refused') target.markAddress(address, false)
    if (probe && !target.proven) {
      target.probeFailures++
      if (outcome === 'self') this.dropTarget(target.id)
      return
    }
    this.afterDial(target, outcome)
  }

  /** TCP connect then Noise handshake; null (and a warning) when either fails. */
  private async connect (address: DialAddress): Promise<NoiseSecretStream | null> {
    this.counters.dials++
    const { socket, connected } = dialTcp(address.host, address.port, this.settings.dialTimeoutMs)
    this.pending.set(socket, { host: address.host, since: Date.now(), incoming: false })
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
    if (this.closed) return
    const hex = target.expectedHex
    if (hex !== null && this.mesh.isChosen(hex)) {
      this.mesh.cool(hex, true) // a long link that failed: choose another peer instead
      return this.rebalance()
    }
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
    const announced = this.targets.get(`key:${hex}`)
    if (announced !== undefined) {
      announced.proven = true
      this.rememberProven(hex)
    }
    if (target !== null && target === announced) target.markAddress({ host: partial.host, port: partial.port, source: partial.source as DialAddress['source'] }, true)
    // With roomAware, a key nobody announced is a stranger: it took a slot under the hard
    // limit already, stays out of the mesh, and gives way when a slot is needed.
    const stranger = this.settings.roomAware && announced === undefined && !this.inputs().pinned.has(hex)
    const admission = stranger ? { accept: true as const, evict: null } : this.mesh.admit(this.inputs(), hex)
    if (!admission.accept) {
      this.counters.refused++
      stream.destroy()
      return 'refused'
    }
    if (admission.evict !== null) this.evict(admission.evict)
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

  /** Keep-alive for our own TCP streams, and the close handler of a live connection. */
  private watch (connection: LiveConnection): void {
    const { stream } = connection
    if (stream.rawStream instanceof net.Socket) { // attached streams come with their own keep-alive and error handler
      stream.setKeepAlive(this.settings.keepAliveMs)
      stream.setTimeout(this.settings.idleTimeoutMs)
      stream.on('error', (err: unknown) => this.warnOpen(err))
    }
    stream.once('close', () => {
      if (!this.live.delete(connection)) return // displaced by a duplicate or evicted: already reported
      this.emit('disconnection', connection.info)
      this.afterGone(connection.info)
    })
  }

  /** A connection is gone: a long link we chose cools down; wanted peers are dialled again. */
  private afterGone (info: ConnectionInfo): void {
    if (this.closed) return
    const hex = info.publicKey.toString('hex')
    if (this.mesh.isChosen(hex)) this.mesh.cool(hex, Date.now() - info.since < SHORT_LIVED_MS)
    this.reconnect(info.publicKey)
    this.rebalance()
  }

  /**
   * A connection to `key` ended: every target for that key that is still wanted (a manual
   * address, or a ring link) retries with backoff (the higher key after the grace).
   */
  private reconnect (key: Buffer): void {
    if (this.closed) return
    for (const target of this.targets.values()) {
      if (target.key?.equals(key) !== true || target.dialing || target.scheduled) continue
      const hex = target.expectedHex
      if (hex !== null && this.mesh.role(hex) !== 'ring') continue
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
