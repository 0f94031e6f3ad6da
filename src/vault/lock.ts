/**
 * Setting, opening, changing and removing a home's passphrase (lock.json, lock-file.ts).
 * Each change is ordered so a crash at any point leaves a home that opens: a file is only
 * ever sealed under a key that lock.json already holds, and lock.json is only removed
 * after every file is back in clear.
 */
import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { fail } from '../errors/index.js'
import { homePaths, readJson, writeJsonPrivate, writeTextPrivate } from '../home/index.js'
import { generateIdentity, saveIdentity } from '../identity/identity.js'
import { clearWiped, forgetHomeKey, homeKey, isSealed, openSealed, setHomeKey } from './keyring.js'
import { formatLock, makeLock, openLock, parseLock, type LockFile } from './lock-file.js'
import { askPassphrase } from './passphrase.js'
import { wipeHome } from './wipe.js'

/** The JSON files of a home that hold secrets or betray people: sealed in a locked home. */
function sealedFiles (home: string): string[] {
  const p = homePaths(home)
  return [p.identity, p.rooms, p.relays, p.peers]
}

/** The home's lock, or null when it has no passphrase. */
export async function readLock (home: string): Promise<LockFile | null> {
  let text: string
  try {
    text = await fs.readFile(homePaths(home).lock, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  return parseLock(text)
}

/** Whether the home has a passphrase (lock.json exists). */
export async function isLocked (home: string): Promise<boolean> {
  return await fs.stat(homePaths(home).lock).then(() => true, () => false)
}

/** Read every secret file (sealed or not), then write each again: sealed when a key is set, in clear when not. */
async function rewriteFiles (home: string, values: Map<string, unknown>, clear: boolean): Promise<void> {
  for (const [file, value] of values) {
    if (clear) await writeTextPrivate(file, JSON.stringify(value, null, 2) + '\n')
    else await writeJsonPrivate(file, value)
  }
}

async function readFiles (home: string): Promise<Map<string, unknown>> {
  const values = new Map<string, unknown>()
  for (const file of sealedFiles(home)) {
    const value = await readJson(file)
    if (value !== undefined) values.set(file, value)
  }
  return values
}

/**
 * Open every secret file with the home key in memory (HOME_KEY_MISMATCH when one does not
 * open) and return those found in clear, which a crash in the middle of `lock set` leaves.
 * The sealed ones are not written again: an unlock of a sound home writes nothing.
 */
async function clearFiles (home: string): Promise<Map<string, unknown>> {
  const clear = new Map<string, unknown>()
  for (const file of sealedFiles(home)) {
    let text: string
    try {
      text = await fs.readFile(file, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw err
    }
    const value = JSON.parse(text)
    if (isSealed(value)) openSealed(file, value)
    else clear.set(file, value)
  }
  return clear
}

function checkNew (passphrase: string): string {
  if (passphrase.length === 0) throw fail('PASSPHRASE_EMPTY')
  return passphrase
}

/** The name the duress home shows: the identity's, so it looks like the same person's laptop. */
async function decoyName (home: string): Promise<string> {
  const identity = await readJson(homePaths(home).identity) as { name?: unknown } | undefined
  return typeof identity?.name === 'string' ? identity.name : 'tamtam'
}

/**
 * Set a passphrase on a home that has none; with `duress`, also a duress passphrase whose
 * empty home shows `name` (default: the identity's).
 */
export async function setLock (home: string, passphrase: string, duress?: string, name?: string): Promise<{ duress: boolean }> {
  if (await isLocked(home)) throw fail('LOCK_ALREADY_SET')
  checkNew(passphrase)
  if (duress !== undefined && (checkNew(duress) === passphrase)) throw fail('USAGE', 'the duress passphrase must differ from the passphrase')
  const values = await readFiles(home)
  const key = randomBytes(32)
  const lock = await makeLock(key, passphrase, duress === undefined ? undefined : { passphrase: duress, decoyName: name ?? await decoyName(home) })
  await writeTextPrivate(homePaths(home).lock, formatLock(lock))
  setHomeKey(home, key)
  key.fill(0)
  await rewriteFiles(home, values, false)
  return { duress: duress !== undefined }
}

/** Check `passphrase` opens the home key (never the duress entry); PASSPHRASE_WRONG otherwise. */
async function homeKeyFrom (home: string, passphrase: string): Promise<{ lock: LockFile, key: Buffer }> {
  const lock = await readLock(home)
  if (lock === null) throw fail('LOCK_NOT_SET')
  if (passphrase.length === 0) throw fail('PASSPHRASE_EMPTY')
  const opened = await openLock(lock, passphrase)
  if (opened.kind !== 'home') throw fail('PASSPHRASE_WRONG')
  return { lock, key: opened.key }
}

/** Change the passphrase (the home key stays, so no file is rewritten). A duress entry is kept only if given again. */
export async function changeLock (home: string, current: string, next: string, duress?: string): Promise<{ duress: boolean }> {
  const { key } = await homeKeyFrom(home, current)
  checkNew(next)
  if (duress !== undefined && checkNew(duress) === next) throw fail('USAGE', 'the duress passphrase must differ from the passphrase')
  setHomeKey(home, key)
  const lock = await makeLock(key, next, duress === undefined ? undefined : { passphrase: duress, decoyName: await decoyName(home) })
  key.fill(0)
  await writeTextPrivate(homePaths(home).lock, formatLock(lock))
  return { duress: duress !== undefined }
}

/** Remove the passphrase: every file back in clear first, then lock.json deleted. */
export async function removeLock (home: string, current: string): Promise<void> {
  const { key } = await homeKeyFrom(home, current)
  setHomeKey(home, key)
  key.fill(0)
  await rewriteFiles(home, await readFiles(home), true)
  await fs.rm(homePaths(home).lock, { force: true })
  forgetHomeKey(home)
}

/** How many times the unlock prompt asks before failing (a new run may try again: no lockout). */
export const UNLOCK_TRIES = 3

/**
 * Open a locked home in this process: ask the passphrase, keep the home key in memory, and
 * seal any file a crash left in clear. The duress passphrase wipes the home and leaves an
 * empty one, locked by that same passphrase, under the decoy name. Without lock.json this
 * does nothing. Returns what happened.
 */
export async function unlockHome (home: string): Promise<'open' | 'unlocked' | 'duress'> {
  if (homeKey(home) !== undefined) return 'unlocked'
  const lock = await readLock(home)
  if (lock === null) return 'open'
  for (let attempt = 1; attempt <= UNLOCK_TRIES; attempt++) {
    const passphrase = await askPassphrase({ home, purpose: 'unlock', attempt })
    if (passphrase.length === 0) throw fail('PASSPHRASE_EMPTY')
    const opened = await openLock(lock, passphrase)
    if (opened.kind === 'home') {
      setHomeKey(home, opened.key)
      opened.key.fill(0)
      let clear
      try {
        clear = await clearFiles(home)
      } catch (err) {
        forgetHomeKey(home)
        throw err
      }
      await rewriteFiles(home, clear, false)
      return 'unlocked'
    }
    if (opened.kind === 'duress') {
      await wipeHome(home, { all: true })
      await makeDecoyHome(home, opened.name, passphrase)
      return 'duress'
    }
  }
  throw fail('PASSPHRASE_WRONG')
}

/** After a duress wipe: an empty home with a new identity under the decoy name, locked by the duress passphrase. */
async function makeDecoyHome (home: string, name: string, passphrase: string): Promise<void> {
  clearWiped(home)
  const key = randomBytes(32)
  await writeTextPrivate(homePaths(home).lock, formatLock(await makeLock(key, passphrase)))
  setHomeKey(home, key)
  key.fill(0)
  await saveIdentity(homePaths(home).identity, generateIdentity(name))
}
