/**
 * One-line helpers for transport tests: real managers on 127.0.0.1, closed at teardown.
 */
import { once, type EventEmitter } from 'node:events'
import NoiseSecretStream from '@hyperswarm/secret-stream'
import { ConnectionManager, type ConnectionManagerOptions, type NoiseKeyPair } from '../../src/transport/index.js'
import type { PeerCandidate } from '../../src/discovery/types.js'

/** Fast timers for tests; each test overrides what it exercises. */
export const FAST: Partial<ConnectionManagerOptions> = {
  host: '127.0.0.1', graceMs: 200, handshakeTimeoutMs: 2000, dialTimeoutMs: 1000, backoff: { initialMs: 50, maxMs: 400 }
}

/** Key pairs sorted by public key, lowest first. */
export function sortedKeyPairs (n: number): NoiseKeyPair[] {
  const pairs = Array.from({ length: n }, () => NoiseSecretStream.keyPair())
  return pairs.sort((a, b) => Buffer.compare(a.publicKey, b.publicKey))
}

/** A listening manager, closed at teardown. */
export async function manager (t: any, options: Partial<ConnectionManagerOptions> = {}): Promise<ConnectionManager> {
  const m = new ConnectionManager({ keyPair: NoiseSecretStream.keyPair(), ...FAST, ...options })
  m.on('warning', () => {}) // tests that care listen themselves
  t.teardown(() => m.close())
  await m.listen()
  return m
}

/** The candidate a LAN discovery would report for `m`. */
export function candidateOf (m: ConnectionManager, publicKey: Buffer | null = m.publicKey): PeerCandidate {
  return { publicKey, host: '127.0.0.1', port: m.port, source: 'lan' }
}

/** Tell each manager about the other, as discovery would. */
export function introduce (a: ConnectionManager, b: ConnectionManager): void {
  a.addCandidate(candidateOf(b))
  b.addCandidate(candidateOf(a))
}

/** Poll `check` until true or `ms` passed; returns whether it became true. */
export async function eventually (check: () => boolean, ms = 5000, every = 20): Promise<boolean> {
  const deadline = Date.now() + ms
  for (let i = 0; i < 100_000 && Date.now() < deadline; i++) {
    if (check()) return true
    await sleep(every)
  }
  return check()
}

export function sleep (ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Resolves with the args of the next `event`, or rejects after `ms`. */
export async function next (emitter: EventEmitter, event: string, ms = 5000): Promise<any[]> {
  return await once(emitter, event, { signal: AbortSignal.timeout(ms) })
}

/** Count 'connection' minus 'disconnection' events, i.e. what a consumer believes is live. */
export function liveCounter (m: ConnectionManager): () => number {
  let live = 0
  m.on('connection', () => { live++ })
  m.on('disconnection', () => { live-- })
  return () => live
}

/** The first frame a Noise XX initiator sends (3-byte length + 32-byte ephemeral key). */
export async function firstNoiseMessage (): Promise<Buffer> {
  const stream = new NoiseSecretStream(true)
  const [chunk] = await once(stream.rawStream, 'data')
  stream.destroy()
  return chunk as Buffer
}
