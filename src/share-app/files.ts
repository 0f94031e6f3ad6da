/**
 * The files of a runnable tamtam: the built app (package.json, lockfile, bin/, dist/, the
 * READMEs and docs/ while small) and its production dependencies, found the way Node itself finds
 * them (a `node_modules` folder in the requiring package or above it, never above the
 * root), so no npm and no registry is needed, and a copy that was itself received can be
 * passed on. Native prebuilds are kept for this platform only: other platforms' binaries
 * are most of the weight (rocksdb-native alone ships 160 MB of them) and useless here.
 */
import { existsSync, readdirSync, statSync, type Stats } from 'node:fs'
import path from 'node:path'
import { fail } from '../errors/index.js'
import { readAppInfo, readManifest } from './root.js'

/** One file to pack, by its path relative to the root (always with `/`). */
export interface AppFile { path: string, size: number, mtimeMs: number }

/** A package with a compiled part, and the binary that Node will load on this platform. */
export interface NativePart { name: string, file: string }

/** What {@link collectAppFiles} found. */
export interface AppFiles {
  root: string
  version: string
  nodeRange: string
  /** The platform the native parts are for, e.g. `linux-x64`. */
  target: string
  files: AppFile[]
  /** Package folders included, relative to the root (e.g. `node_modules/hypercore`). */
  packages: string[]
  native: NativePart[]
  /** Sum of the file sizes, before compression. */
  bytes: number
}

/** Which platform to collect for; the defaults are this process's, the only ones that can run here. */
export interface CollectOptions { platform?: string, arch?: string }

/** Top-level files of the app worth carrying: manifests, READMEs, licences. */
const TOP_FILES = /^(package\.json|package-lock\.json|(README|LISEZMOI|LICEN[CS]E|COPYING|NOTICE)([.-].*)?)$/i
/** Folders of the app (the built phone page too, for `up --web`); dist/bench and dist/test are for developers only. */
const TOP_DIRS = ['bin', 'dist', 'web/dist']
const SKIP_IN_DIST = new Set(['dist/bench', 'dist/test'])
/** docs/ goes in while it is small: it helps, but must not weigh on a slow Wi-Fi. */
const DOCS_MAX_BYTES = 4 * 1024 * 1024
/** What must exist, or the copy would not start. */
const REQUIRED = ['package.json', 'bin/tamtam.js', 'dist/cli/main.js']
/** Deepest folder nesting walked, against symlink loops. */
const MAX_DEPTH = 40

/** Every file needed to run tamtam from `root` on this platform, sorted by path. */
export function collectAppFiles (root: string, opts: CollectOptions = {}): AppFiles {
  const info = readAppInfo(root)
  for (const rel of REQUIRED) {
    if (!existsSync(path.join(root, rel))) throw fail('APP_INCOMPLETE', `${rel} is missing in ${root}${rel.startsWith('dist') ? ' (not built: run `npm run build`)' : ''}`)
  }
  const target = `${opts.platform ?? process.platform}-${opts.arch ?? process.arch}`
  const files: AppFile[] = []
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (TOP_FILES.test(entry.name) && statOrNull(path.join(root, entry.name))?.isFile() === true) files.push(fileOf(root, entry.name))
  }
  for (const dir of TOP_DIRS) walk(root, dir, (rel) => !SKIP_IN_DIST.has(rel), files)
  const docs: AppFile[] = []
  walk(root, 'docs', () => true, docs)
  if (docs.reduce((sum, f) => sum + f.size, 0) <= DOCS_MAX_BYTES) files.push(...docs)
  const packages: string[] = []
  const native: NativePart[] = []
  const missing: string[] = []
  for (const dir of productionPackages(root, [...info.dependencies], [...info.optionalDependencies])) {
    const rel = toPosix(path.relative(root, dir))
    packages.push(rel)
    const own: AppFile[] = []
    walk(root, rel, (sub) => keepInPackage(sub.slice(rel.length + 1), target), own)
    files.push(...own)
    const part = nativePart(root, rel, own)
    if (part === 'missing') missing.push(path.basename(rel))
    else if (part !== null) native.push(part)
  }
  if (missing.length > 0) throw fail('APP_INCOMPLETE', `no prebuilt binary for ${target} in ${missing.join(', ')}`)
  files.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
  return { root, version: info.version, nodeRange: info.nodeRange, target, files, packages: packages.sort(), native, bytes: files.reduce((sum, f) => sum + f.size, 0) }
}

