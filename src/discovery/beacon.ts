/**
 * LAN discovery by UDP multicast beacons, with no package beyond node:dgram: it must work
 * on a LAN whose link to the Internet is cut. The wire format is written down in
 * docs/protocol.md section 7, precisely enough to write a compatible peer.
 *
 * A beacon says only "a tamtam node listens on TCP port P, with this per-run Noise key and
 * this per-run instance id". It carries no room and no identity (DESIGN.md section 2,
 * "Privacy of announcements"): room membership is proven later, inside the Noise session.
 */
import dgram from 'node:dgram'
import net from 'node:net'
import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { lanAddresses } from './interfaces.js'
import type { Discovery, PeerCandidate } from './types.js'
import { decodeBeacon, encodeBeacon, INSTANCE_ID_SIZE } from './beacon-wire.js'
import { tableVictim } from './candidate-table.js'

export * from './beacon-wire.js'

/** Default multicast group: in 239.255.0.0/16, the site-local scope meant for private use. */
export const DEFAULT_GROUP = '239.255.77.77'
/** Default UDP port of the beacons, shared by every node on a host (SO_REUSEADDR). */
export const DEFAULT_BEACON_PORT = 49737
/** Default time between periodic announces. */
export const DEFAULT_ANNOUNCE_INTERVAL_MS = 2000
/** Periodic announces vary by ± this fraction so a room full of laptops does not announce in lockstep. */
export const ANNOUNCE_JITTER = 0.2
/** Announces triggered by a newcomer are at least this far apart, so a crowd or a forger cannot make us flood. */
export const REANNOUNCE_MIN_GAP_MS = 250
/** Default cap on tracked candidates: forged beacons cannot grow memory without bound. */
export const MAX_PEERS = 1000
/** Default discovery mode. */
export const DEFAULT_MODE: LanBeaconMode = 'both'

/** A peer is lost after three missed announces, plus a second for jitter and scheduling delays. */
export function defaultPeerTimeoutMs (announceIntervalMs: number): number {
  return 3 * announceIntervalMs + 1000
}

/** `both` finds and is found; `announce-only` is found but reports no peers; `listen-only` finds but sends nothing. */
export type LanBeaconMode = 'both' | 'announce-only' | 'listen-only'

/** Options of {@link LanBeacon}. */
export interface LanBeaconOptions {
  /** Our per-run Noise public key (32 bytes). Never the identity key: beacons must not reveal who we are. */
  publicKey: Buffer
  /** Our TCP listening port, announced to peers. */
  port: number
  /** Random id of this run (16 bytes), so peers notice a restart. Default: 16 fresh random bytes. */
  instanceId?: Buffer
  /** IPv4 multicast group. Default {@link DEFAULT_GROUP}. */
  group?: string
  /** UDP port the beacons travel on. Default {@link DEFAULT_BEACON_PORT}. */
  beaconPort?: number
  /** Mean time between periodic announces (and interface re-scans). Default {@link DEFAULT_ANNOUNCE_INTERVAL_MS}. */
  announceIntervalMs?: number
  /** A candidate is 'lost' after this long without a beacon. Default {@link defaultPeerTimeoutMs} of the interval. */
  peerTimeoutMs?: number
  /** Which interface addresses to use, asked again at every announce; non-IPv4 entries are ignored. Default {@link lanAddresses}. */
  addresses?: () => Array<{ address: string }>
  /** Default {@link DEFAULT_MODE}. */
  mode?: LanBeaconMode
  /** At most this many candidates are tracked; beacons of further new ones are dropped. Default {@link MAX_PEERS}. */
  maxPeers?: number
}

/** Counters of a {@link LanBeacon}, since it was constructed. */
export interface LanBeaconStats {
  /** Beacons sent, one per interface per announce. */
  sent: number
  /** Well-formed beacons received from other nodes (our own, looped back, are not counted). */
  received: number
  /** Datagrams thrown away: malformed, or from a new peer while the table was full. */
  dropped: number
  /** Candidates tracked now. */
  peers: number
}

