/**
 * The LAN beacon's peer table: which candidates were heard, which are new ('peer'), which
 * fell silent ('lost'), and which gives way when the table is full. It owns no socket and
 * no timer: the owner calls heard() for each beacon and expire() every expiryEveryMs, and
 * the clock is passed in, so tests drive it with a fake one.
 */
import { tableVictim } from './candidate-table.js'
import type { PeerCandidate } from './types.js'

/** Limits of a {@link PeerTable}. */
export interface PeerTableOptions {
  /** A candidate is 'lost' after this long without a beacon. */
  peerTimeoutMs: number
  /** Mean time between announces: a stall pauses expiry for two of them. */
  announceIntervalMs: number
  /** At most this many candidates are tracked. */
  maxPeers: number
}

/** What a {@link PeerTable} needs from its owner. */
export interface PeerTableHooks {
  /** Milliseconds on a monotonic clock. */
  now: () => number
  /** A candidate is new or changed ('peer'), or gone ('lost'). */
  report: (event: 'peer' | 'lost', candidate: PeerCandidate) => void
  /** Something was dropped that a person may want to know about. */
  warn: (context: string) => void
}

/** What a beacon did to the table: nothing new, a known candidate changed, a new candidate, or dropped (full). */
export type Heard = 'same' | 'changed' | 'new' | 'dropped'

interface Tracked { candidate: PeerCandidate, lastSeen: number, host: string, firstSeen: number, confirmed: boolean }

/** Candidates keyed by (instance id, source address): one path to one run of a peer. */
export class PeerTable {
  /** Beacons of new candidates dropped while the table was full, plus candidates forgotten to make room. */
  dropped = 0
  /** Period of the expiry check: a quarter of the timeout, between 50 ms and 1 s. */
  readonly expiryEveryMs: number
  private readonly table = new Map<string, Tracked>()
  private full = false
  private lastExpiryAt = 0
  /** After a stall, silence is not judged until two more announce periods have passed (see expire). */
  private expiryPausedUntil = 0

  constructor (private readonly opts: PeerTableOptions, private readonly hooks: PeerTableHooks) {
    this.expiryEveryMs = Math.max(50, Math.min(1000, Math.floor(opts.peerTimeoutMs / 4)))
  }

  /** Candidates tracked now. */
  get size (): number {
    return this.table.size
  }

  /** Copies of the candidates tracked now. */
  peers (): PeerCandidate[] {
    return [...this.table.values()].map((t) => ({ ...t.candidate }))
  }

  /** A handshake with `publicKey` completed: its candidates never give way to new ones (they still expire). */
  confirm (publicKey: Buffer): void {
    for (const tracked of this.table.values()) if (tracked.candidate.publicKey?.equals(publicKey) === true) tracked.confirmed = true
  }

  /** Expiry checks begin: a late check is measured from now. */
  startExpiry (): void {
    this.lastExpiryAt = this.hooks.now()
  }

  /** A beacon announced `candidate` (its host is the datagram's source address). */
  heard (candidate: PeerCandidate): Heard {
    const key = `${candidate.instanceId ?? ''}@${candidate.host}`
    const known = this.table.get(key)
    const t = this.hooks.now()
    if (known !== undefined) {
      known.lastSeen = t
      if (samePeer(known.candidate, candidate)) return 'same'
      known.candidate = candidate
      this.hooks.report('peer', candidate)
      return 'changed'
    }
    if (this.table.size >= this.opts.maxPeers && !this.makeRoom(candidate.host)) {
      this.dropped++
      if (!this.full) this.hooks.warn(`more than ${this.opts.maxPeers} LAN peers: ignoring new ones`)
      this.full = true
      return 'dropped'
    }
    this.table.set(key, { candidate, lastSeen: t, host: candidate.host, firstSeen: t, confirmed: false })
    this.hooks.report('peer', candidate)
    return 'new'
  }

  /** The table is full: forget a candidate of the address holding the most, if that is not `host` (candidate-table.ts). */
  private makeRoom (host: string): boolean {
    const victim = tableVictim(this.table, host)
    if (victim === null) return false
    const tracked = this.table.get(victim) as Tracked
    this.table.delete(victim)
    this.dropped++
    this.hooks.report('lost', tracked.candidate)
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
  expire (): void {
    const t = this.hooks.now()
    if (t - this.lastExpiryAt > 2 * this.expiryEveryMs) this.expiryPausedUntil = t + 2 * this.opts.announceIntervalMs
    this.lastExpiryAt = t
    if (t < this.expiryPausedUntil) return
    const cutoff = t - this.opts.peerTimeoutMs
    for (const [key, tracked] of this.table) {
      if (tracked.lastSeen >= cutoff) continue
      this.table.delete(key)
      this.hooks.report('lost', tracked.candidate)
    }
    if (this.table.size < this.opts.maxPeers) this.full = false
  }

  /** Forget every candidate without reporting it (the beacon stopped). */
  clear (): void {
    this.table.clear()
    this.full = false
  }
}

/** Same port and same key: a re-announce, not news. */
function samePeer (a: PeerCandidate, b: PeerCandidate): boolean {
  return a.port === b.port && a.publicKey !== null && b.publicKey !== null && a.publicKey.equals(b.publicKey)
}
