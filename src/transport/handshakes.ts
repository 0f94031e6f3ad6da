/**
 * Sockets a connection manager opened or accepted and has not authenticated yet: a TCP
 * connect then a Noise handshake out, or a Noise handshake in. They hold a slot under the
 * connection cap while they last, so the mesh policy reads them too.
 */
import type net from 'node:net'
import type NoiseSecretStream from '@hyperswarm/secret-stream'
import { isTamtamError } from '../errors/index.js'
import type { DialAddress } from './dial-target.js'
import { dialTcp } from './dialer.js'
import { secureSocket } from './secure-socket.js'
import type { NoiseKeyPair, TransportStats } from './types.js'
import { socketClosed } from './when-closed.js'

/** A socket dialling or handshaking. */
export interface PendingSocket { host: string, since: number, incoming: boolean }

/** How to open and authenticate sockets. */
export interface HandshakeOptions { keyPair: NoiseKeyPair, dialTimeoutMs: number, handshakeTimeoutMs: number }

/** What handshakes report to their manager. */
export interface HandshakeHooks {
  /** The manager's counters: dials, and failures by kind, are counted here. */
  counters: TransportStats
  /** A dial or handshake failed (already counted). */
  failed: (err: unknown) => void
  /** True once the manager is closing: a socket that connects then is dropped. */
  closed: () => boolean
}

/** The handshakes in flight, both ways. */
export class Handshakes {
  /** Sockets dialling or handshaking. */
  readonly pending = new Map<net.Socket, PendingSocket>()

  constructor (private readonly opts: HandshakeOptions, private readonly hooks: HandshakeHooks) {}

  /** TCP connect then Noise handshake; null when either fails. */
  async dial (address: DialAddress): Promise<NoiseSecretStream | null> {
    const { counters } = this.hooks
    counters.dials++
    const { socket, connected } = dialTcp(address.host, address.port, this.opts.dialTimeoutMs)
    this.pending.set(socket, { host: address.host, since: Date.now(), incoming: false })
    try {
      await connected
      const { stream, opened } = secureSocket(socket, { initiator: true, keyPair: this.opts.keyPair, handshakeTimeoutMs: this.opts.handshakeTimeoutMs })
      if (this.hooks.closed()) socket.destroy()
      await opened
      return stream
    } catch (err) {
      counters[isTamtamError(err, 'PEER_UNREACHABLE') ? 'dialFailures' : 'handshakeFailures']++
      this.hooks.failed(err)
      return null
    } finally {
      this.pending.delete(socket)
    }
  }

  /** Run the handshake on a socket accepted from `host`; `authenticated` gets the stream once it succeeds. */
  accept (socket: net.Socket, host: string, authenticated: (stream: NoiseSecretStream) => void): void {
    this.pending.set(socket, { host, since: Date.now(), incoming: true })
    const { stream, opened } = secureSocket(socket, { initiator: false, keyPair: this.opts.keyPair, handshakeTimeoutMs: this.opts.handshakeTimeoutMs })
    opened.then(() => {
      this.pending.delete(socket)
      authenticated(stream)
    }, (err: unknown) => {
      this.pending.delete(socket)
      this.hooks.counters.handshakeFailures++
      this.hooks.failed(err)
    })
  }

  /** Destroy every socket in flight; resolves once they are closed. */
  async destroyAll (): Promise<void> {
    const waits: Array<Promise<void>> = []
    for (const socket of this.pending.keys()) {
      waits.push(socketClosed(socket))
      socket.destroy()
    }
    await Promise.all(waits)
  }
}
