/**
 * LAN discovery by UDP multicast beacons, with no package beyond node:dgram: it must work
 * on a LAN whose link to the Internet is cut. The wire format is written down in
 * docs/protocol.md section 7, precisely enough to write a compatible peer.
 *
 * A beacon says only "a tamtam node listens on TCP port P, with this per-run Noise key and
 * this per-run instance id". It carries no room and no identity (DESIGN.md section 2,
 * "Privacy of announcements"): room membership is proven later, inside the Noise session.
 *
 * LanBeacon only wires three parts together and owns their timers: the sockets
 * (multicast-sockets.ts), the peer table (peer-table.ts) and the announce timing
 * (announce-schedule.ts).
 */
import type dgram from 'node:dgram'
import { EventEmitter } from 'node:events'
import type { Discovery, PeerCandidate } from './types.js'
import { decodeBeacon, encodeBeacon } from './beacon-wire.js'
import { resolveBeaconOptions, type LanBeaconOptions } from './beacon-options.js'
import { AnnounceSchedule } from './announce-schedule.js'
import { MulticastSockets } from './multicast-sockets.js'
import { PeerTable } from './peer-table.js'

export * from './beacon-wire.js'
export * from './beacon-options.js'
export { ANNOUNCE_JITTER, REANNOUNCE_MIN_GAP_MS } from './announce-schedule.js'

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

// Monotonic: a wall clock set back must not make every peer look silent.
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
  private readonly table: PeerTable
  private readonly schedule: AnnounceSchedule
  private sockets: MulticastSockets | null = null
  private readonly counters = { sent: 0, received: 0, malformed: 0 }
  private starting: Promise<void> | null = null
  private announceTimer: NodeJS.Timeout | null = null
  private reannounceTimer: NodeJS.Timeout | null = null
  private expiryTimer: NodeJS.Timeout | null = null

  constructor (opts: LanBeaconOptions) {
    super()
    this.opts = resolveBeaconOptions(opts)
    this.instanceId = this.opts.instanceId
    this.packet = encodeBeacon({ port: this.opts.port, instanceId: this.instanceId, publicKey: this.opts.publicKey })
    this.table = new PeerTable(this.opts, { now, report: (event, candidate) => this.report(event, candidate), warn: (context) => this.warn(context) })
    this.schedule = new AnnounceSchedule(this.opts.announceIntervalMs, now, Math.random)
  }

  /** A snapshot of the counters. */
  get stats (): LanBeaconStats {
    const { sent, received, malformed } = this.counters
    return { sent, received, dropped: malformed + this.table.dropped, peers: this.table.size }
  }

  /** The candidates heard from within peerTimeoutMs (also in 'announce-only', which only keeps them quiet). */
  peers (): PeerCandidate[] {
    return this.table.peers()
  }

  /**
   * A handshake with `publicKey` completed: its candidates are real and never give way to
   * new ones when the table is full (they still expire when silent).
   */
  confirm (publicKey: Buffer): void {
    this.table.confirm(publicKey)
  }

  /** Open the sockets and announce. Resolves once the first announce is sent; a second call is a no-op. */
  async start (): Promise<void> {
    if (this.sockets !== null) return await (this.starting ?? Promise.resolve())
    const sockets = this.openSockets()
    this.starting = sockets.refresh().then(() => {
      if (sockets !== this.sockets) return
      this.announce()
      this.scheduleAnnounce(sockets)
      this.table.startExpiry()
      this.expiryTimer = setInterval(() => this.table.expire(), this.table.expiryEveryMs)
    })
    await this.starting
  }

  /** Close every socket and clear every timer; candidates are forgotten without 'lost' events. Idempotent. */
  async stop (): Promise<void> {
    const sockets = this.sockets
    if (sockets === null) return
    this.sockets = null
    this.starting = null
    for (const timer of [this.announceTimer, this.reannounceTimer]) clearTimeout(timer ?? undefined)
    clearInterval(this.expiryTimer ?? undefined)
    this.announceTimer = this.reannounceTimer = this.expiryTimer = null
    this.table.clear()
    await sockets.close()
  }

  private openSockets (): MulticastSockets {
    const { group, beaconPort: port, addresses, mode } = this.opts
    this.sockets = new MulticastSockets({ group, port, addresses, send: mode !== 'listen-only' }, {
      message: (msg, rinfo) => this.onMessage(msg, rinfo),
      sent: () => { this.counters.sent++ },
      warn: (context, cause) => this.warn(context, cause)
    })
    return this.sockets
  }

  /** Each run of the beacon has its own sockets: timers of a stopped run find theirs replaced and quit. */
  private scheduleAnnounce (sockets: MulticastSockets): void {
    this.announceTimer = setTimeout(() => {
      this.announceTimer = null
      // Re-scan first: a laptop that rejoined Wi-Fi has a new address to announce on.
      void sockets.refresh().then(() => {
        if (sockets !== this.sockets) return
        this.announce()
        this.scheduleAnnounce(sockets)
      })
    }, this.schedule.nextDelay())
  }

  private announce (): void {
    if (this.opts.mode !== 'listen-only') this.sockets?.send(this.packet)
  }

  /** Announce now, so a newcomer learns of us within a round trip instead of an interval (spaced: announce-schedule.ts). */
  private reannounceSoon (): void {
    if (this.opts.mode === 'listen-only' || this.reannounceTimer !== null) return
    const wait = this.schedule.reannounceWait()
    const fire = (): void => {
      this.reannounceTimer = null
      this.schedule.reannounced()
      this.announce()
    }
    if (wait <= 0) fire()
    else this.reannounceTimer = setTimeout(fire, Math.ceil(wait))
  }

  private onMessage (msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.sockets === null) return
    const beacon = decodeBeacon(msg)
    if (beacon === null) {
      this.counters.malformed++
      return
    }
    // Our own beacon, looped back; or someone replaying it, which must not make us dial ourselves.
    if (beacon.instanceId.equals(this.instanceId) || beacon.publicKey.equals(this.opts.publicKey)) return
    this.counters.received++
    const instanceId = beacon.instanceId.toString('hex')
    const candidate: PeerCandidate = { source: 'lan', publicKey: beacon.publicKey, host: rinfo.address, port: beacon.port, instanceId }
    if (this.table.heard(candidate) === 'new') this.reannounceSoon()
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
