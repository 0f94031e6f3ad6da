/**
 * The peers a connection manager keeps dialling, by id ('key:<hex>' for an announced key,
 * 'addr:<host>:<port>' for a manual address), and the keys a handshake proved during this run.
 */
import { DialTarget, type DialAddress } from './dial-target.js'

/** How many proven keys are remembered (32 bytes of hex each: well under 1 MB). */
const PROVEN_KEYS_KEPT = 4096

/** The id of the target of an announced key. */
export function keyTargetId (hex: string): string {
  return `key:${hex}`
}

/** The id of the target of a manual address. */
export function addressTargetId (host: string, port: number): string {
  return `addr:${host}:${port}`
}

/** Dial targets by id. `run` is what a target's timer calls: a dial. */
export class DialTargets {
  private readonly byId = new Map<string, DialTarget>()
  /**
   * Keys a handshake proved during this run, kept when their target is dropped: a node that
   * loses a peer's beacons for a moment (a busy LAN) and hears them again does not probe a
   * peer it already knows, nor leave it out of the mesh meanwhile. Bounded (oldest go first).
   */
  private readonly provenKeys = new Set<string>()

  constructor (private readonly run: (target: DialTarget) => void) {}

  get (id: string): DialTarget | undefined {
    return this.byId.get(id)
  }

  values (): IterableIterator<DialTarget> {
    return this.byId.values()
  }

  /** Every target whose key (announced or learnt) is `key`. */
  forKey (key: Buffer): DialTarget[] {
    return [...this.byId.values()].filter((t) => t.key?.equals(key) === true)
  }

  /**
   * `key` was announced at `address`. True when that is news (a new key, or a new address of
   * one): its retries start over, unscheduled until the mesh plan asks for it. A new target is
   * not probed for `probeDelayMs`. A re-announce keeps the current schedule and backoff.
   */
  announce (key: Buffer, address: DialAddress, probeDelayMs: number): boolean {
    const hex = key.toString('hex')
    let target = this.byId.get(keyTargetId(hex))
    const known = target !== undefined
    if (target === undefined) {
      target = new DialTarget(keyTargetId(hex), Buffer.from(key), this.run)
      target.probeAt = Date.now() + probeDelayMs
      target.proven = this.provenKeys.has(hex)
      this.byId.set(target.id, target)
    }
    const moved = target.setAddress(address)
    if (known && !moved) return false
    target.attempt = 0
    target.cancel()
    return true
  }

  /** The source lost `address` of `key`. True when no address is left, so the target is dropped. */
  unannounce (key: Buffer, address: DialAddress): boolean {
    const id = keyTargetId(key.toString('hex'))
    const target = this.byId.get(id)
    if (target === undefined || target.removeAddress(address) > 0) return false
    this.drop(id)
    return true
  }

  /** Keep dialling host:port, whose key is unknown (Noise XX reveals it); from now on. */
  addManual (host: string, port: number): void {
    const id = addressTargetId(host, port)
    if (this.byId.has(id)) return
    const target = new DialTarget(id, null, this.run)
    target.setAddress({ host, port, source: 'manual' })
    this.byId.set(id, target)
    target.schedule(0)
  }

  /** A handshake proved the key `hex`: its announced target, if any, is proven (and the key remembered). */
  proved (hex: string): DialTarget | undefined {
    const announced = this.byId.get(keyTargetId(hex))
    if (announced === undefined) return undefined
    announced.proven = true
    this.provenKeys.delete(hex)
    this.provenKeys.add(hex)
    if (this.provenKeys.size > PROVEN_KEYS_KEPT) this.provenKeys.delete(this.provenKeys.values().next().value as string)
    return announced
  }

  /** Stop and forget one target. */
  drop (id: string): void {
    this.byId.get(id)?.stop()
    this.byId.delete(id)
  }

  /** Stop and forget every target. */
  clear (): void {
    for (const target of this.byId.values()) target.stop()
    this.byId.clear()
  }
}
