/**
 * Transport: TCP connections wrapped in Noise (@hyperswarm/secret-stream), one per remote key,
 * managed by ConnectionManager. Wire format: docs/protocol.md section 8.
 */
export { ConnectionManager, PUBLIC_KEY_BYTES } from './connection-manager.js'
export type { ConnectionInfo, ConnectionManagerOptions, ConnectionSummary, NoiseKeyPair, TransportStats } from './types.js'
export { backoffDelay, DEFAULT_BACKOFF, JITTER, type BackoffOptions } from './backoff.js'
export { keepFirst, type DuplicateCandidate } from './duplicate-rule.js'
export { MAX_HANDSHAKE_FRAME } from './handshake-guard.js'
export { admit, admitSocket, isFullMesh, meshSettings, planMesh, ringOf, victims, type Admission, type MeshOptions, type MeshPlan, type MeshSettings, type MeshState } from './mesh.js'
export { graphStats, undirected, distances, type Graph, type GraphStats } from './mesh-graph.js'
