/**
 * Moving a document's bytes: fetch its block range into the local store from whichever
 * peers have it, then read it back, checking the sha256, into a temp file that is moved
 * into place only when the hash matches. Blocks already in the store are never asked for
 * again, which is what makes a download resume after the network or the process drops.
 */
import { randomBytes, createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { Hypercore } from 'hypercore'
import { fail, fromSystemError } from '../errors/index.js'
import { formatBytes } from './limits.js'
import { RateMeter, throttleProgress, type ProgressEvent } from './progress.js'
import type { BlobRange } from './record.js'
import { numberedName } from './safe-name.js'

/** What is fetched: a block range of a core, its size and hash as announced. */
export interface FetchTarget { id: string, name: string, size: number, sha256: string, blob: BlobRange }

/** Options of a fetch. */
export interface FetchOptions {
  /** Give up after this long with no block received (Infinity: wait for peers forever). */
  stallMs: number
  onProgress?: (event: ProgressEvent) => void
  /** How often progress is reported and the stall checked. */
  everyMs?: number
  /** Abort the fetch (blocks received so far stay in the store). */
  signal?: AbortSignal
}

/** What a fetch did. */
export interface FetchStats {
  /** Bytes received from peers by this fetch (blocks already here are not counted). */
  downloadedBytes: number
  /** Blocks of the document already in the store when it started, and their estimated bytes. */
  localBlocksAtStart: number
  localBytesAtStart: number
  ms: number
  /** Distinct peers that sent blocks. */
  peers: number
}

/** Blocks of the target held locally. */
export async function localBlocks (core: Hypercore, blob: BlobRange): Promise<number> {
  if (blob.blockLength === 0) return 0
  return await core.count(blob.blockOffset, blob.blockOffset + blob.blockLength)
}

/** Estimated bytes for `blocks` of the target's blocks (all blocks but the last are full-size). */
export function estimateBytes (target: FetchTarget, blocks: number): number {
  if (target.blob.blockLength === 0) return 0
  return Math.min(target.size, Math.round(target.size * blocks / target.blob.blockLength))
}

/** Fetch every block of the target that is not local yet; rejects with DOC_UNAVAILABLE on a stall. */
export async function fetchBlocks (core: Hypercore, target: FetchTarget, opts: FetchOptions): Promise<FetchStats> {
  const started = Date.now()
  const { blockOffset: start, blockLength } = target.blob
  const end = start + blockLength
  const atStart = await localBlocks(core, target.blob)
  const stats: FetchStats = { downloadedBytes: 0, localBlocksAtStart: atStart, localBytesAtStart: estimateBytes(target, atStart), ms: 0, peers: 0 }
  if (atStart >= blockLength) return stats
  const senders = new Set<unknown>()
  let blocks = atStart
  let lastBlockAt = Date.now()
  let overrun = false
  const meter = new RateMeter()
  const onDownload = (index: number, bytes: number, from: unknown): void => {
    if (index < start || index >= end) return
    blocks++
    stats.downloadedBytes += bytes
    lastBlockAt = Date.now()
    senders.add(from)
    if (stats.downloadedBytes > target.size) overrun = true
  }
  const report = (): void => {
    const bytes = Math.min(target.size, stats.localBytesAtStart + stats.downloadedBytes)
    meter.add(bytes)
    opts.onProgress?.({ event: 'progress', phase: 'fetch', id: target.id, name: target.name, bytes, total: target.size, rate: Math.round(meter.rate()), eta: meter.eta(target.size - bytes), peers: core.peers.length })
  }
  core.on('download', onDownload)
  const range = core.download({ start, end })
  let timer: NodeJS.Timeout | undefined
  let onAbort = (): void => {}
  const watch = new Promise<never>((resolve, reject) => {
    onAbort = () => reject(fail('CLOSED', `fetch of ${target.name} stopped`))
    if (opts.signal?.aborted === true) onAbort()
    opts.signal?.addEventListener('abort', onAbort)
    timer = setInterval(() => {
      report()
      if (overrun) reject(fail('DOC_HASH_MISMATCH', `${target.name}: peers sent more bytes than announced`))
      else if (Date.now() - lastBlockAt > opts.stallMs) {
        const here = formatBytes(estimateBytes(target, blocks))
        reject(fail('DOC_UNAVAILABLE', `${target.name}: nothing received for ${Math.round(opts.stallMs / 1000)} s; ${here} of ${formatBytes(target.size)} are here and kept for the next try`))
      }
    }, opts.everyMs ?? 250)
  })
  watch.catch(() => {})
  try {
    report()
    await Promise.race([range.done(), watch])
    report()
  } finally {
    clearInterval(timer)
    opts.signal?.removeEventListener('abort', onAbort)
    core.off('download', onDownload)
    range.destroy()
  }
  if (await localBlocks(core, target.blob) < blockLength) throw fail('DOC_UNAVAILABLE', `${target.name}: the download ended before every block arrived`)
  stats.ms = Date.now() - started
  stats.peers = senders.size
  return stats
}

/**
 * Read the target's blocks from the store in order, hashing them and handing each chunk
 * to `sink`. True when exactly `size` bytes hashed to `sha256`.
 */
export async function readVerified (core: Hypercore, target: FetchTarget, sink?: (chunk: Buffer) => Promise<void>, onBytes?: (bytes: number) => void): Promise<boolean> {
  const hash = createHash('sha256')
  const { blockOffset: start, blockLength } = target.blob
  let bytes = 0
  const AHEAD = 16
  for (let i = 0; i < blockLength; i += AHEAD) {
    const indexes = Array.from({ length: Math.min(AHEAD, blockLength - i) }, (_, k) => start + i + k)
    const blocks = await Promise.all(indexes.map(async (index) => await core.get(index, { wait: false })))
    for (const block of blocks) {
      if (block === null) throw fail('DOC_UNAVAILABLE', `${target.name}: a block went missing from the store`)
      bytes += block.length
      if (bytes > target.size) return false
      hash.update(block)
      if (sink !== undefined) await sink(block)
    }
    onBytes?.(bytes)
  }
  return bytes === target.size && hash.digest('hex') === target.sha256
}

/**
 * Where a verified file goes: `file` exactly (replacing what is there), or a name in `dir`
 * that is free, numbered on collision. Never anything outside `dir` for a dir target.
 */
export type Placement = { file: string } | { dir: string, name: string }

/** Write the target into a temp file next to its destination, verify, then move it into place. */
export async function writeVerified (core: Hypercore, target: FetchTarget, place: Placement, onProgress?: (event: ProgressEvent) => void): Promise<string> {
  const dir = 'file' in place ? path.dirname(place.file) : place.dir
  const temp = path.join(dir, `.tamtam-${randomBytes(6).toString('hex')}.part`)
  let handle: fs.FileHandle
  try {
    // Owner only: the temp file becomes the document (hard link), and a room's files are private.
    handle = await fs.open(temp, 'wx', 0o600)
  } catch (err) {
    throw writeError(err, dir)
  }
  const meter = new RateMeter()
  const emit = throttleProgress(onProgress)
  const report = (bytes: number): void => {
    meter.add(bytes)
    emit?.({ event: 'progress', phase: 'verify', id: target.id, name: target.name, bytes, total: target.size, rate: Math.round(meter.rate()), eta: meter.eta(target.size - bytes), peers: core.peers.length })
  }
  let ok = false
  try {
    try {
      ok = await readVerified(core, target, async (chunk) => { await handle.write(chunk) }, report)
      if (ok) await handle.sync()
    } finally {
      await handle.close()
    }
    if (!ok) throw fail('DOC_HASH_MISMATCH', target.name)
    return await moveIntoPlace(temp, place)
  } catch (err) {
    await fs.rm(temp, { force: true }).catch(() => {})
    throw fromSystemError(err, `cannot write ${target.name}`)
  }
}

/** Rename for an exact file; for a dir, hard-link to the first free numbered name (atomic, never overwrites). */
async function moveIntoPlace (temp: string, place: Placement): Promise<string> {
  if ('file' in place) {
    await fs.rename(temp, place.file).catch((err) => { throw writeError(err, place.file) })
    return place.file
  }
  for (let n = 0; n < 1000; n++) {
    const candidate = path.join(place.dir, numberedName(place.name, n))
    try {
      await fs.link(temp, candidate)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EEXIST') continue
      // File systems without hard links (FAT, some network shares): check, then rename.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw writeError(err, candidate)
      if (await fs.access(candidate).then(() => true, () => false)) continue
      await fs.rename(temp, candidate).catch((e) => { throw writeError(e, candidate) })
      return candidate
    }
    await fs.rm(temp, { force: true })
    return candidate
  }
  throw fail('FILE_WRITE_FAILED', `more than 1000 files named like ${place.name} in ${place.dir}`)
}

function writeError (err: unknown, where: string): unknown {
  const mapped = fromSystemError(err, `cannot write in ${where}`)
  if (mapped !== err) return mapped
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return fail('FILE_NOT_FOUND', `${where} does not exist`, err)
  return fail('FILE_WRITE_FAILED', `${where} (${code ?? (err as Error).message})`, err)
}
