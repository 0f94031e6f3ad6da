/**
 * Bundles: a room's member logs carried on a USB stick or any file transfer, for networks
 * that never meet ("sneakernet"). A bundle holds Hypercore proofs of every member log a
 * home holds, sealed with a key derived from the room secret; importing verifies every
 * block with Hypercore before storing anything. Format: docs/protocol.md §14.
 */
export { exportBundle, type ExportOptions, type ExportResult } from './export.js'
export { importBundle, type ImportOptions, type ImportResult } from './import.js'
export { BundleReader, decodeBundle, openBundle, readBundleIndex, sealBundle, type DecodedBundle } from './reader.js'
export { BodyDecoder, type BodyEvent } from './body.js'
export { FRAME, frame, indexFrame, proofFrame, endFrame, type BundleIndex, type CoreEntry, type BundleEnd } from './frames.js'
export {
  BUNDLE_LABELS, BUNDLE_MAGIC, BUNDLE_VERSION, CHUNK_BYTES, HEADER_BYTES, MAX_BUNDLE_BYTES, MAX_BUNDLE_CORES, MAX_CORE_LENGTH, MAX_FRAME_BYTES,
  bundleKeys, decodeHeader, type BundleHeader, type BundleKeys
} from './format.js'
export { NodePlanner } from './tree.js'
export type { BundlePhase, BundleProgressEvent, ProgressListener } from './progress.js'
export type { Proof, TreeNode } from './proofs.js'
