// Integrity and limits, between in-process peers on real stores: an announcement whose sha256
// does not match its bytes writes nothing and leaves nothing; over-limit documents are refused
// when shared and never fetched when announced; small documents are fetched by the node on its
// own, larger ones only when asked.
import t from 'tap'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { AutoFetcher, RoomBlobs, type DocView } from '../../src/documents/index.js'
import { isTamtamError } from '../../src/errors/index.js'
import { eventually, link, peer, tempDir, contextOf } from '../helpers/peers.js'
import { randomFile, tree } from './helpers.js'

const MiB = 1024 * 1024

async function pair (t: any): Promise<{ a: any, b: any }> {
  const a = await peer(t, 'Awa')
  const b = await peer(t, 'Moussa')
  const { invite } = await a.createRoom('atelier')
  await b.joinRoom(invite)
  await link(t, a, b)
  return { a, b }
}

const room = (tt: any): any => tt.rooms.resolve('atelier')

async function view (tt: any, id: string): Promise<DocView | undefined> {
  return (await (await contextOf(tt).documents()).list(room(tt))).find((d) => d.id === id)
}

async function known (tt: any, id: string): Promise<boolean> {
  return await eventually(async () => await view(tt, id) !== undefined, 10_000, 50)
}

/** Rejects with a TamtamError of `code`? */
async function code (p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'resolved'
  } catch (err) {
    return isTamtamError(err) ? err.code : `not a TamtamError: ${String(err)}`
  }
}

t.test('bad hash: error, nothing written at the target, the partial data discarded', async (t) => {
  const { a, b } = await pair(t)
  const dir = tempDir(t)
  // A writes real bytes and announces them with the sha256 of other bytes, as a broken or lying peer would.
  const { file } = await randomFile(dir, 'faux.pdf', 2 * MiB + 5)
  const rd = await (await contextOf(a).documents()).open(room(a))
  const stored = await rd.blobs.put(file)
  const [seq] = await rd.logs.own.append([{ type: 'doc', name: 'faux.pdf', size: stored.size, mime: 'application/pdf', sha256: 'ab'.repeat(32), blobs: rd.blobs.own.key.toString('hex'), blob: stored.blob }])
  const id = `${rd.logs.own.key.slice(0, 16)}.${seq}`
  t.ok(await known(b, id), 'B knows the announcement')

  const out = path.join(dir, 'out')
  await fs.mkdir(out)
  t.equal(await code((await contextOf(b).documents()).get(room(b), id, { dir: out, stallMs: 10_000 })), 'DOC_HASH_MISMATCH', 'get fails with DOC_HASH_MISMATCH')
  t.same(await tree(out), [], 'nothing at the target, no temp file')
  const exact = path.join(dir, 'exact.pdf')
  t.equal(await code((await contextOf(b).documents()).get(room(b), id, { output: exact, stallMs: 10_000 })), 'DOC_HASH_MISMATCH', 'with -o FILE too')
  await t.rejects(fs.stat(exact), 'the -o file was not created')

  const brd = await (await contextOf(b).documents()).open(room(b))
  const core = await brd.blobs.core(rd.blobs.own.key)
  t.equal(await core.count(stored.blob.blockOffset, stored.blob.blockOffset + stored.blob.blockLength), 0, 'the fetched blocks were dropped from B\'s store')
  const v = await view(b, id)
  t.equal(v?.status, 'bad', 'listed as bad')
  t.equal(v?.localBytes, 0, 'with nothing held')
  let downloaded = 0
  core.on('download', () => { downloaded++ })
  t.equal(await code((await contextOf(b).documents()).get(room(b), id, { dir: out, stallMs: 10_000 })), 'DOC_HASH_MISMATCH', 'a known-bad document fails at once')
  t.equal(downloaded, 0, 'without fetching it again')
})

