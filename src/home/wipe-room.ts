/**
 * Remove every core of one room from the store (`room leave --wipe`, issue 21): our member
 * log, every other member's, the documents' blobs cores, the hosted logs and phone blobs
 * cores of phones this home hosts, and the names (Corestore aliases) of our own ones, which
 * carry the room id and phone identities. Hypercore's `purge` deletes a core's keys; then
 * `scrubStore` flushes and compacts so the bytes leave RocksDB's files too.
 *
 * Which cores are the room's is read from the store itself, not from what is open: every
 * core in the store is opened under the room's block-encryption key and kept when it is a
 * member log listed in the room, when block 0 reads as a binding naming this room and core,
 * or as a blobs header naming this room (a core of another room decrypts to noise), or when
 * its alias is one of ours in this room. So a log dropped long ago, or a blobs core of a
 * member never opened in this run, goes too.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import type Corestore from 'corestore'
import type { Hypercore } from 'hypercore'
import { requireCjs } from '../cjs.js'
import { headerOwner } from '../documents/room-blobs.js'
import { decodeRecord, type BindingRecord } from '../log/records.js'
import type { Room } from '../room/index.js'
import { scrubStore } from './scrub.js'

/** A Corestore alias: the name a named core was made with, in a namespace. */
interface Alias { namespace: Buffer, name: string }

/** The parts of hypercore-storage used here (not in our types). */
interface Storage {
  createAliasStream: () => AsyncIterable<{ alias: Alias, discoveryKey: Buffer }>
  createDiscoveryKeyStream: () => AsyncIterable<Buffer>
  db: { write: (opts: { autoDestroy: boolean }) => { tryDelete: (key: Buffer) => void, flush: () => Promise<void> } }
}

const keys = requireCjs('hypercore-storage/lib/keys.js') as { store: { coreByAlias: (alias: Alias) => Buffer } }

/** What a wipe removed. */
export interface WipeReport {
  /** Cores purged. */
  cores: number
  /** Names of our own cores removed. */
  names: number
  /** Bytes of the store's files before and after (after the flush and compaction). */
  bytesBefore: number
  bytesAfter: number
}

/** Prefixes of the names of our own cores in `room` (member-log.ts, room-blobs.ts, hosted-writer.ts, phone-blobs.ts). */
export function roomNamePrefixes (room: Room): string[] {
  return [`tamtam/room/${room.id}`, `tamtam/docs/${room.id}`, `tamtam/hosted/${room.id}/`, `tamtam/hosted-docs/${room.id}/`]
}

function storageOf (store: Corestore): Storage {
  return (store as unknown as { storage: Storage }).storage
}

/** Our aliases in `room`, and the cores they name. */
async function roomAliases (store: Corestore, room: Room): Promise<Array<{ alias: Alias, discoveryKey: Buffer }>> {
  const prefixes = roomNamePrefixes(room)
  const out: Array<{ alias: Alias, discoveryKey: Buffer }> = []
  for await (const entry of storageOf(store).createAliasStream()) {
    if (prefixes.some((p) => entry.alias.name === p || entry.alias.name.startsWith(p.endsWith('/') ? p : `${p}/`))) out.push(entry)
  }
  return out
}

/** Whether block 0 (decrypted under the room's key) says the core belongs to `room`. */
function claimsRoom (room: Room, core: Hypercore, block: Buffer | null): boolean {
  if (headerOwner(room, block) !== null) return true
  const decoded = decodeRecord(block)
  if (!decoded.ok || decoded.record.type !== 'binding') return false
  const b = decoded.record as BindingRecord
  return b.room === room.id && b.core === core.key.toString('hex')
}

/**
 * Open every core of `room` held in the store (one session each, under the room's key).
 * Other cores are opened only to read block 0 locally, and closed again.
 */
export async function openRoomCores (store: Corestore, room: Room): Promise<Hypercore[]> {
  const named = new Set((await roomAliases(store, room)).map((a) => a.discoveryKey.toString('hex')))
  const members = new Set(room.members)
  const found: Hypercore[] = []
  const all: Buffer[] = []
  for await (const dk of storageOf(store).createDiscoveryKeyStream()) all.push(dk)
  for (const discoveryKey of all) {
    const core = store.get({ discoveryKey, encryption: { key: room.keys.encryptionKey } } as unknown as { key: Buffer })
    const ours = await core.ready().then(async () => {
      if (named.has(discoveryKey.toString('hex')) || members.has(core.key.toString('hex'))) return true
      return claimsRoom(room, core, core.length > 0 ? await core.get(0, { wait: false }) : null)
    }, () => false).catch(() => false)
    if (ours) found.push(core)
    else await core.close().catch(() => {})
  }
  return found
}

/** Total bytes of the files under `dir`. */
export async function dirBytes (dir: string): Promise<number> {
  let total = 0
  for (const entry of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) total += await dirBytes(file)
    else if (entry.isFile()) total += (await fs.stat(file).catch(() => ({ size: 0 }))).size
  }
  return total
}

/**
 * Purge every core of `room` from `store` and drop the names of ours, then scrub the store.
 * `dir` is the store's directory (for the byte counts). The room's sessions should be
 * closed first; `purge` closes any left. `progress` hears each step (a long wipe through
 * the control socket stays alive on them).
 */
export async function wipeRoomCores (store: Corestore, room: Room, dir: string, progress: (event: Record<string, unknown>) => void = () => {}): Promise<WipeReport> {
  const bytesBefore = await dirBytes(dir)
  const cores = await openRoomCores(store, room)
  for (const [i, core] of cores.entries()) {
    await (core as unknown as { purge: () => Promise<void> }).purge()
    progress({ phase: 'purged', done: i + 1, total: cores.length })
  }
  const aliases = await roomAliases(store, room)
  if (aliases.length > 0) {
    const tx = storageOf(store).db.write({ autoDestroy: true })
    for (const { alias } of aliases) tx.tryDelete(keys.store.coreByAlias(alias))
    await tx.flush()
  }
  progress({ phase: 'compacting' })
  await scrubStore(store)
  return { cores: cores.length, names: aliases.length, bytesBefore, bytesAfter: await dirBytes(dir) }
}
