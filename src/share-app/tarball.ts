/**
 * The tarball that carries tamtam to someone with no Internet: every file of
 * {@link collectAppFiles} under one top folder `tamtam/`, gzipped. Building it reads tens
 * of MB, so the result is cached in a private folder of the OS temp dir, keyed by the
 * version, the platform and the size and mtime of every file: a second share-app is
 * instant, and any rebuild or reinstall makes a new one.
 */
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createReadStream, createWriteStream, existsSync, lstatSync, mkdirSync } from 'node:fs'
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { finished } from 'node:stream/promises'
import os from 'node:os'
import path from 'node:path'
import { create as createTar } from 'tar'
import { fail, fromSystemError } from '../errors/index.js'
import { collectAppFiles, type AppFiles, type NativePart } from './files.js'
import { findAppRoot } from './root.js'

/** The folder everything is under once extracted: `tar xzf …` then `cd tamtam`. */
export const TOP_FOLDER = 'tamtam'
/** Bump when the tarball's layout changes, so old cached tarballs are not served. */
export const TARBALL_FORMAT = 1
/** Cached tarballs kept per cache folder (older ones are removed after a build). */
const KEEP_CACHED = 3
const PROGRESS_EVERY_MS = 200

/** A built tarball and what a recipient needs to know about it. */
export interface AppTarball {
  /** File name to offer, e.g. `tamtam-0.1.0-linux-x64.tgz`. */
  name: string
  /** Absolute path of the cached file. */
  file: string
  size: number
  sha256: string
  version: string
  /** `platform-arch` it runs on, e.g. `linux-x64`. */
  target: string
  platform: string
  arch: string
  /** The sharer's Node.js version (`v20.…`), and the range the app asks for. */
  node: string
  nodeRange: string
  /** Files packed, and their size before compression. */
  files: number
  bytes: number
  native: NativePart[]
  /** True when it came from the cache; `ms` is how long getting it took. */
  cached: boolean
  ms: number
}

/** Options of {@link buildAppTarball}. */
export interface BuildOptions {
  /** The installation to pack; default: the one running this code. */
  root?: string
  /** Where tarballs are cached; default: a per-user folder in the OS temp dir. */
  cacheDir?: string
  /** Progress while packing, as `{ name, phase: 'store', bytes, total, files, totalFiles, rate, eta }`. */
  onProgress?: (event: Record<string, unknown>) => void
}

/** The name of the offered file, e.g. `tamtam-0.1.0-linux-x64.tgz`. */
export function tarballName (version: string, target: string): string {
  return `${TOP_FOLDER}-${version}-${target}.tgz`
}

/** The default cache folder: per user, so nobody else can plant a tarball there. */
export function defaultCacheDir (): string {
  const user = typeof process.getuid === 'function' ? String(process.getuid()) : 'user'
  return path.join(os.tmpdir(), `tamtam-share-app-${user}`)
}

/** The tarball of this installation for this platform: from the cache, else built now. */
export async function buildAppTarball (opts: BuildOptions = {}): Promise<AppTarball> {
  const started = Date.now()
  const list = collectAppFiles(opts.root ?? findAppRoot())
  const cacheDir = opts.cacheDir ?? defaultCacheDir()
  ensurePrivateDir(cacheDir)
  const name = tarballName(list.version, list.target)
  const file = path.join(cacheDir, `${name.slice(0, -'.tgz'.length)}-${cacheKey(list)}.tgz`)
  const describe = (sha256: string, size: number, cached: boolean): AppTarball => ({
    name, file, size, sha256, version: list.version, target: list.target, platform: process.platform, arch: process.arch,
    node: process.version, nodeRange: list.nodeRange, files: list.files.length, bytes: list.bytes, native: list.native, cached, ms: Date.now() - started
  })
  const hit = await fromCache(file)
  if (hit !== null) return describe(hit.sha256, hit.size, true)
  const built = await pack(list, file, name, opts.onProgress)
  await pruneCache(cacheDir, file)
  return describe(built.sha256, built.size, false)
}

/** The sha256 of a file, as lowercase hex. */
export async function sha256File (file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** A short hash of everything that makes the tarball what it is. */
function cacheKey (list: AppFiles): string {
  const parts = [TARBALL_FORMAT, list.version, list.target, list.files.map((f) => [f.path, f.size, f.mtimeMs])]
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16)
}

