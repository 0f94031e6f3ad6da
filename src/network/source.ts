/**
 * Where a node's connections come from. A node replicates over any authenticated Noise
 * stream, the way Hypercore's replicate() takes any stream: the TCP connection manager with
 * LAN discovery is one source, an in-process pair (tests, the drill simulator's wire) is
 * another. The node wires replication onto whatever a source emits; a source knows nothing
 * about rooms beyond being told which connections share one.
 *
 * Events: 'connection' (stream, info) once the handshake is done, 'disconnected' (info),
 * 'found' and 'lost' (candidates, discovery sources only), 'warning' (err).
 */
import { EventEmitter } from 'node:events'
import NoiseSecretStream from '@hyperswarm/secret-stream'
import type { ConnectionInfo, ConnectionSummary } from '../transport/index.js'
import type { PeerAddress } from './peers-file.js'

/** What the node asks of a source. */
export interface ConnectionSource extends EventEmitter {
  /** Our Noise public key on this source. */
  readonly publicKey: Buffer
  /** Start listening and discovering; `topics` are the rooms to look for on the Internet path. */
  start: (topics: () => Buffer[]) => Promise<void>
  /** Stop and drop every connection (idempotent). */
  stop: () => Promise<void>
  /** Connections alive now, with traffic counters. */
  connections: () => ConnectionSummary[]
  /** The connection shares a room with us (sources that cap connections keep it first). */
  markShared: (stream: NoiseSecretStream) => void
  /** The peer at `host` flooded us: refuse it for a while. */
  ban: (host: string) => void
  /** Keep a manual peer connected, when the source dials. */
  addPeer: (peer: PeerAddress) => void
  /** The rooms changed (the Internet path joins their topics). */
  roomsChanged: () => void
  /** The TCP port others can dial back, or 0 when there is none. */
  readonly port: number
  /** Source-specific counters for `status`. */
  status: () => Record<string, unknown>
}

/**
 * A source fed by hand: an in-process stream pair in tests, the simulator's delaying
 * wire. `connect` hands it one end of an already-made Noise stream.
 */
export class InProcessSource extends EventEmitter implements ConnectionSource {
  readonly keyPair = NoiseSecretStream.keyPair()
  readonly publicKey = this.keyPair.publicKey
  readonly port = 0
  private readonly live = new Map<NoiseSecretStream, ConnectionInfo>()
  private stopped = false

  /** Adopt one end of a Noise stream whose other end is `remoteKey`. Returns false after stop. */
  connect (stream: NoiseSecretStream, remoteKey: Buffer): boolean {
    if (this.stopped) return false
    const info: ConnectionInfo = { publicKey: remoteKey, host: 'in-process', port: 0, source: 'manual', initiator: stream.isInitiator, since: Date.now() }
    this.live.set(stream, info)
    stream.once('close', () => {
      if (this.live.delete(stream)) this.emit('disconnected', info)
    })
    this.emit('connection', stream, info)
    return true
  }

  async start (): Promise<void> {}

  async stop (): Promise<void> {
    this.stopped = true
    for (const stream of this.live.keys()) stream.destroy()
  }

  connections (): ConnectionSummary[] {
    return [...this.live].map(([stream, info]) => ({ stream, info, bytesIn: 0, bytesOut: 0 }))
  }

  markShared (): void {}
  ban (): void {}
  addPeer (): void {}
  roomsChanged (): void {}
  status (): Record<string, unknown> { return { source: 'in-process' } }
}

/**
 * Join two in-process sources with a Noise stream pair over `raw` duplex ends (a plain pipe
 * when absent). Both sides see a 'connection'. Returns the two ends.
 */
export function connectInProcess (a: InProcessSource, b: InProcessSource, raw?: { a: unknown, b: unknown }): [NoiseSecretStream, NoiseSecretStream] {
  const left = new NoiseSecretStream(true, raw?.a as never, { keyPair: a.keyPair })
  const right = new NoiseSecretStream(false, raw?.b as never, { keyPair: b.keyPair })
  if (raw === undefined) left.rawStream.pipe(right.rawStream).pipe(left.rawStream)
  a.connect(left, b.publicKey)
  b.connect(right, a.publicKey)
  return [left, right]
}
