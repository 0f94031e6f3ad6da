/**
 * Per-room document limits, kept in the room's settings (rooms.json) under `documents`:
 * the largest file that may be shared or fetched, the room's storage quota, and the size
 * under which the node fetches documents on its own. Sizes are bytes.
 */
import { fail } from '../errors/index.js'
import { documentLimitsIn, setDocumentLimits, type HasSettings } from '../room/settings.js'

/** The limits of one room. */
export interface DocumentLimits {
  /** Largest document shared or fetched; an announcement over it is never fetched. */
  maxFileBytes: number
  /** Most bytes of documents the room may hold here: ours plus what was fetched. */
  quotaBytes: number
  /** The node fetches documents smaller than this by itself (0 = never). */
  autoFetchBytes: number
}

const KiB = 1024
const MiB = 1024 * KiB
const GiB = 1024 * MiB

/** Defaults: 2 GiB per file, 10 GiB per room, auto-fetch under 1 MiB. */
export const DEFAULT_LIMITS: Readonly<DocumentLimits> = Object.freeze({ maxFileBytes: 2 * GiB, quotaBytes: 10 * GiB, autoFetchBytes: MiB })

const isSize = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

/** The limits in force for a room: its settings over the defaults (bad values are ignored). */
export function roomLimits (room: HasSettings): DocumentLimits {
  return { ...DEFAULT_LIMITS, ...documentLimitsIn(room) }
}

/** Change some limits of a room in memory; the caller saves the registry. Returns the new limits. */
export function applyLimits (room: HasSettings, patch: Partial<DocumentLimits>): DocumentLimits {
  const next = { ...roomLimits(room) }
  for (const key of ['maxFileBytes', 'quotaBytes', 'autoFetchBytes'] as const) {
    const value = patch[key]
    if (value === undefined) continue
    if (!isSize(value)) throw fail('USAGE', `${key} must be a size in bytes`)
    next[key] = value
  }
  setDocumentLimits(room, next)
  return next
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: KiB, kb: KiB, kib: KiB, m: MiB, mb: MiB, mib: MiB, g: GiB, gb: GiB, gib: GiB, t: 1024 * GiB, tb: 1024 * GiB, tib: 1024 * GiB }

/**
 * Parse a size such as `2G`, `500M`, `1.5 GB`, `100k` or `1048576`. Units are binary
 * (k = 1024), as `ls -h` and `du -h` show them.
 */
export function parseSize (value: unknown): number {
  if (typeof value === 'number' && isSize(value)) return value
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(String(value ?? ''))
  const unit = m === null ? undefined : UNITS[m[2].toLowerCase()]
  if (m === null || unit === undefined) throw fail('USAGE', `"${String(value)}" is not a size (examples: 500M, 2G, 1048576)`)
  const bytes = Math.round(Number(m[1]) * unit)
  if (!isSize(bytes)) throw fail('USAGE', `"${String(value)}" is too large`)
  return bytes
}

/** A size for people: 1.5 MiB, 20 KiB (one decimal under 10). */
export function formatBytes (bytes: number): string {
  if (!Number.isFinite(bytes)) return '?'
  if (bytes < KiB) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / KiB
  let i = 0
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024
    i++
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[i]}`
}

/** Default wait with nothing received before a fetch gives up. */
export const DEFAULT_STALL_MS = 30_000