interface Tracked { candidate: PeerCandidate, lastSeen: number, host: string, firstSeen: number, confirmed: boolean }
interface Sender { socket: dgram.Socket, ready: boolean }

const now = (): number => performance.now()

/**
 * Finds tamtam nodes on every LAN this host is on, and makes this node findable, by UDP
 * multicast beacons (docs/protocol.md section 7). Implements {@link Discovery} as 'lan'.
 *
 * A candidate is one path to one run of a peer: (instance id, source address). A peer
 * with two addresses on our LAN therefore gives two candidates with the same public key,
 * and the connection manager keeps one connection per key. A new run or a new address is a
 * new candidate ('peer'), and the old one is 'lost' once it falls silent. A replayed
 * beacon sent from another host is a separate candidate that cannot displace the real one;
 * dialling it fails the Noise handshake, since the replayer lacks the private key.
 * Socket errors are reported as 'warning' events, never thrown.
 */
export class LanBeacon extends EventEmitter implements Discovery {
  /** Always 'lan'. */
  readonly name = 'lan'
  /** This run's instance id. */
  readonly instanceId: Buffer
  private readonly opts: Required<LanBeaconOptions>
  // Encoded once: every announce sends the same 56 bytes.
  private readonly packet: Buffer
  private readonly table = new Map<string, Tracked>()
  private readonly senders = new Map<string, Sender>()
  private readonly joined = new Set<string>()
  private receiver: dgram.Socket | null = null
  private readonly counters = { sent: 0, received: 0, dropped: 0 }
  private running = false
  private starting: Promise<void> | null = null
  // Bumped by every stop(), so work begun before a stop notices and quits instead of reopening sockets.
  private generation = 0
  private lastReannounceAt = -Infinity
  private tableFull = false
  private announceTimer: NodeJS.Timeout | null = null
  private reannounceTimer: NodeJS.Timeout | null = null
  private expiryTimer: NodeJS.Timeout | null = null
  /** Period of the expiry check, and when it last ran (ms, performance.now()). */
  private expiryEvery = 1000
  private lastExpiryAt = 0
  /** After a stall, silence is not judged until two more announce periods have passed (see expire). */
  private expiryPausedUntil = 0

  constructor (opts: LanBeaconOptions) {
    super()
    this.opts = resolveOptions(opts)
    this.instanceId = this.opts.instanceId
    this.packet = encodeBeacon({ port: this.opts.port, instanceId: this.instanceId, publicKey: this.opts.publicKey })
  }

  /** A snapshot of the counters. */
  get stats (): LanBeaconStats {
    return { ...this.counters, peers: this.table.size }
  }

  /** The candidates heard from within peerTimeoutMs (also in 'announce-only', which only keeps them quiet). */
  peers (): PeerCandidate[] {
    return [...this.table.values()].map((t) => ({ ...t.candidate }))
  }

  /**
   * A handshake with `publicKey` completed: its candidates are real and never give way to
   * new ones when the table is full (they still expire when silent).
   */
  confirm (publicKey: Buffer): void {
    for (const tracked of this.table.values()) if (tracked.candidate.publicKey?.equals(publicKey) === true) tracked.confirmed = true
  }

  /** Open the sockets and announce. Resolves once the first announce is sent; a second call is a no-op. */
  async start (): Promise<void> {
    if (this.running) return await (this.starting ?? Promise.resolve())
    this.running = true
    const gen = this.generation
    this.starting = this.refreshInterfaces(gen).then(() => {
      if (gen !== this.generation) return
      this.announce()
      this.scheduleAnnounce(gen)
      this.expiryEvery = Math.max(50, Math.min(1000, Math.floor(this.opts.peerTimeoutMs / 4)))
      this.lastExpiryAt = now()
      this.expiryTimer = setInterval(() => this.expire(), this.expiryEvery)
    })
    await this.starting
  }

