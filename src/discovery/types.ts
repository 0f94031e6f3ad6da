/**
 * The discovery interface. Every source of peers (LAN multicast, Hyperswarm, manual
 * addresses) reports candidates the same way, so one connection manager serves them all.
 */
import type { EventEmitter } from 'node:events'

/** How a peer was found. */
export type PeerSource = 'lan' | 'internet' | 'manual'

/** Something we could connect to. */
export interface PeerCandidate {
  /** The peer's per-run Noise public key (32 bytes); unknown for manual addresses. */
  publicKey: Buffer | null
  host: string
  port: number
  source: PeerSource
  /** Random id of the peer's current run, when the source knows it (a change means a restart). */
  instanceId?: string
}

/**
 * A discovery source. start() and stop() are idempotent. Events:
 * - 'peer' (PeerCandidate): a new peer, or a known one whose address or run changed;
 * - 'lost' (PeerCandidate): a peer went quiet;
 * - 'warning' (Error): something was dropped or failed; never thrown.
 */
export interface Discovery extends EventEmitter {
  readonly name: string
  start: () => Promise<void>
  stop: () => Promise<void>
}
