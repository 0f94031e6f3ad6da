/**
 * One peer the manager keeps dialling: either a discovered candidate (key known) or a manual
 * address (key learnt from the handshake). It owns its retry timer and backoff count; the
 * manager decides when to call schedule().
 */
import type { PeerSource } from '../discovery/types.js'
import { backoffDelay, type BackoffOptions } from './backoff.js'

/** Where to dial and whom we expect there. */
export interface DialAddress { host: string, port: number, source: PeerSource }

/** A dialling target with its own timer. */
export class DialTarget {
  /** Addresses by source; the last one set is dialled. */
  private readonly addresses = new Map<PeerSource, DialAddress>()
  /** Key learnt from the last handshake with a manual address. */
  learnedKey: Buffer | null = null
  /** Failures since the last successful connection. */
  attempt = 0
  /** True while a dial is in flight. */
  dialing = false
  stopped = false
  private timer: NodeJS.Timeout | null = null

  /**
   * `id` names the target in the manager's table; `expectedKey` is null for a manual address;
   * `run` is called when the timer fires.
   */
  constructor (readonly id: string, readonly expectedKey: Buffer | null, private readonly run: (target: DialTarget) => void) {}

  /** The remote key if known (announced or learnt). */
  get key (): Buffer | null {
    return this.expectedKey ?? this.learnedKey
  }

  /** The announced key as lowercase hex, null for a manual address. */
  get expectedHex (): string | null {
    return this.expectedKey?.toString('hex') ?? null
  }

  /** The address to dial next. */
  get address (): DialAddress | null {
    let last: DialAddress | null = null
    for (const address of this.addresses.values()) last = address
    return last
  }

  /** True while a retry is waiting. */
  get scheduled (): boolean {
    return this.timer !== null
  }

  /** Record an address from `source`; returns true if it differs from the one dialled so far. */
  setAddress (address: DialAddress): boolean {
    const before = this.address
    this.addresses.delete(address.source)
    this.addresses.set(address.source, address)
    return before === null || before.host !== address.host || before.port !== address.port
  }

  /** Forget the address from `source`; returns how many sources still know the peer. */
  removeSource (source: PeerSource): number {
    this.addresses.delete(source)
    return this.addresses.size
  }

  /** Dial after `ms` unless a dial is in flight; replaces a waiting retry. */
  schedule (ms: number): void {
    if (this.stopped || this.dialing) return
    this.cancel()
    this.timer = setTimeout(() => {
      this.timer = null
      this.run(this)
    }, ms)
    this.timer.unref() // the manager's owner decides how long the process lives
  }

  /** The delay before the next retry; each call counts one more failure. */
  nextDelay (backoff: BackoffOptions, random: () => number): number {
    return backoffDelay(this.attempt++, backoff, random)
  }

  /** A connection to this target's key is up: start the backoff over. */
  succeeded (): void {
    this.attempt = 0
  }

  /** Clear a waiting retry. */
  cancel (): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  /** Never dial again. */
  stop (): void {
    this.stopped = true
    this.cancel()
  }
}
