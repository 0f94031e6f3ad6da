/**
 * Homes for the `lock` suite (issue 21): one base home (a room of 100,000 messages and one
 * of 10) copied into an unlocked, a locked and a cheaply locked home that differ only in
 * their lock, and a panic template (the base plus 1 GiB of documents of random bytes,
 * locked) that each panic run copies with `cp -a` before wiping the copy.
 */
import { randomBytes } from 'node:crypto'
import { execFile } from 'node:child_process'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { Documents } from '../../src/documents/documents.js'
import type { MemberLog } from '../../src/log/member-log.js'
import { Tamtam } from '../../src/tamtam.js'
import { kdfDefaults, setLock } from '../../src/vault/index.js'
import { forgetHomeKey } from '../../src/vault/keyring.js'
import { message } from '../suites/foundation.js'
import { runNode, type BenchContext } from './measure.js'

/** The passphrase of every locked bench home (given on stdin, TAMTAM_PASSPHRASE_FD=0). */
export const PASS = 'la clé du puits, banc de mesure'

/** What a locked CLI run needs: the descriptor variable and the line on stdin. */
export const PASS_INPUT = { env: { TAMTAM_PASSPHRASE_FD: '0' }, input: `${PASS}\n` }

export const BIG_ROOM = 100_000
export const SMALL_ROOM = 10
/** The cheap lock: the smallest scrypt N lock.json accepts, so its derivation is about 1 ms. */
export const CHEAP_N = 2 ** 10
const BATCH = 1_000

/**
 * Run `cp -a src dst` (dst must not exist), bounded. The copy's store/CORESTORE is then
 * removed: that device file records its inode, so the store refuses to open a copy ("was
 * modified") until a new one is made, which its first open does.
 */
export async function copyHome (src: string, dst: string, timeoutMs = 120_000): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    execFile('cp', ['-a', src, dst], { timeout: timeoutMs }, (err) => { if (err === null) resolve(); else reject(err) })
  })
  await fs.rm(path.join(dst, 'store', 'CORESTORE'), { force: true })
}

/** Lock `home` with PASS and scrypt N = `n` (the rest as kdfDefaults); the key leaves this process's memory. */
export async function lockHome (home: string, n: number): Promise<void> {
  const saved = kdfDefaults.N
  kdfDefaults.N = n
  try {
    await setLock(home, PASS)
  } finally {
    kdfDefaults.N = saved
    forgetHomeKey(home)
  }
}

/** Append `count` ~200-byte messages to `log` in batches. */
async function fill (log: MemberLog, count: number): Promise<void> {
  for (let i = 0; i < count; i += BATCH) await log.append(Array.from({ length: Math.min(BATCH, count - i) }, (_, j) => message(i + j)))
}

/**
 * The base home: rooms 'big' and 'small', closed, then read once by `tamtam log` so the
 * one-off nickname index is built before it is copied (every copy starts alike).
 */
export async function buildBase (ctx: BenchContext, home: string): Promise<void> {
  const tt = new Tamtam({ home })
  try {
    await tt.init('bench')
    await fill((await tt.logs((await tt.createRoom('big')).room)).own, BIG_ROOM)
    await fill((await tt.logs((await tt.createRoom('small')).room)).own, SMALL_ROOM)
  } finally {
    await tt.close()
  }
  const bin = path.join(ctx.root, 'bin', 'tamtam.js')
  for (const room of ['big', 'small']) await runNode([bin, '--home', home, 'log', room, '--json', '--limit', '40'], { cwd: ctx.root, timeoutMs: 120_000 })
}

/**
 * Share `count` documents of `bytes` random bytes each into room 'docs' of `home` (through
 * the library's Documents API, as `tamtam share` does). Each file is written to `scratch`,
 * shared, then deleted. Returns the bytes shared.
 */
export async function addDocuments (home: string, scratch: string, count: number, bytes: number, progress: (line: string) => void): Promise<number> {
  const tt = new Tamtam({ home })
  const docs = new Documents(tt)
  let total = 0
  try {
    await tt.open()
    const { room } = await tt.createRoom('docs')
    for (let i = 0; i < count; i++) {
      const file = path.join(scratch, `doc-${i}.bin`)
      const handle = await fs.open(file, 'w')
      try {
        // Random bytes, 4 MiB at a time: nothing in them compresses.
        for (let done = 0; done < bytes; done += 4 * 1024 * 1024) await handle.write(randomBytes(Math.min(4 * 1024 * 1024, bytes - done)))
      } finally {
        await handle.close()
      }
      total += (await docs.share(room, file)).size
      await fs.rm(file, { force: true })
      if ((i + 1) % 4 === 0) progress(`  shared ${i + 1} of ${count} documents`)
    }
  } finally {
    await docs.close()
    await tt.close()
  }
  return total
}

/** Apparent bytes under `dir` (du -sb), for the notes. */
export async function duBytes (dir: string): Promise<number> {
  return await new Promise((resolve, reject) => {
    execFile('du', ['-sb', dir], (err, stdout) => { if (err === null) resolve(Number(stdout.split('\t')[0])); else reject(err) })
  })
}
