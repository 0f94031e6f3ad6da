/**
 * Small, crash-safe file helpers for the home dir. Writes go to a temp file that is
 * fsynced and renamed over the target, so a crash leaves either the old or the new
 * content, never half of each.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { fail, fromSystemError } from '../errors/index.js'
import { homeKey, isSealed, isWiped, openSealed, sealText } from '../vault/keyring.js'

/** The lock file's name in a home: while it exists, nothing is written there in clear. */
export const LOCK_FILE = 'lock.json'

/**
 * Read and parse a JSON file; `undefined` when it does not exist. A file sealed under the
 * home key (a home with a passphrase, src/vault) is opened with the key in memory.
 */
export async function readJson (file: string): Promise<unknown> {
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  const value = JSON.parse(text)
  return isSealed(value) ? JSON.parse(openSealed(file, value)) : value
}

/**
 * Atomically replace `file` with JSON, readable by its owner only (mode 0600). In a home
 * with a passphrase it is sealed under the home key; without the key in memory, nothing is
 * written (a locked home never gets a file in clear), and nothing after a panic.
 */
export async function writeJsonPrivate (file: string, value: unknown): Promise<void> {
  const dir = path.dirname(path.resolve(file))
  if (isWiped(dir)) throw fail('HOME_WIPED')
  const text = JSON.stringify(value, null, 2) + '\n'
  const key = homeKey(dir)
  if (key !== undefined) return await writeTextPrivate(file, sealText(key, text))
  if (existsSync(path.join(dir, LOCK_FILE))) throw fail('PASSPHRASE_NEEDED', `${path.basename(file)} cannot be written in clear into a locked home`)
  await writeTextPrivate(file, text)
}

/** Atomically replace `file` with `text`, mode 0600 (no sealing: callers seal first). */
export async function writeTextPrivate (file: string, text: string): Promise<void> {
  // A random suffix: two writes in the same millisecond must not share a temp file.
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  try {
    const handle = await fs.open(tmp, 'w', 0o600)
    try {
      await handle.writeFile(text)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await fs.rename(tmp, file)
    await fs.chmod(file, 0o600)
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => {})
    throw fromSystemError(err, `cannot write ${path.basename(file)}`)
  }
}

/**
 * Create the home dir (mode 0700) if needed; fail clearly when it is not a directory.
 * A home that already exists is made private too: its mode becomes 0700, and every file
 * and folder under it loses its group and other bits (a home made by an older tamtam, or
 * under a loose umask, had a 0644 store and downloads that other accounts could read).
 * A home whose mode cannot be changed (another account owns it) is refused.
 */
export async function ensureHome (home: string): Promise<void> {
  let stat
  try {
    await fs.mkdir(home, { recursive: true, mode: 0o700 })
    stat = await fs.stat(home)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') throw fail('HOME_INVALID', `${home} is not a directory`)
    throw fromSystemError(err, `cannot use ${home}`)
  }
  if (!stat.isDirectory()) throw fail('HOME_INVALID', `${home} is not a directory`)
  if (process.platform === 'win32') return
  if ((stat.mode & 0o077) !== 0) {
    try {
      await fs.chmod(home, 0o700)
    } catch (err) {
      throw fail('HOME_INVALID', `${home} can be read by other accounts (mode ${(stat.mode & 0o777).toString(8)}) and its mode cannot be changed (${(err as NodeJS.ErrnoException).code ?? 'error'}): run \`chmod 700 ${home}\` as its owner, or choose another --home`, err)
    }
  }
  await makePrivate(home)
}

/** Most entries looked at under a home each time it is opened. */
const MAX_PRIVATE_WALK = 20_000

/**
 * Remove group and other bits from everything under `dir` (never following symbolic links).
 * Best effort: an entry that vanishes or cannot be changed is left as it is.
 */
export async function makePrivate (dir: string): Promise<void> {
  const queue = [dir]
  let seen = 0
  while (queue.length > 0 && seen < MAX_PRIVATE_WALK) {
    const current = queue.pop() as string
    const entries = await fs.readdir(current, { withFileTypes: true }).catch(() => [])
    for (const entry of entries) {
      if (++seen > MAX_PRIVATE_WALK) break
      const full = path.join(current, entry.name)
      if (entry.isSymbolicLink()) continue
      if (entry.isDirectory()) queue.push(full)
      const st = await fs.lstat(full).catch(() => null)
      if (st !== null && (st.mode & 0o077) !== 0) await fs.chmod(full, st.mode & 0o700).catch(() => {})
    }
  }
}