  /** Close every socket and clear every timer; candidates are forgotten without 'lost' events. Idempotent. */
  async stop (): Promise<void> {
    if (!this.running) return
    this.running = false
    this.starting = null
    this.generation++
    for (const timer of [this.announceTimer, this.reannounceTimer]) clearTimeout(timer ?? undefined)
    clearInterval(this.expiryTimer ?? undefined)
    this.announceTimer = this.reannounceTimer = this.expiryTimer = null
    const sockets = [...[...this.senders.values()].map((s) => s.socket), ...(this.receiver === null ? [] : [this.receiver])]
    this.senders.clear()
    this.joined.clear()
    this.receiver = null
    this.table.clear()
    this.tableFull = false
    await Promise.all(sockets.map(closeSocket))
  }

  private scheduleAnnounce (gen: number): void {
    const jitter = 1 + (Math.random() * 2 - 1) * ANNOUNCE_JITTER
    this.announceTimer = setTimeout(() => {
      this.announceTimer = null
      // Re-scan first: a laptop that rejoined Wi-Fi has a new address to announce on.
      void this.refreshInterfaces(gen).then(() => {
        if (gen !== this.generation) return
        this.announce()
        this.scheduleAnnounce(gen)
      })
    }, Math.round(this.opts.announceIntervalMs * jitter))
  }

  /** Join new interface addresses and drop vanished ones. Never rejects: a failed re-scan is retried at the next announce. */
  private async refreshInterfaces (gen: number): Promise<void> {
    try {
      await this.rescan(gen)
    } catch (err) {
      this.warn('interface re-scan failed', err)
    }
  }

  private async rescan (gen: number): Promise<void> {
    if (this.receiver === null) await this.openReceiver(gen)
    if (gen !== this.generation) return
    let wanted: Set<string>
    try {
      wanted = new Set(this.opts.addresses().map((a) => a.address).filter((a) => net.isIPv4(a)))
    } catch (err) {
      this.warn('cannot list the network interfaces', err)
      return
    }
    const vanished = [...this.joined].filter((a) => !wanted.has(a))
    for (const address of vanished) this.leave(address)
    // Two addresses can share one interface, and leaving through one left it for both: join the rest again.
    if (vanished.length > 0) this.joined.clear()
    for (const address of wanted) if (!this.joined.has(address)) this.join(address)
    for (const [address, sender] of this.senders) {
      if (wanted.has(address)) continue
      this.senders.delete(address)
      void closeSocket(sender.socket)
    }
    if (this.opts.mode === 'listen-only') return
    await Promise.all([...wanted].filter((a) => !this.senders.has(a)).map(async (a) => await this.openSender(a, gen)))
  }