/**
 * The folders of every production dependency, transitively: `dependencies` must be found,
 * `optionalDependencies` and `peerDependencies` are taken when installed. Throws
 * APP_INCOMPLETE when a required one is missing, as the copy would then fail to start.
 */
export function productionPackages (root: string, required: string[], optional: string[] = []): string[] {
  const found = new Set<string>()
  const queue = [...required.map((name) => ({ name, from: root, needed: true })), ...optional.map((name) => ({ name, from: root, needed: false }))]
  while (queue.length > 0) {
    const { name, from, needed } = queue.shift()!
    const dir = resolvePackage(name, from, root)
    if (dir === null) {
      if (needed) throw fail('APP_INCOMPLETE', `the dependency ${name} (needed by ${from === root ? 'tamtam' : path.basename(from)}) is not installed: run \`npm ci\``)
      continue
    }
    if (found.has(dir)) continue
    found.add(dir)
    const pkg = readManifest(path.join(dir, 'package.json'))
    for (const dep of Object.keys(pkg.dependencies as object ?? {})) queue.push({ name: dep, from: dir, needed: true })
    for (const field of ['optionalDependencies', 'peerDependencies']) {
      for (const dep of Object.keys(pkg[field] as object ?? {})) queue.push({ name: dep, from: dir, needed: false })
    }
  }
  return [...found]
}

/** Node's lookup: `node_modules/NAME` in `from` and each folder above it, up to `root`. */
export function resolvePackage (name: string, from: string, root: string): string | null {
  let dir = from
  for (let i = 0; i < MAX_DEPTH; i++) {
    if (path.basename(dir) !== 'node_modules') {
      const candidate = path.join(dir, 'node_modules', name)
      if (existsSync(path.join(candidate, 'package.json'))) return candidate
    }
    if (dir === root) return null
    const parent = path.dirname(dir)
    if (parent === dir || path.relative(root, parent).startsWith('..')) return null
    dir = parent
  }
  return null
}

/**
 * Whether a file of a package goes in: not its own node_modules (nested dependencies are
 * collected on their own), and of its `prebuilds/`, only this platform's Node binaries
 * (`.bare` files are for the Bare runtime; `linux-x64-musl` and the like are kept).
 */
function keepInPackage (inner: string, target: string): boolean {
  if (inner === 'node_modules' || inner.startsWith('node_modules/')) return false
  if (!inner.startsWith('prebuilds/')) return true
  const platform = inner.split('/')[1] ?? ''
  if (platform !== target && !platform.startsWith(`${target}-`)) return false
  return !inner.endsWith('.bare')
}

/** The native part of a package: its binary for this platform, null if it has none, 'missing' if it needs one. */
function nativePart (root: string, rel: string, kept: AppFile[]): NativePart | 'missing' | null {
  const name = String(readManifest(path.join(root, rel, 'package.json')).name ?? path.basename(rel))
  const binary = kept.find((f) => f.path.endsWith('.node') && (f.path.startsWith(`${rel}/prebuilds/`) || f.path.startsWith(`${rel}/build/Release/`)))
  if (binary !== undefined) return { name, file: binary.path }
  const prebuilds = path.join(root, rel, 'prebuilds')
  const hasNodeBinaries = existsSync(prebuilds) && readdirSync(prebuilds, { recursive: true }).some((f) => String(f).endsWith('.node'))
  return hasNodeBinaries || existsSync(path.join(root, rel, 'binding.gyp')) ? 'missing' : null
}

/** Add every file under `rel` (following symlinks, as tar will) whose path `keep` accepts. */
function walk (root: string, rel: string, keep: (rel: string) => boolean, into: AppFile[], depth = 0): void {
  if (depth > MAX_DEPTH || !keep(rel)) return
  const stat = statOrNull(path.join(root, rel))
  if (stat === null) return
  if (stat.isFile()) {
    into.push({ path: rel, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs) })
    return
  }
  if (!stat.isDirectory()) return
  for (const name of readdirSync(path.join(root, rel)).sort()) walk(root, `${rel}/${name}`, keep, into, depth + 1)
}

function fileOf (root: string, rel: string): AppFile {
  const stat = statSync(path.join(root, rel))
  return { path: rel, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs) }
}

/** stat that follows symlinks; null for a broken link or a file that vanished. */
function statOrNull (file: string): Stats | null {
  try {
    return statSync(file)
  } catch {
    return null
  }
}

const toPosix = (p: string): string => p.split(path.sep).join('/')
