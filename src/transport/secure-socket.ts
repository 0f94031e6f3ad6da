/**
 * Wraps a raw TCP socket in a Noise secret stream, with a hard limit on how long and how big
 * the handshake may be.
 */
import type { Socket } from 'node:net'
import NoiseSecretStream from '@hyperswarm/secret-stream'
import { fail } from '../errors/index.js'
import { guardHandshake, handshakeFramesFor } from './handshake-guard.js'
import type { NoiseKeyPair } from './types.js'

/** How to run one handshake. */
export interface SecureOptions {
  initiator: boolean
  keyPair: NoiseKeyPair
  /** The socket is destroyed if Noise has not completed by then (not refreshed by traffic). */
  handshakeTimeoutMs: number
}

/** A stream whose handshake is under way. */
export interface PendingSecureStream {
  stream: NoiseSecretStream
  /** Resolves once authenticated; rejects with PEER_REJECTED (stream destroyed) otherwise. Never left hanging. */
  opened: Promise<void>
}

/** Start a Noise XX handshake over `socket`. Errors of the socket and the stream never escape as 'error' events. */
export function secureSocket (socket: Socket, options: SecureOptions): PendingSecureStream {
  socket.setNoDelay(true)
  const address = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`
  const stream = new NoiseSecretStream(options.initiator, socket, { keyPair: options.keyPair })
  let cause: unknown = null
  stream.on('error', (err: unknown) => { cause ??= err })
  const timer = setTimeout(() => {
    stream.destroy(new Error(`no Noise handshake within ${options.handshakeTimeoutMs} ms`))
  }, options.handshakeTimeoutMs)
  timer.unref()
  const stopGuard = guardHandshake(socket, handshakeFramesFor(options.initiator), (length) => {
    stream.destroy(new Error(`handshake frame of ${length} bytes is too large`))
  })
  const opened = stream.opened.then((ok) => {
    clearTimeout(timer)
    stopGuard()
    if (!ok || stream.destroying) throw fail('PEER_REJECTED', `Noise handshake with ${address} failed`, cause)
  })
  return { stream, opened }
}