  private async openReceiver (gen: number): Promise<void> {
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true })
    socket.on('error', (err) => this.warn(`beacon socket on port ${this.opts.beaconPort}`, err))
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo))
    this.receiver = socket
    this.joined.clear()
    const ok = await bindSocket(socket, this.opts.beaconPort, '0.0.0.0')
    if (ok && gen === this.generation) return
    // Failed: retried at the next announce, in case whoever held the port without SO_REUSEADDR has gone.
    if (this.receiver === socket) this.receiver = null
    await closeSocket(socket)
  }

  private join (address: string): void {
    if (this.receiver === null) return
    try {
      this.receiver.addMembership(this.opts.group, address)
      this.joined.add(address)
    } catch (err) {
      // EADDRINUSE: the interface is a member already (a second address on it, or an address that came back).
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') this.joined.add(address)
      else this.warn(`cannot join ${this.opts.group} on ${address}`, err)
    }
  }

  private leave (address: string): void {
    this.joined.delete(address)
    try {
      this.receiver?.dropMembership(this.opts.group, address)
    } catch {
      // The address is gone, so the kernel can no longer find its interface; nothing is left to undo.
    }
  }

  private async openSender (address: string, gen: number): Promise<void> {
    const socket = dgram.createSocket({ type: 'udp4' })
    socket.on('error', (err) => this.warn(`beacon send socket on ${address}`, err))
    const sender: Sender = { socket, ready: false }
    this.senders.set(address, sender)
    const ok = await bindSocket(socket, 0, address)
    if (gen !== this.generation || this.senders.get(address) !== sender) return
    try {
      if (!ok) throw new Error(`cannot bind to ${address}`)
      // Without an explicit interface, a host with no default route has no route to the group (ENETUNREACH).
      socket.setMulticastInterface(address)
      socket.setMulticastTTL(1)
      // Two nodes on one host must hear each other.
      socket.setMulticastLoopback(true)
      sender.ready = true
    } catch (err) {
      if (ok) this.warn(`cannot set up multicast on ${address}`, err)
      this.senders.delete(address) // retried at the next announce
      await closeSocket(socket)
    }
  }

  private announce (): void {
    if (!this.running || this.opts.mode === 'listen-only') return
    for (const [address, sender] of this.senders) {
      if (!sender.ready) continue
      try {
        sender.socket.send(this.packet, this.opts.beaconPort, this.opts.group, (err) => {
          if (err === null || err === undefined) this.counters.sent++
          else this.warn(`cannot send a beacon on ${address}`, err)
        })
      } catch (err) {
        this.warn(`cannot send a beacon on ${address}`, err) // the socket died under us; the next re-scan replaces it
      }
    }
  }

  /**
   * Announce now, so a newcomer learns of us within a round trip instead of an interval. Only
   * these triggered announces are spaced REANNOUNCE_MIN_GAP_MS apart: measuring the gap from
   * the start announce too would delay the usual case, nodes starting together, by 250 ms.
   */
  private reannounceSoon (): void {
    if (this.opts.mode === 'listen-only' || this.reannounceTimer !== null) return
    const wait = this.lastReannounceAt + REANNOUNCE_MIN_GAP_MS - now()
    const fire = (): void => {
      this.reannounceTimer = null
      this.lastReannounceAt = now()
      this.announce()
    }
    if (wait <= 0) fire()
    else this.reannounceTimer = setTimeout(fire, Math.ceil(wait))
  }

  private onMessage (msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (!this.running) return
    const beacon = decodeBeacon(msg)
    if (beacon === null) {
      this.counters.dropped++
      return
    }
    // Our own beacon, looped back; or someone replaying it, which must not make us dial ourselves.
    if (beacon.instanceId.equals(this.instanceId) || beacon.publicKey.equals(this.opts.publicKey)) return
    this.counters.received++
    const instanceId = beacon.instanceId.toString('hex')
    const key = `${instanceId}@${rinfo.address}`
    const known = this.table.get(key)
    const candidate: PeerCandidate = { source: 'lan', publicKey: beacon.publicKey, host: rinfo.address, port: beacon.port, instanceId }
    if (known !== undefined) {
      known.lastSeen = now()
      if (known.candidate.port === beacon.port && known.candidate.publicKey?.equals(beacon.publicKey) === true) return
      known.candidate = candidate
      this.report('peer', candidate)
      return
    }
    if (this.table.size >= this.opts.maxPeers && !this.makeRoom(rinfo.address)) {
      this.counters.dropped++
      if (!this.tableFull) this.warn(`more than ${this.opts.maxPeers} LAN peers: ignoring new ones`)
      this.tableFull = true
      return
    }
    this.table.set(key, { candidate, lastSeen: now(), host: rinfo.address, firstSeen: now(), confirmed: false })
    this.report('peer', candidate)
    this.reannounceSoon()
  }

  /** The table is full: forget a candidate of the address holding the most, if that is not `host` (candidate-table.ts). */
  private makeRoom (host: string): boolean {
    const victim = tableVictim(this.table, host)
    if (victim === null) return false
    const tracked = this.table.get(victim) as Tracked
    this.table.delete(victim)
    this.counters.dropped++
    this.report('lost', tracked.candidate)
    return true
  }

  /**
   * Forget candidates silent for peerTimeoutMs. A check that runs late means our own event
   * loop was blocked (a busy or starved process): the beacons heard meanwhile still wait in
   * the socket, read only after this timer, and those past the socket's buffer were dropped
   * by the kernel, so silence is not judged for two announce periods. Without the pause, a
   * 4 s stall made a node lose and re-find every peer at once, and the connections behind
   * them were re-probed (bench lan, 50 hosts: ~200 lost per second across the LAN).
   */
  private expire (): void {
    const t = now()
    if (t - this.lastExpiryAt > 2 * this.expiryEvery) this.expiryPausedUntil = t + 2 * this.opts.announceIntervalMs
    this.lastExpiryAt = t
    if (t < this.expiryPausedUntil) return
    const cutoff = t - this.opts.peerTimeoutMs
    for (const [key, tracked] of this.table) {
      if (tracked.lastSeen >= cutoff) continue
      this.table.delete(key)
      this.report('lost', tracked.candidate)
    }
    if (this.table.size < this.opts.maxPeers) this.tableFull = false
  }

  private report (event: 'peer' | 'lost', candidate: PeerCandidate): void {
    if (this.opts.mode !== 'announce-only') this.emit(event, { ...candidate })
  }

  private warn (context: string, cause?: unknown): void {
    const detail = cause instanceof Error ? `: ${cause.message}` : ''
    const err = new Error(`lan discovery: ${context}${detail}`, cause === undefined ? undefined : { cause })
    if ((cause as NodeJS.ErrnoException | undefined)?.code !== undefined) (err as NodeJS.ErrnoException).code = (cause as NodeJS.ErrnoException).code
    this.emit('warning', err)
  }
}

