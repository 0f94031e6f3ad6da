/**
 * Writing a bundle: every member log this home holds in a room, as Hypercore proofs an
 * empty core can verify in order (the first proof of each log carries its signed length and
 * manifest), sealed with the room's bundle key. With `since`, a log's blocks below the
 * length the previous bundle covered are left out. The file appears only once complete:
 * it is written beside its target and renamed.
 */
import { randomBytes } from 'node:crypto'
import { open, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { fail } from '../errors/index.js'
import type { MemberLog } from '../log/member-log.js'
import type { Room } from '../room/index.js'
import type { Tamtam } from '../tamtam.js'
import { ChunkSealer } from './chunks.js'
import { bundleKeys, BUNDLE_ID_BYTES, encodeHeader, MAX_BUNDLE_BYTES, MAX_BUNDLE_CORES } from './format.js'
import { endFrame, indexFrame, proofFrame, type CoreEntry } from './frames.js'
import { Progress, type ProgressListener } from './progress.js'
import { manifestOf, provable, type ProvableCore } from './proofs.js'
import { readBundleIndex } from './reader.js'
import { NodePlanner } from './tree.js'

/** Options of exportBundle. */
export interface ExportOptions {
  /** A previous bundle of the room: blocks it covered are left out. */
  since?: string
  onProgress?: ProgressListener
  onWarning?: (message: string) => void
}

/** What exportBundle wrote. */
export interface ExportResult {
  room: string
  file: string
  /** Random id of the bundle (hex), also in its header. */
  bundle: string
  /** Member logs with at least one block in the bundle. */
  cores: number
  blocks: number
  bytes: number
  since?: string
  ms: number
}

/** One log to write: its index entry, its session and the runs of blocks it holds. */
interface PlannedCore { entry: CoreEntry, core: ProvableCore | null, runs: Array<[number, number]> }

/** Write a bundle of `room` to `file` (replaced if it exists). */
export async function exportBundle (tt: Tamtam, room: Room, file: string, opts: ExportOptions = {}): Promise<ExportResult> {
  const started = Date.now()
  const warn = opts.onWarning ?? (() => {})
  const covered = opts.since === undefined ? new Map<string, number>() : await previousLengths(opts.since, room)
  const logs = await tt.logs(room)
  const planned = await plan(logs.list(), covered, warn)
  const blocks = planned.reduce((sum, p) => sum + p.entry.blocks, 0)
  const id = randomBytes(BUNDLE_ID_BYTES)
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${id.toString('hex')}.part`)
  const bytes = await writeFile(temp, async (sealer) => {
    await sealer.write(indexFrame({ room: room.keys.id, id, createdAt: tt.clock(), cores: planned.map((p) => p.entry) }))
    const progress = new Progress('export', blocks, opts.onProgress)
    for (const [position, p] of planned.entries()) await writeCore(sealer, position, p, progress)
    await sealer.write(endFrame({ cores: planned.length, blocks }))
    progress.finish()
  }, bundleKeys(room), id)
  try {
    await rename(temp, file)
  } catch (err) {
    await rm(temp, { force: true })
    throw fail('FILE_WRITE_FAILED', file, err)
  }
  const cores = planned.filter((p) => p.entry.blocks > 0).length
  return { room: room.name, file, bundle: id.toString('hex'), cores, blocks, bytes, ...(opts.since === undefined ? {} : { since: opts.since }), ms: Date.now() - started }
}

/** The lengths a previous bundle covered, per log key (hex). */
async function previousLengths (since: string, room: Room): Promise<Map<string, number>> {
  const index = await readBundleIndex(since, room)
  return new Map(index.cores.map((e) => [e.key.toString('hex'), e.length]))
}

/** Decide what each log contributes. Logs only the previous bundle knew are carried forward, empty. */
async function plan (logs: MemberLog[], covered: Map<string, number>, warn: (message: string) => void): Promise<PlannedCore[]> {
  const planned: PlannedCore[] = []
  const seen = new Set<string>()
  for (const log of logs) {
    const core = provable(log.core)
    seen.add(log.key)
    if (core.fork !== 0) {
      warn(`log ${log.key.slice(0, 8)} was truncated (fork ${core.fork}); bundles carry only logs never truncated, so it is left out`)
      continue
    }
    // The length is read once: a log that grows meanwhile is carried up to here.
    const length = core.length
    const previous = covered.get(log.key) ?? 0
    const start = Math.min(previous, length)
    const runs = await heldRuns(core, start, length)
    const blocks = runs.reduce((sum, [, n]) => sum + n, 0)
    if (blocks > 0) planned.push({ entry: { key: core.key, length, start, blocks }, core, runs })
    else if (previous > 0) planned.push({ entry: { key: core.key, length: previous, start: previous, blocks: 0 }, core: null, runs: [] })
  }
  for (const [hex, length] of covered) {
    if (!seen.has(hex)) planned.push({ entry: { key: Buffer.from(hex, 'hex'), length, start: length, blocks: 0 }, core: null, runs: [] })
  }
  if (planned.length > MAX_BUNDLE_CORES) {
    warn(`the room has ${planned.length} member logs; a bundle carries at most ${MAX_BUNDLE_CORES}, the rest are left out`)
    planned.length = MAX_BUNDLE_CORES
  }
  return planned
}

/** The blocks of [start, end) held here, as [first, count] runs. */
async function heldRuns (core: ProvableCore, start: number, end: number): Promise<Array<[number, number]>> {
  const runs: Array<[number, number]> = []
  const contiguous = core.writable ? end : Math.min(end, core.contiguousLength)
  if (contiguous > start) runs.push([start, contiguous - start])
  for (let i = Math.max(start, contiguous); i < end; i++) {
    if (!await core.has(i)) continue
    const last = runs[runs.length - 1]
    if (last !== undefined && last[0] + last[1] === i) last[1]++
    else runs.push([i, 1])
  }
  return runs
}

/** The proofs of one log, in increasing block order. */
async function writeCore (sealer: ChunkSealer, position: number, p: PlannedCore, progress: Progress): Promise<void> {
  if (p.core === null || p.entry.blocks === 0) return
  const core = p.core
  const planner = new NodePlanner(p.entry.length)
  let first = true
  for (const [start, count] of p.runs) {
    for (let index = start; index < start + count; index++) {
      const nodes = planner.next(index)
      const proof = first
        ? await core.proof({ block: { index, nodes: 0 }, upgrade: { start: 0, length: p.entry.length } })
        : await core.proof({ block: { index, nodes } })
      if (first) proof.manifest = manifestOf(core)
      first = false
      await sealer.write(proofFrame(position, proof))
      progress.add(1)
    }
  }
}

/** Write header and sealed body to `temp`; returns the file size. Removes `temp` on failure. */
async function writeFile (temp: string, body: (sealer: ChunkSealer) => Promise<void>, keys: ReturnType<typeof bundleKeys>, id: Buffer): Promise<number> {
  let handle
  try {
    handle = await open(temp, 'w', 0o600)
  } catch (err) {
    throw fail('FILE_WRITE_FAILED', path.dirname(temp), err)
  }
  const header = encodeHeader(keys, id)
  let size = 0
  const append = async (bytes: Buffer): Promise<void> => {
    size += bytes.length
    if (size > MAX_BUNDLE_BYTES) throw fail('BUNDLE_TOO_LARGE', `over ${MAX_BUNDLE_BYTES} bytes`)
    try {
      await handle.write(bytes)
    } catch (err) {
      throw fail('FILE_WRITE_FAILED', temp, err)
    }
  }
  try {
    await append(header)
    const sealer = new ChunkSealer(keys.seal, id, append)
    await body(sealer)
    await sealer.end()
    await handle.sync()
    await handle.close()
    return size
  } catch (err) {
    await handle.close().catch(() => {})
    await rm(temp, { force: true })
    throw err
  }
}
