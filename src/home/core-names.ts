/**
 * Our own cores in a room, opened with no name stored in the store.
 *
 * Corestore keeps the name of every named core in clear in the store (its alias, and a copy
 * in the core's entry). Names were `tamtam/room/<room id>`, `tamtam/docs/<room id>`,
 * `tamtam/hosted/<room id>/<phone identity>` and `tamtam/hosted-docs/...`: a copied store
 * showed which rooms the home joined and the identity of every phone it hosts, after a
 * panic too. Now the name only derives the key pair (Corestore's own derivation from the
 * store's primary key, so every core keeps its key) and the core is opened by that key pair,
 * which stores no name. A core made under a name by an older tamtam loses its alias the
 * first time it is opened (protocol §3b).
 */
import type Corestore from 'corestore'
import type { Hypercore } from 'hypercore'
import { requireCjs } from '../cjs.js'
import { legacyRewrites } from '../log/user-data.js'

interface Alias { namespace: Buffer, name: string }
interface CoreEntry { alias: Alias | null, [field: string]: unknown }
interface Db { write: (opts: { autoDestroy: boolean }) => { tryPut: (k: Buffer, v: Buffer) => void, tryDelete: (k: Buffer) => void, flush: () => Promise<void> } }
type KeyPair = { publicKey: Buffer, secretKey: Buffer }

const { CorestoreRX, CorestoreTX } = requireCjs('hypercore-storage/lib/tx.js') as {
  CorestoreRX: new (db: Db, view: unknown) => { getCoreByAlias: (a: Alias) => Promise<Buffer | null>, getCore: (dk: Buffer) => Promise<CoreEntry | null>, tryFlush: () => void }
  CorestoreTX: new (view: unknown) => { changes: Array<[Buffer, Buffer | null, Buffer | null]>, putCore: (dk: Buffer, core: CoreEntry) => void }
}
const View = requireCjs('hypercore-storage/lib/view.js') as new () => unknown
const keys = requireCjs('hypercore-storage/lib/keys.js') as { store: { coreByAlias: (alias: Alias) => Buffer } }

/** Read one value with a fresh read view of the store's database. */
async function read<T> (db: Db, get: (rx: InstanceType<typeof CorestoreRX>) => Promise<T>): Promise<T> {
  const rx = new CorestoreRX(db, new View())
  const value = get(rx)
  rx.tryFlush()
  return await value
}

/** Remove the stored name `name`, if an older tamtam stored one: its alias, and its copy in the core's entry. */
async function dropAlias (store: Corestore, name: string): Promise<void> {
  const storage = (store as unknown as { storage: { db: Db } }).storage
  const old: Alias = { namespace: (store as unknown as { ns: Buffer }).ns, name }
  const discoveryKey = await read(storage.db, async (rx) => await rx.getCoreByAlias(old))
  if (discoveryKey === null || discoveryKey === undefined) return
  const entry = await read(storage.db, async (rx) => await rx.getCore(discoveryKey))
  const tx = new CorestoreTX(null)
  if (entry !== null) tx.putCore(discoveryKey, { ...entry, alias: null })
  const batch = storage.db.write({ autoDestroy: true })
  for (const [key, value] of tx.changes) if (value !== null) batch.tryPut(key, value)
  batch.tryDelete(keys.store.coreByAlias(old))
  await batch.flush()
  // The old name is still in the store's files until they are compacted: Tamtam scrubs soon.
  legacyRewrites.emit('rewrite')
}

/**
 * Our core called `name` (never stored), with `opts` (encryption): the key pair Corestore
 * would give that name, opened or made without an alias.
 */
export async function ownCore (store: Corestore, name: string, opts: Record<string, unknown>): Promise<Hypercore> {
  await store.ready()
  const keyPair = await (store as unknown as { createKeyPair: (name: string) => Promise<KeyPair> }).createKeyPair(name)
  await dropAlias(store, name)
  return (store as unknown as { get: (o: Record<string, unknown>) => Hypercore }).get({ ...opts, keyPair })
}
