/**
 * The panic wipe: make a home unreadable in well under a second. Every record in the store
 * is already encrypted with its room's key (Hypercore block encryption, sealed user data),
 * and the room keys live only in rooms.json, sealed under the home key in a locked home. So
 * destroying the small key files is enough: the store is left as noise, and the wipe does
 * not have to scrub gigabytes. `all` deletes the store and tamtam's files in the home too.
 */
import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { homePaths } from '../home/index.js'
import { markWiped } from './keyring.js'

/** What a wipe removed, for the command's result. */
export interface WipeResult { shredded: string[], removed: string[], ms: number }

/** Folders of the home that `--all` removes besides the store: fetched documents and phone uploads. */
const HOME_FOLDERS = ['downloads', 'phone-uploads']

/**
 * Overwrite a file with random bytes of its size, flush, then delete it. On a journaling
 * file system or flash the old blocks may survive the overwrite; what protects a locked
 * home then is that lock.json's key is also under the passphrase (docs/security.md).
 */
async function shred (file: string): Promise<boolean> {
  let handle
  try {
    handle = await fs.open(file, 'r+')
  } catch {
    return false
  }
  try {
    const { size } = await handle.stat()
    if (size > 0) await handle.write(randomBytes(Math.min(size, 1024 * 1024)), 0, undefined, 0)
    await handle.sync()
  } catch {} finally {
    await handle.close().catch(() => {})
  }
  await fs.rm(file, { force: true })
  return true
}

/**
 * Wipe `home`: from now on this process writes nothing there (keyring.markWiped), the key
 * files are shredded (lock.json first: without it no passphrase opens anything), and with
 * `all` the store, downloads, phone uploads and bundle scratch folders are deleted.
 */
export async function wipeHome (home: string, opts: { all?: boolean } = {}): Promise<WipeResult> {
  const started = performance.now()
  markWiped(home)
  const paths = homePaths(home)
  const shredded: string[] = []
  for (const file of [paths.lock, paths.identity, paths.rooms, paths.relays, paths.peers]) {
    if (await shred(file)) shredded.push(path.basename(file))
  }
  const removed: string[] = []
  if (opts.all === true) {
    const entries = await fs.readdir(home).catch(() => [] as string[])
    const targets = entries.filter((e) => e === 'store' || HOME_FOLDERS.includes(e) || e.startsWith('bundle-import-'))
    for (const entry of targets) {
      await fs.rm(path.join(home, entry), { recursive: true, force: true })
      removed.push(entry)
    }
  }
  return { shredded, removed, ms: Math.round(performance.now() - started) }
}
