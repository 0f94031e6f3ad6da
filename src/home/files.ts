/**
 * Small, crash-safe file helpers for the home dir. Writes go to a temp file that is
 * fsynced and renamed over the target, so a crash leaves either the old or the new
 * content, never half of each.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { fail, fromSystemError } from '../errors/index.js'

/** Read and parse a JSON file; `undefined` when it does not exist. */
export async function readJson (file: string): Promise<unknown> {
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  return JSON.parse(text)
}

/** Atomically replace `file` with JSON, readable by its owner only (mode 0600). */
export async function writeJsonPrivate (file: string, value: unknown): Promise<void> {
  // A random suffix: two writes in the same millisecond must not share a temp file.
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  try {
    const handle = await fs.open(tmp, 'w', 0o600)
    try {
      await handle.writeFile(JSON.stringify(value, null, 2) + '\n')
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

/** Create the home dir (mode 0700) if needed; fail clearly when it is not a directory. */
export async function ensureHome (home: string): Promise<void> {
  try {
    await fs.mkdir(home, { recursive: true, mode: 0o700 })
    const stat = await fs.stat(home)
    if (!stat.isDirectory()) throw fail('HOME_INVALID', `${home} is not a directory`)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw fail('HOME_INVALID', `${home} is not a directory`)
    throw fromSystemError(err, `cannot use ${home}`)
  }
}
