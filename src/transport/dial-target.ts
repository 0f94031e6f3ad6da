/**
 * One peer the manager keeps dialling: either a discovered candidate (key known) or a manual
 * address (key learnt from the handshake). It owns its retry timer and backoff count; the
 * manager decides when to call schedule().
 */
import type { PeerSource } from '../discovery/types.js'
import { backoffDelay, type BackoffOptions } from './backoff.js'

/** Where to dial and whom we expect there. */
export interface DialAddress { host: string, port: number, source: PeerSource }

/** What a target remembers of one address. */
interface AddressState {
  address: DialAddress
  /** A handshake with the expected key completed at this address. */
  proven: boolean
  /** Failed dials since it last worked. */
  failures: number
  /** Order of arrival (higher = newer). */
  seq: number
}

/** Key of one address in a target's table. */
function addressKey (a: DialAddress): string {
  return `${a.source} ${a.host}:${a.port}`
}

/**
 * A dialling target with its own timer. It keeps every address any source announced for
 * it, each removed only by its own source losing it: a replayed or forged beacon for the
 * same key adds an address and can never make the target forget the real one.
 */
export class DialTarget {
  private readonly addresses = new Map<string, AddressState>()
  private seq = 0
  /** Key learnt from the last handshake with a manual address. */
  learnedKey: Buffer | null = null
  /** A handshake with the announced key completed during this run (see admission.ts, probes). */
  proven = false
  /** When the target was created (ms). */
  readonly firstSeen = Date.now()
  /** Not probed again before this time (ms), while not proven. */
  probeAt = 0
  /** Failed probes since the target was created. */
  probeFailures = 0
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

  /**
   * The address to dial next: one where the key was proven first, then the one that failed
   * least, then the newest.
   */
  get address (): DialAddress | null {
    let best: AddressState | null = null
    for (const a of this.addresses.values()) {
      if (best === null || rank(a, best) < 0) best = a
    }
    return best?.address ?? null
  }

  /** How many addresses are known. */
  get addressCount (): number {
    return this.addresses.size
  }

  /** A dial to `address` ended: `ok` when the expected key answered there. */
  markAddress (address: DialAddress, ok: boolean): void {
    const a = this.addresses.get(addressKey(address))
    if (a === undefined) return
    if (ok) {
      a.proven = true
      a.failures = 0
    } else {
      a.failures++
    }
  }

  /** True while a retry is waiting. */
  get scheduled (): boolean {
    return this.timer !== null
  }

  /** Record an address; returns true if it is new to this target. */
  setAddress (address: DialAddress): boolean {
    const key = addressKey(address)
    if (this.addresses.has(key)) return false
    this.addresses.set(key, { address: { ...address }, proven: false, failures: 0, seq: this.seq++ })
    return true
  }

  /** Forget one address (its source lost it); returns how many addresses are left. */
  removeAddress (address: DialAddress): number {
    this.addresses.delete(addressKey(address))
    return this.addresses.size
  }

  /** Forget every address from `source`; returns how many addresses are left. */
  removeSource (source: PeerSource): number {
    for (const [key, a] of this.addresses) if (a.address.source === source) this.addresses.delete(key)
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

/** Negative when `a` should be dialled before `b`. */
function rank (a: AddressState, b: AddressState): number {
  if (a.proven !== b.proven) return a.proven ? -1 : 1
  if (a.failures !== b.failures) return a.failures - b.failures
  return b.seq - a.seq
}
