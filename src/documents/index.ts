/**
 * Documents: files shared in a room, stored in chunks in one Hyperblobs core per member
 * per room (encrypted with the room key), announced in the member log, fetched sparsely
 * from any peer that has them, verified by sha256. See docs/protocol.md section 9.
 */
import type { Tamtam } from '../tamtam.js'
import { Documents } from './documents.js'

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

const instances = new WeakMap<Tamtam, Documents>()

/** The one Documents of a Tamtam (made on first use; a closed one is replaced). */
export function documentsOf (tt: Tamtam): Documents {
  let docs = instances.get(tt)
  if (docs === undefined) {
    docs = new Documents(tt)
    const made = docs
    made.once('close', () => { if (instances.get(tt) === made) instances.delete(tt) })
    instances.set(tt, made)
  }
  return docs
}
