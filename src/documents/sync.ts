/**
 * `docs sync ROOM DIR`: mirror every document of a room into a folder. Each document is
 * fetched and written like `get` (verified, safe names, numbered on collision). A small
 * manifest in the folder, `.tamtam-sync.json`, remembers which file holds which document,
 * so a second run fetches only what is new. One document failing does not stop the others.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { fail, isTamtamError } from '../errors/index.js'
import { readJson, writeJsonPrivate } from '../home/index.js'
import type { Room } from '../room/index.js'
import type { Documents } from './documents.js'
import type { ProgressEvent } from './progress.js'

/** File name of the manifest inside a mirrored folder. */
export const MANIFEST = '.tamtam-sync.json'
const MANIFEST_VERSION = 1

/** One mirrored document in the manifest. */
interface ManifestEntry { file: string, size: number, sha256: string }

/** What a sync did. */
export interface SyncResult {
  room: string
  dir: string
  fetched: Array<{ id: string, name: string, file: string, downloadedBytes: number }>
  upToDate: number
  skipped: Array<{ id: string, name: string, reason: string }>
  failed: Array<{ id: string, name: string, code: string, message: string }>
}

/** Mirror the room's documents into `dir` (created if missing). */
export async function syncRoom (docs: Documents, room: Room, dir: string, opts: { stallMs?: number, onProgress?: (e: ProgressEvent) => void, signal?: AbortSignal } = {}): Promise<SyncResult> {
  const target = path.resolve(dir)
  await fs.mkdir(target, { recursive: true }).catch((err) => { throw fail('FILE_WRITE_FAILED', `${target} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, err) })
  const manifestFile = path.join(target, MANIFEST)
  const manifest = await loadManifest(manifestFile, room)
  const result: SyncResult = { room: room.name, dir: target, fetched: [], upToDate: 0, skipped: [], failed: [] }
  for (const view of await docs.list(room)) {
    const known = manifest.files[view.id]
    if (known !== undefined && known.sha256 === view.sha256 && await sizeOf(path.join(target, known.file)) === known.size) {
      result.upToDate++
      continue
    }
    if (view.status === 'too-large' || view.status === 'bad' || view.status === 'invalid') {
      result.skipped.push({ id: view.id, name: view.name, reason: view.reason ?? view.status })
      continue
    }
    try {
      const got = await docs.get(room, view.id, { dir: target, stallMs: opts.stallMs, onProgress: opts.onProgress, signal: opts.signal })
      manifest.files[view.id] = { file: path.basename(got.file), size: got.size, sha256: got.sha256 }
      await writeJsonPrivate(manifestFile, manifest)
      result.fetched.push({ id: view.id, name: view.name, file: got.file, downloadedBytes: got.downloadedBytes })
    } catch (err) {
      if (!isTamtamError(err) || err.code === 'CLOSED' || err.code === 'STORAGE_FULL') throw err
      result.failed.push({ id: view.id, name: view.name, code: err.code, message: err.message })
    }
  }
  return result
}

async function loadManifest (file: string, room: Room): Promise<{ version: number, room: string, files: Record<string, ManifestEntry> }> {
  const raw = await readJson(file).catch(() => undefined) as { version?: unknown, room?: unknown, files?: unknown } | undefined
  const files: Record<string, ManifestEntry> = {}
  if (raw?.version === MANIFEST_VERSION && raw.room === room.id && typeof raw.files === 'object' && raw.files !== null) {
    for (const [id, e] of Object.entries(raw.files as Record<string, Partial<ManifestEntry>>)) {
      // Only a plain name inside the folder: a manifest edited to point elsewhere is ignored.
      if (typeof e?.file === 'string' && e.file === path.basename(e.file) && typeof e.size === 'number' && typeof e.sha256 === 'string') files[id] = { file: e.file, size: e.size, sha256: e.sha256 }
    }
  }
  return { version: MANIFEST_VERSION, room: room.id, files }
}

async function sizeOf (file: string): Promise<number | null> {
  const stat = await fs.stat(file).catch(() => null)
  return stat?.isFile() === true ? stat.size : null
}
