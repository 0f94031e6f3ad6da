// Share and fetch between in-process peers on real stores, linked by real Noise streams:
// bytes arrive intact from the author or from a peer that fetched them, and the blobs core
// is block-encrypted with the room key like the member logs.
import t from 'tap'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { eventually, link, peer, tempDir, contextOf } from '../helpers/peers.js'
import { randomFile, sha256File, tree } from './helpers.js'

/** Peers A and B in room `atelier`, linked. */
async function pair (t: any): Promise<{ a: any, b: any }> {
  const a = await peer(t, 'Awa')
  const b = await peer(t, 'Moussa')
  const { invite } = await a.createRoom('atelier')
  await b.joinRoom(invite)
  await link(t, a, b)
  return { a, b }
}

/** Wait until `tt` knows the document `id` (its log arrived). */
async function known (tt: any, id: string): Promise<boolean> {
  const room = tt.rooms.resolve('atelier')
  return await eventually(async () => (await (await contextOf(tt).documents()).list(room)).some((d) => d.id === id), 10_000, 50)
}

t.test('B fetches a 3 MB document from A; the bytes and the sha256 match; a second get fetches nothing', async (t) => {
  const { a, b } = await pair(t)
  const dir = tempDir(t)
  const { file, sha256 } = await randomFile(dir, 'rapport.pdf', 3 * 1024 * 1024 + 123)
  const shared = await (await contextOf(a).documents()).share(a.rooms.resolve('atelier'), file)
  t.equal(shared.sha256, sha256, 'share hashes exactly the stored bytes')
  t.equal(shared.mime, 'application/pdf', 'type guessed from the extension')
  t.ok(await known(b, shared.id), 'B learns of the document through A\'s log')

  const out = path.join(dir, 'out')
  await fs.mkdir(out)
  const events: any[] = []
  const got = await (await contextOf(b).documents()).get(b.rooms.resolve('atelier'), shared.id, { dir: out, stallMs: 10_000, onProgress: (e) => events.push(e) })
  t.equal(got.file, path.join(out, 'rapport.pdf'), 'written under its own name in the dir')
  t.equal(await sha256File(got.file), sha256, 'identical bytes')
  t.equal(got.downloadedBytes, shared.size, 'every byte came over the link once')
  t.equal(got.localBytesAtStart, 0, 'nothing was local before')
  t.ok(events.some((e) => e.phase === 'fetch') && events.some((e) => e.phase === 'verify'), 'progress for both phases')
  const last = events.filter((e) => e.phase === 'fetch').pop()
  t.equal(last.bytes, last.total, 'the last fetch event reports all bytes')
  t.same(await tree(out), ['rapport.pdf'], 'no temp file left behind')

  const again = await (await contextOf(b).documents()).get(b.rooms.resolve('atelier'), shared.id, { dir: out, stallMs: 10_000 })
  t.equal(again.downloadedBytes, 0, 'the second get fetches nothing: the blocks are in the store')
  t.equal(again.file, path.join(out, 'rapport (1).pdf'), 'an existing file is never replaced: the new one is numbered')
  const views = await (await contextOf(b).documents()).list(b.rooms.resolve('atelier'))
  t.equal(views[0].status, 'complete', 'listed as complete on B')
})

t.test('C fetches through B after A is gone: peers that fetched serve onward', async (t) => {
  const a = await peer(t, 'A')
  const b = await peer(t, 'B')
  const c = await peer(t, 'C')
  const { invite } = await a.createRoom('atelier')
  await b.joinRoom(invite)
  await c.joinRoom(invite)
  const ab = await link(t, a, b)
  const dir = tempDir(t)
  const { file, sha256 } = await randomFile(dir, 'carte.png', 2 * 1024 * 1024)
  const shared = await (await contextOf(a).documents()).share(a.rooms.resolve('atelier'), file)
  t.ok(await known(b, shared.id), 'B knows the document')
  await (await contextOf(b).documents()).get(b.rooms.resolve('atelier'), shared.id, { dir, output: path.join(dir, 'b.png'), stallMs: 10_000 })
  ab.destroy()
  await link(t, b, c)
  t.ok(await known(c, shared.id), 'C learns of it from B (A\'s log is relayed)')
  const got = await (await contextOf(c).documents()).get(c.rooms.resolve('atelier'), shared.id, { output: path.join(dir, 'c.png'), stallMs: 10_000 })
  t.equal(await sha256File(got.file), sha256, 'C has the exact bytes, from B alone')
  t.equal(got.downloadedBytes, shared.size, 'all of it came from B')
})

/** True when some file under `dir` contains `needle`. */
async function onDisk (dir: string, needle: string): Promise<boolean> {
  for (const entry of await tree(dir)) {
    const p = path.join(dir, entry)
    if ((await fs.stat(p)).isFile() && (await fs.readFile(p)).includes(needle)) return true
  }
  return false
}

t.test('the blobs core holds no plaintext on disk (an unencrypted core would)', async (t) => {
  const a = await peer(t, 'A')
  await a.createRoom('atelier')
  const dir = tempDir(t)
  // Random bytes (so storage compression cannot hide anything) with a marker in every block.
  const { randomBytes } = await import('node:crypto')
  const blocks = Array.from({ length: 8 }, () => Buffer.concat([Buffer.from('TAMTAM-PLAINTEXT-MARKER'), randomBytes(64 * 1024 - 23)]))
  const file = path.join(dir, 'plain.bin')
  await fs.writeFile(file, Buffer.concat(blocks))
  await (await contextOf(a).documents()).share(a.rooms.resolve('atelier'), file)
  await a.close()
  t.notOk(await onDisk(path.join(a.home, 'store'), 'TAMTAM-PLAINTEXT-MARKER'), 'no storage file contains the plaintext')

  const Corestore = (await import('corestore')).default
  const control = new Corestore(path.join(dir, 'control-store'))
  const core = control.get({ name: 'plain' })
  await core.append(blocks)
  await control.close()
  t.ok(await onDisk(path.join(dir, 'control-store'), 'TAMTAM-PLAINTEXT-MARKER'), 'control: the same bytes unencrypted are visible on disk')
})
