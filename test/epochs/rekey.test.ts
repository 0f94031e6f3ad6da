/**
 * Key rotation in process, on real stores over real Noise streams (src/epochs): a moderator
 * removes a member with a rotation; the members who stay switch by themselves, read each
 * other and keep the history; the removed member reads nothing new and learns it was left
 * out. Forged and replayed rotations change nothing; concurrent ones converge; documents
 * shared before a rotation are still listed and fetched.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { COMMANDS, SILENT } from '../../src/commands/index.js'
import { isTamtamError } from '../../src/errors/index.js'
import { DmKeys } from '../../src/dm/keys.js'
import { sealRekey } from '../../src/epochs/index.js'
import { newRoomSecret, type Room } from '../../src/room/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import { contextOf, eventually, link, nodeOf, peer } from '../helpers/peers.js'

const run = async (tt: Tamtam, name: string, args: Record<string, unknown>): Promise<any> => await COMMANDS.get(name)!.run(contextOf(tt), args, SILENT)
const r = (tt: Tamtam): Room => tt.rooms.resolve('atelier')
const texts = async (tt: Tamtam): Promise<string[]> => (await (await tt.timeline(r(tt))).page({ limit: 200 })).filter((i) => i.type === 'msg').map((i) => i.text)
const has = async (tt: Tamtam, text: string): Promise<boolean> => (await texts(tt)).includes(text)

/** Creator A and members B, C, D, linked A–B, B–C, A–D; each has said something. */
async function room (t: any): Promise<Tamtam[]> {
  const peers = await Promise.all(['A', 'B', 'C', 'D'].map(async (n) => await peer(t, n)))
  const { invite } = await peers[0].createRoom('atelier')
  for (const p of peers.slice(1)) await p.joinRoom(invite)
  await link(t, peers[0], peers[1])
  await link(t, peers[1], peers[2])
  await link(t, peers[0], peers[3])
  for (const p of peers) await p.send(r(p), `avant, par ${(await p.identity()).name}`)
  t.ok(await eventually(async () => (await Promise.all(peers.map(async (p) => (await texts(p)).length === 4))).every(Boolean), 15_000, 50), 'everyone has the four first messages')
  t.ok(await eventually(async () => (await a(peers).logs(r(a(peers)))).list().length === 4, 15_000, 50), 'A knows every member log')
  return peers
}
const a = (peers: Tamtam[]): Tamtam => peers[0]

