/**
 * Transport: TCP connections wrapped in Noise (@hyperswarm/secret-stream), one per remote key,
 * managed by ConnectionManager. Wire format: docs/protocol.md section 8.
 */
export { ConnectionManager, PUBLIC_KEY_BYTES } from './connection-manager.js'
export type { ConnectionInfo, ConnectionManagerOptions, ConnectionSummary, NoiseKeyPair, TransportStats } from './types.js'
export { backoffDelay, DEFAULT_BACKOFF, JITTER, type BackoffOptions } from './backoff.js'
export { keepFirst, type DuplicateCandidate } from './duplicate-rule.js'
export { MAX_HANDSHAKE_FRAME } from './handshake-guard.js'
