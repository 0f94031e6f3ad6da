/**
 * Make deleted data leave the store's files. Hypercore's `clear` and `purge` only write
 * RocksDB tombstones: the old values stay in the write-ahead log and in table files until a
 * flush and a compaction rewrite them. Expiry (`room set --expire`) and `room leave --wipe`
 * promise that the bytes are gone from disk (read back raw), so they call this after deleting.
 * The file system or the flash may still keep freed blocks; docs/security.md says so.
 */
import type Corestore from 'corestore'

interface Flushable { flush?: () => Promise<void> }
interface Compactable { compact?: (opts?: Record<string, unknown>) => Promise<void>, db?: Flushable }

/**
 * Compaction options (rocksdb-native's constants). By default RocksDB may leave bottom-level
 * table files as they are, and rewrites only the oldest quarter of its blob files (where
 * large values such as 64 KiB document blocks live): deleted core names and document blocks
 * stayed readable in the files (test/home/wipe-room.test.ts). Forcing both rewrites every file.
 */
const FORCE_EVERYTHING = { bottommostLevelCompaction: 2, blobGarbageCollectionPolicy: 1, blobGarbageCollectionAgeCutoff: 1 }

/** Flush the memtable, then compact the whole store, so deleted keys are dropped from its files. */
export async function scrubStore (store: Corestore): Promise<void> {
  const storage = (store as unknown as { storage?: Compactable }).storage
  await storage?.db?.flush?.()
  await storage?.compact?.(FORCE_EVERYTHING)
}