t.test('mod remove --rekey: B and C switch and read on; D reads nothing new and is told', async (t) => {
  const peers = await room(t)
  const [A, B, C, D] = peers
  const oldId = r(A).id
  const warnings: unknown[] = []
  nodeOf(D).on('warning', (err) => warnings.push(err))
  const done = await run(A, 'mod', { room: 'atelier', action: 'remove', target: 'D', rekey: true })
  t.equal(done.rekey.epoch, 1, 'the room is at epoch 1')
  t.equal(done.rekey.recipients, 3, 'the new key is sealed to A, B and C')
  t.equal(done.rekey.superseded, false)
  t.not(r(A).id, oldId, 'A moved to a new room id')
  t.ok(await eventually(() => r(B).id === r(A).id && r(C).id === r(A).id, 15_000, 50), 'B and C switch by themselves, C through B only')
  t.equal(r(D).id, oldId, 'D stays on the old epoch')
  await A.send(r(A), 'après, par A')
  await C.send(r(C), 'après, par C')
  t.ok(await eventually(async () => await has(B, 'après, par A') && await has(B, 'après, par C') && await has(A, 'après, par C'), 15_000, 50), 'A, B and C read each other in the new epoch')
  // D's own marker, sent after A's message, reaches A: the link to D works, so D's not seeing A's is a verdict.
  await D.send(r(D), 'marqueur de D')
  const dAtA = async (): Promise<string> => (await A.logs(r(A).past[0])).list().map((l) => `${l.author?.name ?? '?'}:${l.core.length}/${l.core.contiguousLength}`).join(' ')
  const ok10 = await eventually(async () => (await A.logs(r(A).past[0])).list().some((l) => l.core.length >= 3 && l.author?.name === 'D'), 15_000, 50)
  if (!ok10) t.comment(`A's old epoch: ${await dAtA()}; D's own: ${(await D.logs(r(D))).own.core.length}`)
  t.ok(ok10, 'A still gets D\'s old-epoch log (the link works)')
  t.notOk(await has(D, 'après, par A'), 'D does not read what A wrote after')
  t.ok(await eventually(() => warnings.some((w) => isTamtamError(w, 'ROOM_OUT_OF_DATE')), 15_000, 50), 'D is told its keys are out of date')
  const history = await texts(B)
  if (!history.includes('avant, par A')) {
    for (const e of [...r(B).past, r(B)]) {
      const logs = await B.logs(e)
      t.comment(`B epoch ${e.id.slice(0, 6)} members ${e.members.length}: ${logs.list().map((l) => `${l.author?.name ?? '?'}:${l.core.length}/${l.readable} inv=${String(l.invalid)} closed=${String(l.core.closed)}`).join(' ')}`)
    }
  }
  for (const n of ['A', 'B', 'C']) t.ok(history.includes(`avant, par ${n}`), `B still reads ${n}'s message from before`)
  t.notOk(history.includes('avant, par D'), 'D\'s messages stay hidden (removed)')
  const items = await (await B.timeline(r(B))).page({ limit: 200 })
  const keysChanged = items.filter((i) => i.type === 'rekey')
  t.equal(keysChanged.length, 1, 'one "keys changed" line in B\'s timeline')
  t.equal(keysChanged[0]?.text, 'D', 'it names the removed member')
  t.ok(items.findIndex((i) => i.type === 'rekey') < items.findIndex((i) => i.text === 'après, par A'), 'between the old messages and the new')
  t.equal(r(B).epoch, 1, 'B is at epoch 1')
  t.equal(r(B).past.length, 1, 'B keeps one past epoch')
})

t.test('a non-moderator\'s rotation and a replayed one change nothing', async (t) => {
  const peers = await room(t)
  const [A, B, C] = peers
  const oldId = r(A).id
  // B writes a perfectly sealed rotation in its own log: it is not a moderator.
  const bId = await B.identity()
  const forged = sealRekey(new DmKeys(bId), r(B).keys.id, newRoomSecret(), await Promise.all(peers.map(async (p) => (await p.identity()).publicKey.toString('hex'))))
  await (await B.logs(r(B))).own.append(forged)
  await B.send(r(B), 'marqueur après la fausse rotation')
  t.ok(await eventually(async () => (await Promise.all(peers.map(async (p) => await has(p, 'marqueur après la fausse rotation')))).every(Boolean), 15_000, 50), 'everyone has B\'s marker')
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.same(peers.map((p) => r(p).id), peers.map(() => oldId), 'nobody moved')

  // A real rotation, then C's log carries a copy of A's rekey records: C is no moderator either.
  await run(A, 'room.rekey', { room: 'atelier' })
  t.ok(await eventually(() => peers.every((p) => r(p).id === r(A).id), 15_000, 50), 'everyone follows A\'s rotation')
  const aLog = (await A.logs(r(A).past[0])).own
  const copy = []
  for (let seq = 1; seq < aLog.core.length; seq++) {
    const e = await aLog.read(seq)
    if (e?.record.type === 'rekey') copy.push(e.record)
  }
  t.ok(copy.length >= 1, 'A\'s old-epoch log holds its rekey record')
  const now = r(A).id
  await (await C.logs(r(C))).own.append(copy.map(({ v, ts, ...rest }: any) => rest))
  await C.send(r(C), 'marqueur après la copie')
  t.ok(await eventually(async () => (await Promise.all(peers.map(async (p) => await has(p, 'marqueur après la copie')))).every(Boolean), 15_000, 50), 'everyone has C\'s marker')
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.same(peers.map((p) => r(p).id), peers.map(() => now), 'a replayed rotation moves nobody')
})

