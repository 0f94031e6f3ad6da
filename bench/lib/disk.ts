/**
 * Where a home's bytes are: files by kind (like `du`, allocated and apparent), and the live
 * keys of the RocksDB store by hypercore-storage key prefix (node_modules/hypercore-storage/
 * lib/keys.js). Bench only: it reads the store's internals.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import type Corestore from 'corestore'

/** Bytes of some files: allocated on disk (st_blocks) and apparent (st_size). */
export interface Usage { allocated: number, apparent: number }

/** The kinds a home's files are sorted into. */
export const FILE_KINDS = ['table files (sst, blob)', 'write-ahead log', 'MANIFEST', 'RocksDB info logs', 'other RocksDB', 'tamtam files'] as const
export type FileKind = typeof FILE_KINDS[number]

function kindOf (file: string, inStore: boolean): FileKind {
  const name = path.basename(file)
  if (!inStore) return 'tamtam files'
  if (/\.(sst|blob)$/.test(name)) return 'table files (sst, blob)'
  if (/^\d+\.log$/.test(name)) return 'write-ahead log'
  if (name.startsWith('MANIFEST-')) return 'MANIFEST'
  if (name === 'LOG' || name.startsWith('LOG.old.')) return 'RocksDB info logs'
  return 'other RocksDB'
}

/** Usage of everything under `home`, in total and by kind (files under store/ are RocksDB's). */
export async function homeUsage (home: string): Promise<{ total: Usage, kinds: Record<FileKind, Usage> }> {
  const kinds = Object.fromEntries(FILE_KINDS.map((k) => [k, { allocated: 0, apparent: 0 }])) as Record<FileKind, Usage>
  const total = { allocated: 0, apparent: 0 }
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) {
        await walk(full)
        continue
      }
      const st = await fs.lstat(full).catch(() => null)
      if (st === null) continue
      const k = kinds[kindOf(full, path.relative(home, full).startsWith('store' + path.sep))]
      for (const u of [k, total]) {
        u.allocated += st.blocks * 512
        u.apparent += st.size
      }
    }
  }
  await walk(home)
  return { total, kinds }
}

/** Top-level and per-core key prefixes of hypercore-storage. */
const TOP = ['store head', 'core by discovery key', 'core by alias', 'core auth and sessions', 'data', 'group by topic', 'group']
const DATA = ['head', 'dependency', 'hints', 'blocks', 'Merkle tree nodes', 'bitfield pages', 'user data', 'local', 'mark']

/** One index-encoder UINT at `at` (keys.js): its value and the next offset. */
function uint (key: Buffer, at: number): [number, number] {
  const a = key[at]
  if (a <= 0xfb) return [a, at + 1]
  if (a === 0xfc) return [key.readUInt16BE(at + 1), at + 3]
  if (a === 0xfd) return [key.readUInt32BE(at + 1), at + 5]
  return [Number(key.readBigUInt64BE(at + 1)), at + 9]
}

/** The class of a key; user data written by tamtam (keys `tamtam/...`) is its own class. */
export function keyClass (key: Buffer): string {
  const [top, next] = uint(key, 0)
  if (top !== 4) return TOP[top] ?? `prefix ${top}`
  const [, afterPtr] = uint(key, next)
  const [sub] = uint(key, afterPtr)
  const name = DATA[sub] ?? `data ${sub}`
  return sub === 6 && key.includes('tamtam/') ? 'user data (tamtam indexes and marks)' : name
}

/** Live keys and bytes (key + value) per class: what the store holds once compacted. */
export interface KeyBytes { keys: number, bytes: number }

/** Walk every live key of an open store (the hypercore column family). */
export async function liveKeys (store: Corestore): Promise<Map<string, KeyBytes>> {
  const db = (store as unknown as { storage: { db: { iterator: (range: object) => AsyncIterable<{ key: Buffer, value: Buffer }> } } }).storage.db
  const out = new Map<string, KeyBytes>()
  for await (const { key, value } of db.iterator({})) {
    const c = keyClass(key)
    const k = out.get(c) ?? { keys: 0, bytes: 0 }
    k.keys++
    k.bytes += key.length + value.length
    out.set(c, k)
  }
  return out
}

/** Compact the whole store, so what is left on disk is the live keys plus table overhead. */
export async function compactStore (store: Corestore): Promise<void> {
  await (store as unknown as { storage: { db: { compactRange: () => Promise<void> } } }).storage.db.compactRange()
}