t.test('limits: sharing over the per-file limit or the quota is refused with a clear code', async (t) => {
  const a = await peer(t, 'Awa')
  await a.createRoom('atelier')
  const dir = tempDir(t)
  const { file } = await randomFile(dir, 'gros.bin', 2 * MiB)
  await (await contextOf(a).documents()).setLimits(room(a), { maxFileBytes: MiB })
  t.equal(await code((await contextOf(a).documents()).share(room(a), file)), 'DOC_TOO_LARGE', 'over the per-file limit: DOC_TOO_LARGE')
  await (await contextOf(a).documents()).setLimits(room(a), { maxFileBytes: 10 * MiB, quotaBytes: 3 * MiB })
  await (await contextOf(a).documents()).share(room(a), file)
  t.equal(await code((await contextOf(a).documents()).share(room(a), file)), 'QUOTA_EXCEEDED', 'a second copy would pass the 3 MiB quota: QUOTA_EXCEEDED')
  t.equal((await (await contextOf(a).documents()).list(room(a))).length, 1, 'nothing was announced by the refused shares')
  t.equal(await code((await contextOf(a).documents()).share(room(a), path.join(dir, 'absent.pdf'))), 'FILE_NOT_FOUND', 'a missing file: FILE_NOT_FOUND')
  const saved = JSON.parse(await fs.readFile(a.paths.rooms, 'utf8')).rooms[0].settings.documents
  t.same(saved, { maxFileBytes: 10 * MiB, quotaBytes: 3 * MiB, autoFetchBytes: MiB }, 'limits are saved in rooms.json')
})

t.test('an announcement over the receiver\'s limit is never fetched, not even by the auto-fetcher', async (t) => {
  const { a, b } = await pair(t)
  await (await contextOf(b).documents()).setLimits(room(b), { maxFileBytes: MiB, autoFetchBytes: 8 * MiB })
  const fetcher = new AutoFetcher((await contextOf(b).documents()), { debounceMs: 20 })
  t.teardown(() => fetcher.stop())
  fetcher.start()
  const dir = tempDir(t)
  const { file } = await randomFile(dir, 'video.mp4', 2 * MiB)
  const shared = await (await contextOf(a).documents()).share(room(a), file)
  t.ok(await known(b, shared.id), 'B knows the announcement')
  t.equal(await code((await contextOf(b).documents()).get(room(b), shared.id, { dir, stallMs: 5000 })), 'DOC_TOO_LARGE', 'get refuses it: DOC_TOO_LARGE')
  await new Promise((resolve) => setTimeout(resolve, 1500))
  const v = await view(b, shared.id)
  t.equal(v?.status, 'too-large', 'listed as too-large')
  t.equal(v?.localBytes, 0, 'not one block was fetched')
})

t.test('sparse: a 100 KB document is auto-fetched, a 5 MB one only when asked', async (t) => {
  const { a, b } = await pair(t)
  const fetched: string[] = []
  const fetcher = new AutoFetcher((await contextOf(b).documents()), { debounceMs: 20 })
  t.teardown(() => fetcher.stop())
  fetcher.on('fetched', (e) => fetched.push(e.id))
  fetcher.start()
  const dir = tempDir(t)
  const big = await (await contextOf(a).documents()).share(room(a), (await randomFile(dir, 'gros.pdf', 5 * 1000 * 1000)).file)
  const small = await (await contextOf(a).documents()).share(room(a), (await randomFile(dir, 'petit.txt', 100 * 1000)).file)
  t.ok(await eventually(async () => (await view(b, small.id))?.status === 'complete', 10_000, 50), 'the 100 KB document is in B\'s store without asking')
  t.same(fetched, [small.id], 'the auto-fetcher reported it, verified')
  await new Promise((resolve) => setTimeout(resolve, 1000))
  const v = await view(b, big.id)
  t.equal(v?.status, 'remote', 'the 5 MB one is still remote')
  t.equal(v?.localBytes, 0, 'not one of its blocks was fetched')
  const got = await (await contextOf(b).documents()).get(room(b), big.id, { dir, output: path.join(dir, 'copie.pdf'), stallMs: 10_000 })
  t.equal(got.downloadedBytes, big.size, 'asked for, it arrives')
})

t.test('RoomBlobs: one core per member per room, named after the room', async (t) => {
  const a = await peer(t, 'Awa')
  await a.createRoom('un')
  await a.createRoom('deux')
  const store = await a.store()
  const one = await RoomBlobs.open(store, a.rooms.resolve('un'))
  const two = await RoomBlobs.open(store, a.rooms.resolve('deux'))
  t.notOk(one.own.key.equals(two.own.key), 'each room has its own blobs core')
  const logs = await a.logs(a.rooms.resolve('un'))
  t.notOk(one.own.key.equals(logs.own.core.key), 'distinct from the member log')
})