t.test('two moderators rotating apart converge on one epoch', async (t) => {
  const peers = await Promise.all(['A', 'B', 'C'].map(async (n) => await peer(t, n)))
  const [A, B, C] = peers
  const { invite } = await A.createRoom('atelier')
  await B.joinRoom(invite)
  await C.joinRoom(invite)
  const ab = await link(t, A, B)
  const bc = await link(t, B, C)
  for (const p of peers) await p.send(r(p), `bonjour de ${(await p.identity()).name}`)
  t.ok(await eventually(async () => (await Promise.all(peers.map(async (p) => (await texts(p)).length === 3))).every(Boolean), 15_000, 50), 'all linked')
  await run(A, 'mod', { room: 'atelier', action: 'add', target: 'C' })
  t.ok(await eventually(async () => (await C.moderation(r(C))).moderators.size === 2, 15_000, 50), 'C is a moderator')
  // Partition: A alone, B and C together; both moderators rotate.
  ab.destroy()
  bc.destroy()
  const ra = await run(A, 'room.rekey', { room: 'atelier' })
  const rc = await run(C, 'room.rekey', { room: 'atelier' })
  t.not(ra.id, rc.id, 'two different epochs')
  await A.send(r(A), 'côté A')
  await C.send(r(C), 'côté C')
  await link(t, A, B)
  await link(t, B, C)
  t.ok(await eventually(() => new Set(peers.map((p) => r(p).id)).size === 1, 20_000, 50), 'after healing, all agree on one epoch')
  const winner = r(A).id
  t.ok([ra.id, rc.id].includes(winner), 'it is one of the two rotations')
  const oneTimeline = await eventually(async () => (await Promise.all(peers.map(async (p) => await has(p, 'côté A') && await has(p, 'côté C')))).every(Boolean), 20_000, 50)
  if (!oneTimeline) {
    for (const p of peers) t.comment(`${(await p.identity()).name}: ${JSON.stringify(await texts(p))} epochs ${[...r(p).past, r(p)].map((e) => e.id.slice(0, 6)).join(',')} logs ${(await Promise.all([...r(p).past, r(p)].map(async (e) => (await p.logs(e)).list().map((l) => `${l.author?.name ?? '?'}:${l.core.length}`).join('+')))).join(' | ')}`)
  }
  t.ok(oneTimeline, 'one timeline: both sides\' messages show everywhere')
  await B.send(r(B), 'après la réunion')
  t.ok(await eventually(async () => await has(A, 'après la réunion') && await has(C, 'après la réunion'), 15_000, 50), 'the room works on the agreed epoch')
})

t.test('a document shared before a rotation is still listed and fetched after it', async (t) => {
  const peers = await Promise.all(['A', 'B'].map(async (n) => await peer(t, n)))
  const [A, B] = peers
  const { invite } = await A.createRoom('atelier')
  await B.joinRoom(invite)
  await link(t, A, B)
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rekey-doc-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'rapport.txt')
  writeFileSync(file, 'rapport de l\'atelier, avant les nouvelles clés')
  const shared = await run(A, 'share', { room: 'atelier', path: file })
  t.ok(await eventually(async () => (await run(B, 'docs', { room: 'atelier' })).some((d: any) => d.id === shared.id), 15_000, 50), 'B sees the document')
  await run(A, 'room.rekey', { room: 'atelier' })
  t.ok(await eventually(() => r(B).id === r(A).id, 15_000, 50), 'B follows the rotation')
  const listed = await run(B, 'docs', { room: 'atelier' })
  t.ok(listed.some((d: any) => d.id === shared.id), 'B still lists the document after the rotation')
  const got = await run(B, 'get', { room: 'atelier', id: shared.id, output: path.join(dir, 'copie.txt'), stallTimeout: 10 })
  t.equal(got.event, 'done', 'B fetches it from A, over the old epoch')
  t.equal(readFileSync(path.join(dir, 'copie.txt'), 'utf8'), 'rapport de l\'atelier, avant les nouvelles clés', 'byte for byte')
})