/** A cached tarball, re-hashed against its recorded sha256 (a damaged one is rebuilt). */
async function fromCache (file: string): Promise<{ sha256: string, size: number } | null> {
  if (!existsSync(file) || !existsSync(`${file}.sha256`)) return null
  const recorded = (await readFile(`${file}.sha256`, 'utf8')).trim()
  const sha256 = await sha256File(file)
  return sha256 === recorded ? { sha256, size: (await stat(file)).size } : null
}

/** Write the gzipped tar to a temporary name, then rename it into place with its sha256 beside. */
async function pack (list: AppFiles, file: string, name: string, onProgress?: BuildOptions['onProgress']): Promise<{ sha256: string, size: number }> {
  const partial = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.partial`
  const report = progressReporter(name, list, onProgress)
  const hash = createHash('sha256')
  let size = 0
  const out = createWriteStream(partial, { mode: 0o644 })
  try {
    const tarStream = createTar({ gzip: { level: 6 }, cwd: list.root, prefix: TOP_FOLDER, portable: true, follow: true, strict: true, filter: (_p, entry) => { report('size' in entry ? entry.size : 0); return true } }, list.files.map((f) => f.path))
    const failed = once(out, 'error').then(([err]) => { throw err })
    failed.catch(() => {})
    for await (const chunk of tarStream) {
      hash.update(chunk)
      size += chunk.length
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed])
    }
    out.end()
    await Promise.race([finished(out), failed])
    report(0, true)
    const sha256 = hash.digest('hex')
    await rename(partial, file)
    await writeFile(`${file}.sha256`, `${sha256}\n`, { mode: 0o644 })
    return { sha256, size }
  } catch (err) {
    out.destroy()
    await rm(partial, { force: true })
    throw fromSystemError(err, `packing ${name}`)
  }
}

/** Count packed files and bytes; call the callback at most every 200 ms, and once at the end. */
function progressReporter (name: string, list: AppFiles, onProgress?: BuildOptions['onProgress']): (bytes: number, end?: boolean) => void {
  const started = Date.now()
  let bytes = 0
  let files = 0
  // The first event waits a little too: a rate measured over a few files is meaningless.
  let last = started
  return (more, end = false) => {
    if (!end) {
      bytes += more
      files++
    }
    if (onProgress === undefined || (!end && Date.now() - last < PROGRESS_EVERY_MS)) return
    last = Date.now()
    const done = end ? list.bytes : Math.min(bytes, list.bytes)
    const rate = done / Math.max(0.001, (Date.now() - started) / 1000)
    onProgress({ name, phase: 'store', bytes: done, total: list.bytes, files: end ? list.files.length : files, totalFiles: list.files.length, rate: Math.round(rate), eta: rate > 0 ? Math.ceil((list.bytes - done) / rate) : null })
  }
}

/**
 * Create the cache folder (mode 0700) and check it is ours: in a shared temp dir, anyone
 * could otherwise pre-create it and plant a tarball that we would hand to everyone.
 */
function ensurePrivateDir (dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
  } catch (err) {
    throw fail('FILE_WRITE_FAILED', `cannot create the cache folder ${dir}`, err)
  }
  const info = lstatSync(dir)
  const mine = typeof process.getuid !== 'function' || info.uid === process.getuid()
  if (!info.isDirectory() || !mine || (process.platform !== 'win32' && (info.mode & 0o022) !== 0)) {
    throw fail('FILE_WRITE_FAILED', `the cache folder ${dir} is not a private folder of this user; remove it and try again`)
  }
}

/** Remove all but the most recent cached tarballs (and stray partial files) of this folder. */
async function pruneCache (dir: string, keep: string): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.startsWith(`${TOP_FOLDER}-`) && (n.endsWith('.tgz') || n.endsWith('.partial')))
  const entries = await Promise.all(names.map(async (n) => ({ file: path.join(dir, n), mtime: (await stat(path.join(dir, n)).catch(() => null))?.mtimeMs ?? 0 })))
  const stale = entries.filter((e) => e.file !== keep && (e.file.endsWith('.partial') ? Date.now() - e.mtime > 3_600_000 : true))
  const tgz = stale.filter((e) => e.file.endsWith('.tgz')).sort((a, b) => b.mtime - a.mtime).slice(KEEP_CACHED - 1)
  for (const e of [...tgz, ...stale.filter((e) => e.file.endsWith('.partial'))]) {
    await rm(e.file, { force: true })
    await rm(`${e.file}.sha256`, { force: true })
  }
}
