/**
 * Disk full (issue 8, item 6): a home on a small tmpfs is filled with messages until a
 * send fails. The failure must be a TamtamError with the stable code STORAGE_FULL, every
 * message acknowledged before it must still be there, the store must open again, and
 * sending must work again once space is freed.
 */
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { isTamtamError } from '../../src/errors/index.js'
import { Tamtam } from '../../src/tamtam.js'
import { cli } from '../helpers/cli.js'
import { eventually, tempDir } from '../helpers/peers.js'
import { createLan, skipUnlessLan } from '../helpers/lan.js'
import { requirePrerequisite } from '../helpers/prereq.js'
import { makeHome, startNode, tamtam, texts } from '../helpers/lan-nodes.js'

/** Mount a tmpfs of `size` on `dir`; an error message when that is impossible here. */
function mountTmpfs (dir: string, size: string): string | null {
  if (process.platform !== 'linux') return 'tmpfs mounts need Linux'
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root'
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' })
    return null
  } catch (err) {
    return `mount -t tmpfs failed: ${String((err as { stderr?: unknown }).stderr ?? err).trim()}`
  }
}

function unmount (dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' })
  } catch {
    try { execFileSync('umount', ['-l', dir], { stdio: 'pipe' }) } catch {}
  }
}

t.test('a full disk gives STORAGE_FULL, loses nothing, and work resumes once space frees', async (t) => {
  const mnt = path.join(tempDir(t, 'tamtam-diskfull-'), 'mnt')
  mkdirSync(mnt)
  const why = mountTmpfs(mnt, '8m')
  if (!requirePrerequisite(t, 'a tmpfs mount', why)) return
  // Registered after tempDir's teardown, so it runs first: unmount, then remove the dir.
  t.teardown(() => unmount(mnt))

  // A filler written before the home, deleted later to free space.
  const filler = path.join(mnt, 'filler')
  writeFileSync(filler, Buffer.alloc(2 * 1024 * 1024, 0x61))
  const home = path.join(mnt, 'home')

  const tt = new Tamtam({ home })
  let ttClosed = false
  t.teardown(async () => { if (!ttClosed) await tt.close().catch(() => {}) })
  await tt.init('Plein')
  const { room } = await tt.createRoom('r')

  // Fill the disk in batches of concurrent sends; keep every acknowledged seq and its text.
  const acked = new Map<number, string>()
  const body = 'x'.repeat(1000)
  const BATCH = 10
  let failure: unknown = null
  let n = 0
  while (failure === null && n < 50_000) {
    const results = await Promise.allSettled(Array.from({ length: BATCH }, async (_, i) => {
      const text = `m${n + i} ${body}`
      const { seq } = await tt.send(room, text)
      acked.set(seq, text)
    }))
    for (const r of results) if (r.status === 'rejected' && failure === null) failure = r.reason
    n += BATCH
  }
  t.not(failure, null, 'the disk filled up before 50k messages')
  const code = (failure as { code?: unknown })?.code
  t.ok(isTamtamError(failure, 'STORAGE_FULL'), `the send failed with a TamtamError STORAGE_FULL (got ${String((failure as Error)?.name)} ${String(code)}: ${String((failure as Error)?.message)})`)
  t.match(String((failure as Error)?.message), /disk is full/, 'with a message a person understands')

  // Still full: the same open home either refuses cleanly with the same code, or (when
  // storage reclaimed some space after the failure) accepts it, and then must keep it like
  // any other acknowledged message. Anything else fails.
  const again = await tt.send(room, 'still full').then((sent) => sent, (err: unknown) => err)
  if (isTamtamError(again, 'STORAGE_FULL')) t.pass('a second send while full fails with STORAGE_FULL as well')
  else if (typeof (again as { seq?: unknown })?.seq === 'number') acked.set((again as { seq: number }).seq, 'still full')
  else t.fail(`a second send while full either fails with STORAGE_FULL or is acknowledged (got ${String((again as Error)?.name)} ${String((again as { code?: unknown })?.code)}: ${String((again as Error)?.message)})`)
  await tt.close()
  ttClosed = true

  // A separate process while the disk is still full: exit 1 with STORAGE_FULL, no crash; or
  // exit 0 (reopening lets RocksDB reuse the space its failed write-ahead log had taken),
  // and then the message must be in the log below.
  const full = await cli(['--home', home, 'send', 'r', 'cli while full'])
  t.ok(full.code === 0 || (full.code === 1 && /STORAGE_FULL/.test(full.stderr)), `the CLI while the disk is full exits 1 with STORAGE_FULL, or 0 (exit ${full.code}: ${full.stderr.trim()})`)
  if (full.code === 0) t.comment('disk-full: a fresh CLI send still fitted after the failure (RocksDB reclaimed its log on reopen)')

  // The store opens, and every acknowledged message is there, unchanged.
  const check = new Tamtam({ home })
  await check.open()
  const logs = await check.logs(check.rooms.resolve('r'))
  let kept = 0
  const missing: number[] = []
  for (const [seq, text] of acked) {
    const entry = await logs.own.read(seq)
    if (entry !== null && (entry.record as { text?: string }).text === text) kept++
    else missing.push(seq)
  }
  await check.close()
  t.equal(kept, acked.size, `every acknowledged message is kept (missing seqs: ${missing.slice(0, 10).join(',')})`)
  t.doesNotThrow(() => JSON.parse(readFileSync(path.join(home, 'rooms.json'), 'utf8')), 'rooms.json still parses')
  t.doesNotThrow(() => JSON.parse(readFileSync(path.join(home, 'identity.json'), 'utf8')), 'identity.json still parses')

  // Free space: sending works again, through the CLI and through the library.
  rmSync(filler)
  const resumed = await cli(['--home', home, 'send', 'r', 'after freeing space'])
  t.equal(resumed.code, 0, `the CLI sends again once space is freed: ${resumed.stderr.trim()}`)
  const after = new Tamtam({ home })
  await after.open()
  const r = after.rooms.resolve('r')
  const sent = await after.send(r, 'library after freeing space')
  t.ok(sent.seq > 0, 'the library sends again once space is freed')
  // Read the whole own log in process: `tamtam log --json --all` into a pipe is cut at
  // 64 KiB today (cli/main.ts exits before stdout drains), which would hide what we check.
  const own = (await after.logs(r)).own
  const texts: string[] = []
  for (let seq = 1; seq < own.core.length; seq++) {
    const entry = await own.read(seq)
    if (entry !== null) texts.push(String((entry.record as { text?: string }).text ?? ''))
  }
  await after.close()
  t.ok(texts.includes('after freeing space') && texts.includes('library after freeing space'), 'both new messages are in the log')
  t.equal(texts.includes('cli while full'), full.code === 0, full.code === 0 ? 'the CLI send acknowledged while full is in the log' : 'the CLI send refused while full is not in the log')
  const old = texts.filter((x) => /^m\d+ /.test(x))
  t.equal(old.length, [...acked.values()].filter((x) => /^m\d+ /.test(x)).length, 'the old ones are all still there')
  t.equal(new Set(old).size, old.length, 'once each')

  t.comment(`disk-full: failed with ${String(code)} after ${acked.size} messages; ${kept} kept; resumed after freeing space`)
})

