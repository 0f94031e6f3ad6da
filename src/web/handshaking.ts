/**
 * Sockets still in the §16 handshake hold session slots without having proven anything:
 * an outsider with a few addresses (8 sockets each) could fill every slot with sockets
 * that never finish, reopen each one as the hello timeout closes it, and no phone could
 * join. So at most a quarter of the slots may be handshaking at once, and when they are
 * all taken a newcomer takes the place of one of them drawn at random (closed "host busy",
 * which the page shows as a full host with a retry button). Sessions past the handshake
 * keep the other three quarters. To keep a new phone out, an attacker must now open
 * sockets so fast that one lands in the few milliseconds the phone needs to finish (each
 * arrival evicts 1 of the handshaking sockets), where before it only had to hold them.
 */
import { randomInt } from 'node:crypto'

/** Default sub-cap: a quarter of the session cap, at least one. */
export function defaultMaxHandshaking (maxSessions: number): number {
  return Math.max(1, Math.floor(maxSessions / 4))
}

/** The sockets in their handshake now. */
export class Handshaking<T> {
  private readonly max: number
  private readonly open = new Set<T>()

  constructor (max: number) {
    this.max = max
  }

  get size (): number {
    return this.open.size
  }

  /** Make room for one more: returns the socket to close, if one must go. */
  makeRoom (): T | undefined {
    if (this.open.size < this.max) return undefined
    const victim = [...this.open][randomInt(this.open.size)]
    this.open.delete(victim)
    return victim
  }

  add (socket: T): void {
    this.open.add(socket)
  }

  /** The handshake ended (it succeeded, or the socket closed). */
  done (socket: T): void {
    this.open.delete(socket)
  }
}
