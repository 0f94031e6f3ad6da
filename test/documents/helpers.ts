/**
 * One-line helpers for the document tests: files of random bytes, their sha256, and the
 * document commands run as a real process (test/documents/fixtures/docs-cli.mjs, or the
 * real launcher with TAMTAM_DOCS_BIN=1), locally or inside a namespace host.
 */
import { createHash, randomBytes } from 'node:crypto'
import { execFile, type ChildProcess } from 'node:child_process'
import { createReadStream, promises as fs } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { BIN, childEnv, type CliResult } from '../helpers/cli.js'
import type { Lan } from '../helpers/lan.js'

/** The program that runs document commands in these tests: the real launcher. */
export const DOCS_CLI = BIN

/** Write `bytes` random bytes to `dir/name`; returns the path and its sha256. */
export async function randomFile (dir: string, name: string, bytes: number): Promise<{ file: string, sha256: string }> {
  const file = path.join(dir, name)
  const hash = createHash('sha256')
  const handle = await fs.open(file, 'w')
  try {
    for (let left = bytes; left > 0; left -= 1024 * 1024) {
      const chunk = randomBytes(Math.min(left, 1024 * 1024))
      hash.update(chunk)
      await handle.write(chunk)
    }
  } finally {
    await handle.close()
  }
  return { file, sha256: hash.digest('hex') }
}

/** The sha256 of a file, hex. */
export async function sha256File (file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Every entry of a dir, recursively, relative to it, sorted. */
export async function tree (dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true })
  return entries.map(String).sort()
}

/** Run a document command to completion in the root namespace (no network needed). */
export async function docsCli (home: string, args: string[], timeout = 60_000): Promise<CliResult> {
  return await new Promise((resolve) => {
    execFile(process.execPath, [DOCS_CLI, '--home', home, ...args], { env: childEnv(), timeout, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1
      resolve({ code, stdout: String(stdout), stderr: String(stderr) })
    })
  })
}

/** Run a document command inside a namespace host (its network is the host's). */
export async function docsCliOn (lan: Lan, host: string, home: string, args: string[], timeout = 120_000): Promise<CliResult> {
  const r = await lan.exec(host, [process.execPath, DOCS_CLI, '--home', home, ...args], { timeout, env: childEnv() })
  return { code: r.code ?? 1, stdout: r.stdout, stderr: r.stderr }
}

/** Start a document command inside a namespace host without waiting for it. */
export function spawnDocsCliOn (lan: Lan, host: string, home: string, args: string[]): ChildProcess {
  return lan.spawn(host, [process.execPath, DOCS_CLI, '--home', home, ...args], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
}

/**
 * The documents of room "atelier" as a home lists them, by id. A failed command throws: an
 * empty map must mean "no documents", never "the command broke".
 */
export async function docsOf (home: string): Promise<Map<string, Record<string, any>>> {
  const r = await docsCli(home, ['--json', 'docs', 'atelier'])
  if (r.code !== 0) throw new Error(`docs failed (${r.code}): ${r.stderr}`)
  return new Map((JSON.parse(r.stdout) as Array<Record<string, any>>).map((d) => [d.id, d]))
}

/** Parse JSON lines (skipping blank ones). */
export function jsonLines (text: string): Array<Record<string, any>> {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l))
}

/** The error a --json command printed on stderr. */
export function jsonError (r: CliResult): { code: string, message: string, hint: string } | null {
  const line = r.stderr.split('\n').find((l) => l.startsWith('{"error"'))
  return line === undefined ? null : JSON.parse(line).error
}
