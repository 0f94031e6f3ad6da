/**
 * Disappearing messages (issue 21), applying it, in process on real stores: a sweep clears
 * the expired blocks (Hypercore `clear`) and keeps the binding, moderation, settings and
 * names; the log reads on past the cleared range with no error and no wait; and after a
 * restart the node does not fetch the cleared blocks again from a peer that still holds
 * them (here A, whose node never sweeps: a modified tamtam keeping copies).
 */
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { COMMANDS, SILENT } from '../../src/commands/index.js'
import { ExpiryRunner } from '../../src/expiry/index.js'
import type { MemberLog } from '../../src/log/member-log.js'
import { connectInProcess, InProcessSource } from '../../src/network/source.js'
import { TamtamNode } from '../../src/node/node.js'
import type { Tamtam } from '../../src/tamtam.js'
import { contextOf, eventually, link, peer, sourceOf, tempDir } from '../helpers/peers.js'

const run = async (tt: Tamtam, name: string, args: Record<string, unknown>): Promise<any> => await COMMANDS.get(name)!.run(contextOf(tt), args, SILENT)
const room = (tt: Tamtam): any => tt.rooms.resolve('atelier')
const texts = async (tt: Tamtam): Promise<string[]> => (await (await tt.timeline(room(tt))).page({ limit: 100 })).filter((i) => i.type === 'msg').map((i) => i.text)
/** Which of blocks 0..length-1 of `log` are held here, as a string of 1s and 0s. */
const held = async (log: MemberLog): Promise<string> => {
  let out = ''
  for (let i = 0; i < log.core.length; i++) out += await log.core.has(i) ? '1' : '0'
  return out
}
const logOf = async (tt: Tamtam, author: Tamtam): Promise<MemberLog> => {
  const key = (await (await author.logs(room(author))).own).key
  return (await tt.logs(room(tt))).list().find((l) => l.key === key)!
}

t.test('a sweep clears expired blocks, keeps the rest, and a restarted node does not fetch them again', async (t) => {
  let now = Date.parse('2026-03-01T10:00:00Z')
  const clock = (): number => now
  const a = await peer(t, 'A', { clock })
  const b = await peer(t, 'B', { clock })
  const { invite } = await a.createRoom('atelier')
  await b.joinRoom(invite)
  await link(t, a, b)
  // A's log: 0 binding, 1-2 messages, 3 a nickname, 4 a message, 5 the setting.
  await a.send(room(a), 'vieux 1')
  await a.send(room(a), 'vieux 2')
  await (await a.logs(room(a))).own.append([{ type: 'nick', name: 'Awa' }], now) // the nick command writes with the wall clock
  await a.send(room(a), 'vieux 3')
  await run(a, 'room.expire', { room: 'atelier', expire: '30s' })
  now += 60_000
  await a.send(room(a), 'récent') // 6
  t.ok(await eventually(async () => (await texts(b)).includes('récent')), 'B holds all of A\'s log')
  const onB = await logOf(b, a)
  t.equal(await held(onB), '1111111', 'before the sweep B holds every block')

  const cleared = await new ExpiryRunner(b).sweepAll()
  t.equal(cleared, 3, 'B\'s sweep clears three blocks of A\'s log (and none of its own: it wrote only its binding)')
  t.equal(await held(onB), '1001011', 'the messages are gone; the binding, the nickname, the setting and the recent message stay')
  t.equal(onB.expiredTo, 6, 'the expiry mark is past the setting, at the first recent block')
  t.equal(onB.readable, 7, 'the log still reads to its end')
  const started = Date.now()
  t.same(await texts(b), ['récent'], 'B shows the recent message only')
  t.ok(Date.now() - started < 2000, 'without waiting on the cleared blocks')
  t.equal(onB.dropped, 0, 'cleared blocks are not counted as bad blocks')
  t.equal((await b.timeline(room(b))).truncated, false, 'nor marked as skipped')
  t.equal((await b.logs(room(b))).list().find((l) => l.key === onB.key)?.author !== null ? (await onB.currentName()) : null, 'Awa', 'the name survives: the nickname record is kept')

  // Restart B on the same home; A, which never sweeps, still holds the old blocks.
  const home = path.join(path.dirname(b.paths.identity))
  await (await import('../helpers/peers.js')).nodeOf(b).close()
  const source = new InProcessSource()
  const again = new TamtamNode({ home, clock, source, network: {}, control: false, documents: false, drills: false })
  t.teardown(() => again.close())
  await again.open()
  const [left, right] = connectInProcess(sourceOf(a), source)
  t.teardown(() => { left.destroy(); right.destroy() })
  const b2 = again.tt
  await a.send(room(a), 'après le redémarrage') // 7: the positive marker
  t.ok(await eventually(async () => (await texts(b2)).includes('après le redémarrage')), 'the restarted B gets A\'s new message')
  const onB2 = await logOf(b2, a)
  t.equal(await held(onB2), '10010111', 'and does not fetch the cleared blocks again from A, which still has them')
  t.same(await texts(b2), ['récent', 'après le redémarrage'], 'its timeline shows the recent messages only')
})

