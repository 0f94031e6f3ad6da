/**
 * The live connections, at most one per remote public key, with the duplicate rule applied
 * when a second one arrives.
 */
import type NoiseSecretStream from '@hyperswarm/secret-stream'
import { keepFirst } from './duplicate-rule.js'
import type { ConnectionInfo } from './types.js'

/** One authenticated connection. */
export interface LiveConnection {
  stream: NoiseSecretStream
  info: ConnectionInfo
  /** The Noise handshake hash (same on both ends). */
  handshakeHash: Buffer
  /** The owner said this connection shares a room (ConnectionManager.markShared). */
  sharesRoom?: boolean
}

/** What add() decided. */
export interface AddResult {
  /** False: the new connection lost to the one already there and must be closed. */
  kept: boolean
  /** The connection it displaced, which must be closed (and reported as gone). */
  replaced: LiveConnection | null
}

/** Live connections by remote key (hex). */
export class ConnectionSet {
  private readonly byKey = new Map<string, LiveConnection>()

  constructor (private readonly localKey: Buffer) {}

  get size (): number {
    return this.byKey.size
  }

  /** True when a connection to `key` is live. */
  has (key: Buffer): boolean {
    return this.byKey.has(key.toString('hex'))
  }

  values (): IterableIterator<LiveConnection> {
    return this.byKey.values()
  }

  /** Remote keys (lowercase hex) of the live connections. */
  keys (): IterableIterator<string> {
    return this.byKey.keys()
  }

  /** The live connection to the key `hex`, if any. */
  get (hex: string): LiveConnection | undefined {
    return this.byKey.get(hex)
  }

  /** Insert `connection`, or decide between it and the one already held for the same key. */
  add (connection: LiveConnection): AddResult {
    const hex = connection.info.publicKey.toString('hex')
    const existing = this.byKey.get(hex)
    if (existing === undefined) {
      this.byKey.set(hex, connection)
      return { kept: true, replaced: null }
    }
    if (keepFirst(this.localKey, connection.info.publicKey, side(existing), side(connection))) {
      return { kept: false, replaced: null }
    }
    this.byKey.set(hex, connection)
    return { kept: true, replaced: existing }
  }

  /** Remove `connection` if it is the one held for its key; false when it was already displaced. */
  delete (connection: LiveConnection): boolean {
    const hex = connection.info.publicKey.toString('hex')
    if (this.byKey.get(hex) !== connection) return false
    this.byKey.delete(hex)
    return true
  }
}

function side (connection: LiveConnection): { initiator: boolean, handshakeHash: Buffer } {
  return { initiator: connection.info.initiator, handshakeHash: connection.handshakeHash }
}
