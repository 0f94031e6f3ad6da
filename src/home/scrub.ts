/**
 * Make deleted data leave the store's files. Hypercore's `clear` and `purge` only write
 * RocksDB tombstones: the old values stay in the write-ahead log and in table files until a
 * flush and a compaction rewrite them. Expiry (`room set --expire`) and `room leave --wipe`
 * promise that the bytes are gone from disk (read back raw), so they call this after deleting.
 * The file system or the flash may still keep freed blocks; docs/security.md says so.
 */
import type Corestore from 'corestore'

interface Flushable { flush?: () => Promise<void> }
interface Compactable { compact?: () => Promise<void>, db?: Flushable }

/** Flush the memtable, then compact the whole store, so deleted keys are dropped from its files. */
export async function scrubStore (store: Corestore): Promise<void> {
  const storage = (store as unknown as { storage?: Compactable }).storage
  await storage?.db?.flush?.()
  await storage?.compact?.()
}