t.test('a running node whose disk fills keeps serving, and resumes without a restart once space frees', async (t) => {
  if (!skipUnlessLan(t)) return
  const mnt = path.join(tempDir(t, 'tamtam-diskfull-node-'), 'mnt')
  mkdirSync(mnt)
  const why = mountTmpfs(mnt, '16m')
  if (!requirePrerequisite(t, 'a tmpfs mount', why)) return
  t.teardown(() => unmount(mnt))
  const lan = await createLan({ segments: { wifi: ['a', 'b'] } })
  t.teardown(() => lan.destroy())
  const a = await makeHome(mnt, 'a')
  const b = await makeHome(tempDir(t), 'b')
  const { invite } = JSON.parse(await tamtam(a, 'room', 'create', 'atelier', '--json'))
  await tamtam(b, 'room', 'join', invite)
  const [nodeA, nodeB] = await Promise.all([startNode(lan, 'a', a), startNode(lan, 'b', b)])
  await tamtam(a, 'send', 'atelier', 'avant')
  t.ok(await eventually(async () => (await texts(b, 'atelier')).includes('avant'), 10_000, 100), 'B has A\'s first message')

  // Fill every byte left on A's disk with a filler file.
  const filler = path.join(mnt, 'filler')
  const chunk = Buffer.alloc(64 * 1024, 0x61)
  let filled = 0
  try {
    for (let i = 0; i < 1024; i++) { appendFileSync(filler, chunk); filled += chunk.length }
  } catch (err) {
    t.equal((err as NodeJS.ErrnoException).code, 'ENOSPC', `the filler took the last ${Math.round(filled / 1024)} KiB`)
  }
  let full: Awaited<ReturnType<typeof cli>> | null = null
  for (let i = 0; i < 50 && full === null; i++) {
    const r = await nodeA.run('send', 'atelier', `pendant ${i} ${'x'.repeat(4000)}`)
    if (r.code !== 0) full = r
  }
  t.ok(full !== null, 'a send through the running node fails once the disk is full')
  t.match(full?.stderr ?? '', /STORAGE_FULL/, `with STORAGE_FULL: ${(full?.stderr ?? '').trim()}`)
  t.equal(nodeA.child.exitCode, null, 'the node is still running')

  rmSync(filler)
  const resumed = await nodeA.run('send', 'atelier', 'après')
  t.equal(resumed.code, 0, `the same node sends again once space is freed, no restart: ${resumed.stderr.trim()}`)
  t.ok(await eventually(async () => (await texts(b, 'atelier')).includes('après'), 15_000, 100), 'and B receives it: the node reconnected after reopening its store')
  const atA = await texts(a, 'atelier')
  t.ok(atA.includes('avant') && atA.includes('après'), 'A still has the message from before the disk filled')
  for (const node of [nodeA, nodeB]) t.equal(await node.stop(), 0, `${node.host} stops cleanly`)
  t.comment('disk-full: running node answered STORAGE_FULL, stayed up, and resumed sending and syncing after space was freed, without a restart')
})
