/**
 * How the home's Corestore (RocksDB, through hypercore-storage) is opened and closed, so
 * that the store on disk stays near the bytes it holds (issue 19, "Storage per message";
 * measured by `npm run bench storage`, written up in docs/benchmarks.md).
 *
 * Hypercore rewrites a 4 KiB bitfield page and the signed head on every append, so one
 * chat message costs about 4.4 KB of RocksDB writes for 200 bytes of record. Those
 * rewrites collapse to one copy when RocksDB flushes its memtable to a table file, but
 * until then every version sits in the write-ahead log. With hypercore-storage's default
 * 64 MiB memtable, 20,000 messages sent one at a time left a 27 MB log after close
 * (6.6 MB once flushed), and the next open spent a third of a second replaying it.
 * Nothing here changes what is stored: only when RocksDB folds its log into table files.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import type Corestore from 'corestore'
import { requireCjs } from '../cjs.js'

/**
 * `flushOnClose`: fold the log into table files on close. `keepInfoLogs`: RocksDB info logs
 * (LOG.old.*) kept; RocksDB keeps 1,000, about 50 KB per store open. `writeBufferSize`:
 * memtable (and so write-ahead log) size, hypercore-storage's own 64 MiB. A 4 MiB memtable
 * cut the running home from 83 to 16 MB in the storage bench, but RocksDB reserves 1.1x it
 * for the log ahead of time (fallocate), so a disk that fills is noticed only ~4 MB of
 * writes later; test/robustness/disk-full.test.ts expects STORAGE_FULL within 50 sends.
 * Writable so the storage bench can measure hypercore-storage's defaults beside these.
 */
export const storeTuning = { writeBufferSize: 64 * 1024 * 1024, flushOnClose: true, keepInfoLogs: 2 }

const Hypercore = requireCjs('hypercore') as { defaultStorage: (dir: string, opts: Record<string, unknown>) => object }
const CorestoreClass = requireCjs('corestore') as typeof Corestore

/** A Corestore on `dir` with tamtam's RocksDB options (Corestore passes none of its own through). */
export function newCorestore (dir: string): Corestore {
  return new CorestoreClass(Hypercore.defaultStorage(dir, { writeBufferSize: storeTuning.writeBufferSize }))
}

/** The hypercore column family of an open store (hypercore-storage keeps every core in it). */
function columnFamily (store: Corestore): { flush?: () => Promise<void> } | undefined {
  return (store as unknown as { storage?: { db?: { flush?: () => Promise<void> } } }).storage?.db
}

/**
 * Close the store after flushing its memtable, so the write-ahead log is folded into table
 * files now rather than replayed on the next open. A failed flush (a full disk) only
 * leaves the log in place: RocksDB replays it on open, nothing is lost.
 */
export async function closeCorestore (store: Corestore): Promise<void> {
  if (storeTuning.flushOnClose && store.opened && !store.closed) await columnFamily(store)?.flush?.().catch(() => {})
  await store.close()
}

/**
 * Remove all but the newest RocksDB info logs of the store in `dir` (call it once the store
 * is open, so this process holds the home). RocksDB writes one per open and keeps a
 * thousand, and rocksdb-native does not expose keep_log_file_num; a CLI used for one-shot
 * commands grew by 50 KB each time. They are diagnostics only. Best effort.
 */
export async function pruneInfoLogs (dir: string): Promise<void> {
  const db = path.join(dir, 'db')
  const old = (await fs.readdir(db).catch(() => [] as string[])).filter((f) => f.startsWith('LOG.old.')).sort()
  // The suffix is a microsecond timestamp of equal width, so the name order is the age order.
  for (const f of old.slice(0, Math.max(0, old.length - storeTuning.keepInfoLogs))) await fs.rm(path.join(db, f), { force: true }).catch(() => {})
}
