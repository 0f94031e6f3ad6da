/**
 * Where the running tamtam is installed, and what it is: the folder holding its
 * package.json, found by walking up from this module. The same code runs from the source
 * tree (src/share-app, under tap), from the build (dist/src/share-app) and from a copy
 * extracted from a shared tarball, so a person who received tamtam can pass it on.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { fail } from '../errors/index.js'

/** The package name a root must carry, so a stray package.json above is never taken. */
export const APP_NAME = 'tamtam'

/** What share-app needs to know about the installation it shares. */
export interface AppInfo {
  /** Absolute path of the package root. */
  root: string
  version: string
  /** The Node.js range the package asks for (package.json `engines.node`), e.g. `>=20`. */
  nodeRange: string
  /** Runtime dependencies by name (package.json `dependencies` and `optionalDependencies`). */
  dependencies: string[]
  optionalDependencies: string[]
}

/** The package root above `from` (a file URL or path; default: this module). */
export function findAppRoot (from: string = import.meta.url): string {
  let dir = path.dirname(from.startsWith('file:') ? fileURLToPath(from) : path.resolve(from))
  for (let i = 0; i < 32; i++) {
    const manifest = path.join(dir, 'package.json')
    if (existsSync(manifest) && readManifest(manifest).name === APP_NAME) return dir
    const parent = path.dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  throw fail('APP_INCOMPLETE', `no ${APP_NAME} package.json above ${from}`)
}

/** Read the installation's package.json. */
export function readAppInfo (root: string): AppInfo {
  const pkg = readManifest(path.join(root, 'package.json'))
  if (pkg.name !== APP_NAME || typeof pkg.version !== 'string') throw fail('APP_INCOMPLETE', `${root} does not hold a ${APP_NAME} package.json`)
  const engines = pkg.engines as { node?: unknown } | undefined
  return {
    root,
    version: pkg.version,
    nodeRange: typeof engines?.node === 'string' ? engines.node : '>=20',
    dependencies: Object.keys(pkg.dependencies as object ?? {}),
    optionalDependencies: Object.keys(pkg.optionalDependencies as object ?? {})
  }
}

/** A package.json as plain fields; a damaged one is an incomplete installation. */
export function readManifest (file: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'))
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object')
    return value as Record<string, unknown>
  } catch (err) {
    throw fail('APP_INCOMPLETE', `cannot read ${file}`, err)
  }
}
