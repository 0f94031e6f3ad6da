/**
 * Waiting for a socket or stream to be fully closed, so close() returns only once no handle
 * is left.
 */
import net from 'node:net'
import type NoiseSecretStream from '@hyperswarm/secret-stream'

/** Resolves once `socket` emitted 'close' (its handle is released). */
export function socketClosed (socket: net.Socket): Promise<void> {
  if (socket.closed) return Promise.resolve()
  return new Promise((resolve) => socket.once('close', () => resolve()))
}

/** Resolves once `stream` and, when it runs over TCP, its socket are closed. */
export async function streamClosed (stream: NoiseSecretStream): Promise<void> {
  if (!stream.destroyed) await new Promise<void>((resolve) => stream.once('close', () => resolve()))
  if (stream.rawStream instanceof net.Socket) await socketClosed(stream.rawStream)
}
