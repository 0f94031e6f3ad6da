/**
 * Write tamtam into a folder, for a USB stick or a shared drive: the same files the
 * server offers (index.html, the tarball, SHA256SUMS, LISEZMOI.txt, README.txt). The
 * tarball is read back after the copy and checked against its sha256, since cheap sticks
 * lose data silently.
 */
import { chmod, copyFile, mkdir, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fail, fromSystemError, isTamtamError } from '../errors/index.js'
import type { GuideLang } from './guide.js'
import { renderPage, renderText, sha256Sums, TEXT_GUIDES } from './page.js'
import { buildAppTarball, sha256File, type AppTarball, type BuildOptions } from './tarball.js'

/** Options of {@link writeAppFolder}; the build options are used when no tarball is given. */
export interface FolderOptions extends BuildOptions {
  /** Absolute path of the folder (created if needed; files of the same names are replaced). */
  dir: string
  /** Language shown first on the page; default French. */
  lang?: GuideLang
  /** A tarball already built (skips the build). */
  tarball?: AppTarball
}

/** What was written. */
export interface FolderResult {
  dir: string
  files: Array<{ name: string, size: number }>
  tarball: AppTarball
}

/** Write the files; rejects with FILE_WRITE_FAILED (or STORAGE_FULL) when the folder cannot take them. */
export async function writeAppFolder (opts: FolderOptions): Promise<FolderResult> {
  if (!path.isAbsolute(opts.dir)) throw fail('USAGE', 'the output folder must be an absolute path')
  const tarball = opts.tarball ?? await buildAppTarball(opts)
  const dir = opts.dir
  const texts: Array<[string, string]> = [
    ['index.html', renderPage(tarball, opts.lang ?? 'fr')],
    ['SHA256SUMS', sha256Sums(tarball)],
    [TEXT_GUIDES.fr, renderText(tarball, 'fr')],
    [TEXT_GUIDES.en, renderText(tarball, 'en')]
  ]
  try {
    const created = await mkdir(dir, { recursive: true })
    const target = path.join(dir, tarball.name)
    await copyFile(tarball.file, target)
    if (await sha256File(target) !== tarball.sha256) {
      await rm(target, { force: true })
      throw fail('FILE_WRITE_FAILED', `the copy of ${tarball.name} in ${dir} does not match its sha256 (a faulty disk or stick?)`)
    }
    for (const [name, text] of texts) await writeFile(path.join(dir, name), text)
    const names = [tarball.name, ...texts.map(([name]) => name)]
    await readableByAll(dir, created, names)
    const files = await Promise.all(names.map(async (name) => ({ name, size: (await stat(path.join(dir, name))).size })))
    return { dir, files, tarball }
  } catch (err) {
    if (isTamtamError(err)) throw err
    const mapped = fromSystemError(err, `writing to ${dir}`)
    throw isTamtamError(mapped) ? mapped : fail('FILE_WRITE_FAILED', `${dir}: ${(err as Error).message}`, err)
  }
}

/**
 * The folder is for other people (on a stick, perhaps formatted ext4): its files 0644 and
 * the folders created here 0755, whatever the umask (tamtam runs with 0077). Best effort:
 * FAT and exFAT have no modes.
 */
async function readableByAll (dir: string, created: string | undefined, names: string[]): Promise<void> {
  for (const name of names) await chmod(path.join(dir, name), 0o644).catch(() => {})
  if (created === undefined) return
  for (let d = dir; d.length >= created.length; d = path.dirname(d)) {
    await chmod(d, 0o755).catch(() => {})
    if (d === created || path.dirname(d) === d) break
  }
}
