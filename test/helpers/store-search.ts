/**
 * Raw search of a store's files (RocksDB tables, write-ahead logs, manifests, info logs):
 * what someone who copies the disk reads, with no key. Tests look for names, identity keys
 * and block bytes that must not be there, and for a control marker that must be, so a
 * search that finds nothing is known to work.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'

/** Every regular file under `dir`, recursively. */
export function filesUnder (dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name)
    const stat = statSync(file)
    if (stat.isDirectory()) out.push(...filesUnder(file))
    else if (stat.isFile()) out.push(file)
  }
  return out
}

/** The labels of `needles` found in any file under `dir`, each with the file it was in. */
export function findInFiles (dir: string, needles: Record<string, Buffer>): string[] {
  const found: string[] = []
  const files = filesUnder(dir).map((f) => ({ f, bytes: readFileSync(f) }))
  for (const [label, needle] of Object.entries(needles)) {
    const hit = files.find(({ bytes }) => bytes.includes(needle))
    if (hit !== undefined) found.push(`${label} (${path.relative(dir, hit.f)})`)
  }
  return found
}

/** Needles for a text: as UTF-8. */
export const text = (s: string): Buffer => Buffer.from(s, 'utf8')