/** Fill in the defaults. Options that make no sense are a programmer error: fail here, not on the wire. */
function resolveOptions (opts: LanBeaconOptions): Required<LanBeaconOptions> {
  const interval = opts.announceIntervalMs ?? DEFAULT_ANNOUNCE_INTERVAL_MS
  const o: Required<LanBeaconOptions> = {
    publicKey: Buffer.from(opts.publicKey),
    port: opts.port,
    instanceId: Buffer.from(opts.instanceId ?? randomBytes(INSTANCE_ID_SIZE)),
    group: opts.group ?? DEFAULT_GROUP,
    beaconPort: opts.beaconPort ?? DEFAULT_BEACON_PORT,
    announceIntervalMs: interval,
    peerTimeoutMs: opts.peerTimeoutMs ?? defaultPeerTimeoutMs(interval),
    addresses: opts.addresses ?? lanAddresses,
    mode: opts.mode ?? DEFAULT_MODE,
    maxPeers: opts.maxPeers ?? MAX_PEERS
  }
  const first = Number(o.group.split('.')[0])
  if (!net.isIPv4(o.group) || first < 224 || first > 239) throw new RangeError(`group must be an IPv4 multicast address, got ${o.group}`)
  if (!Number.isInteger(o.beaconPort) || o.beaconPort < 1 || o.beaconPort > 0xffff) throw new RangeError(`beaconPort must be 1 to 65535, got ${o.beaconPort}`)
  for (const [name, value] of [['announceIntervalMs', o.announceIntervalMs], ['peerTimeoutMs', o.peerTimeoutMs], ['maxPeers', o.maxPeers]] as const) {
    if (!Number.isFinite(value) || value < 1) throw new RangeError(`${name} must be at least 1, got ${value}`)
  }
  if (!['both', 'announce-only', 'listen-only'].includes(o.mode)) throw new RangeError(`unknown mode ${String(o.mode)}`)
  return o
}

/** Resolves true once bound, false on an error or if the socket is closed first (the error itself goes to the socket's 'error' listener). */
async function bindSocket (socket: dgram.Socket, port: number, address: string): Promise<boolean> {
  return await new Promise((resolve) => {
    const done = (ok: boolean): void => {
      socket.off('listening', onListening)
      socket.off('error', onError)
      socket.off('close', onClose)
      resolve(ok)
    }
    const onListening = (): void => done(true)
    const onError = (): void => done(false)
    const onClose = (): void => done(false)
    socket.once('listening', onListening)
    socket.once('error', onError)
    socket.once('close', onClose)
    try {
      socket.bind(port, address)
    } catch (err) {
      socket.emit('error', err) // reported like any other socket error, and done(false) through onError
    }
  })
}

/** Close a socket and wait for it; closing one twice is not an error here. */
async function closeSocket (socket: dgram.Socket): Promise<void> {
  await new Promise<void>((resolve) => {
    try {
      socket.close(() => resolve())
    } catch {
      resolve() // already closed
    }
  })
}