t.test('a late joiner gets the kept and the recent records only, learns the setting past the hole, and reads on', async (t) => {
  let now = Date.parse('2026-03-01T10:00:00Z')
  const clock = (): number => now
  const [a, b, c] = await Promise.all(['A', 'B', 'C'].map(async (n) => await peer(t, n, { clock })))
  const { invite } = await a.createRoom('atelier')
  await b.joinRoom(invite)
  const ab = await link(t, a, b)
  await a.send(room(a), 'vieux A') // 1
  await (await a.logs(room(a))).own.append([{ type: 'mod', action: 'add-mod', target: (await b.identity()).publicKey.toString('hex') }], now) // 2
  await b.send(room(b), 'vieux B') // B's 1
  t.ok(await eventually(async () => (await texts(a)).includes('vieux B') && (await texts(b)).includes('vieux A')), 'A and B hold each other\'s logs')
  now += 1000
  // B, named moderator by an old record, sets the lifetime: C must see the add-mod to trust it.
  await run(b, 'room.expire', { room: 'atelier', expire: '30s' }) // B's 2
  now += 60_000
  await a.send(room(a), 'récent A') // 3
  await b.send(room(b), 'récent B') // B's 3
  t.ok(await eventually(async () => (await texts(a)).includes('récent B') && (await texts(b)).includes('récent A')), 'both hold the recent messages')
  for (const p of [a, b]) await new ExpiryRunner(p).sweepAll()
  t.equal(await held(await logOf(b, a)), '1011', 'B cleared A\'s old message and kept the add-mod record')
  ab.destroy()

  await c.joinRoom(invite)
  const runner = new ExpiryRunner(c) // what C's node runs (nodes of test peers run none)
  t.teardown(() => runner.stop())
  await link(t, c, b)
  await runner.start()
  t.ok(await eventually(async () => (await texts(c)).includes('récent A') && (await texts(c)).includes('récent B'), 10_000), 'C, joining late through B, shows the recent messages')
  t.equal((await c.moderation(room(c))).expiry?.seconds, 30, 'C learns the setting written past the hole, by a moderator an old kept record named')
  t.same((await texts(c)).sort(), ['récent A', 'récent B'], 'and shows nothing older')
  await runner.sweepAll()
  t.equal(await held(await logOf(c, a)), '1011', 'C never held A\'s expired message')
  t.equal(await held(await logOf(c, b)), '1011', 'nor B\'s')
  t.equal((await logOf(c, a)).readable, 4, 'its expiry mark passes the hole: A\'s log reads to its end')
})

t.test('an expired document announcement takes the document\'s bytes with it', async (t) => {
  const a = await peer(t, 'A')
  const b = await peer(t, 'B')
  const { invite } = await a.createRoom('atelier')
  await b.joinRoom(invite)
  await link(t, a, b)
  const dir = tempDir(t)
  const file = path.join(dir, 'rapport.txt')
  writeFileSync(file, randomBytes(200_000))
  const shared = await (await contextOf(a).documents()).share(room(a), file)
  const docsOf = async (tt: Tamtam): Promise<any[]> => await (await contextOf(tt).documents()).list(room(tt))
  t.ok(await eventually(async () => (await docsOf(b)).some((d) => d.id === shared.id), 10_000, 50), 'B learns of the document')
  await (await contextOf(b).documents()).get(room(b), shared.id, { dir, stallMs: 10_000 })
  const record = (await (await a.logs(room(a))).own.readHere(1))!.record as any
  const [start, end] = [record.blob.blockOffset, record.blob.blockOffset + record.blob.blockLength]
  const blobs = (await b.store()).get({ key: Buffer.from(record.blobs, 'hex') })
  await blobs.ready()
  t.teardown(() => blobs.close())
  t.ok(end - start > 1 && await blobs.has(start, end), `B holds the document's ${end - start} blob blocks after fetching it`)
  await run(a, 'room.expire', { room: 'atelier', expire: '10s' })
  t.ok(await eventually(async () => (await b.moderation(room(b))).expiry?.seconds === 10, 10_000, 50), 'B has the setting')
  await new Promise((resolve) => setTimeout(resolve, 10_500))
  await new ExpiryRunner(b).sweepAll()
  t.notOk(await (await logOf(b, a)).core.has(1), 'the announcement is cleared on B')
  t.notOk(await blobs.has(start) || await blobs.has(end - 1), 'and so are the document\'s bytes in the blobs core')
  t.equal((await docsOf(b)).length, 0, 'the document is no longer listed')
})
