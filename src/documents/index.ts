/**
 * Documents: files shared in a room, stored in chunks in one Hyperblobs core per member
 * per room (encrypted with the room key), announced in the member log, fetched sparsely
 * from any peer that has them, verified by sha256. See docs/protocol.md section 9.
 */
export * from './documents.js'
export * from './auto-fetch.js'
export * from './limits.js'
export * from './mime.js'
export * from './progress.js'
export * from './record.js'
export * from './safe-name.js'
export * from './sync.js'
export * from './view.js'
export { blobsCoreName, BLOCK_BYTES, RoomBlobs } from './room-blobs.js'
export { DocIndex, type IndexedDoc } from './doc-index.js'
export { fetchBlocks, readVerified, writeVerified, type FetchStats, type FetchTarget } from './fetch.js'
