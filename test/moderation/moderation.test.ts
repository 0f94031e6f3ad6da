/**
 * Moderation across peers, in process on real stores: the creator hides a message for
 * everyone; a non-moderator's hide has no effect; a named moderator's hide applies until
 * they are revoked, and a revoked moderator cannot backdate records; the verdict is the
 * same on every peer; hidden content stays in the logs and --show-hidden reveals it.
 */
import t from 'tap'
import { COMMANDS, SILENT } from '../../src/commands/index.js'
import { isTamtamError } from '../../src/errors/index.js'
import { decide, type ModEntry } from '../../src/moderation/moderation.js'
import { newRoomSecret, isRoomCreator } from '../../src/room/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import { eventually, link, peer, contextOf } from '../helpers/peers.js'

const run = async (tt: Tamtam, name: string, args: Record<string, unknown>): Promise<any> => await COMMANDS.get(name)!.run(contextOf(tt), args, SILENT)
const texts = async (tt: Tamtam, opts: { showHidden?: boolean } = {}): Promise<string[]> =>
  (await (await tt.timeline(tt.rooms.resolve('atelier'), opts)).page({ limit: 100 })).filter((i) => i.type === 'msg').map((i) => `${i.text}${i.moderated === true ? ' [hidden]' : ''}`)

/** Creator A and members B and C, linked A–B–C. */
async function room (t: any): Promise<Tamtam[]> {
  const peers = await Promise.all(['A', 'B', 'C'].map(async (n) => await peer(t, n)))
  const { invite } = await peers[0].createRoom('atelier')
  for (const p of peers.slice(1)) await p.joinRoom(invite)
  await link(t, peers[0], peers[1])
  await link(t, peers[1], peers[2])
  return peers
}

const settled = async (peers: Tamtam[], check: (tt: Tamtam) => Promise<boolean>): Promise<boolean> =>
  await eventually(async () => (await Promise.all(peers.map(check))).every(Boolean), 10_000, 50)

t.test('the creator\'s hide takes effect on every peer; a non-moderator\'s has none', async (t) => {
  const peers = await room(t)
  const [a, b, c] = peers
  const r = (tt: Tamtam): any => tt.rooms.resolve('atelier')
  const spam = await b.send(r(b), 'pub pour des faux diplômes')
  await a.send(r(a), 'bienvenue')
  t.ok(await settled(peers, async (p) => (await texts(p)).length === 2), 'everyone has both messages')

  // B, not a moderator, tries through the command (refused) and by writing the record raw.
  const welcome = (await (await a.timeline(r(a))).page({ limit: 10 })).find((i) => i.text === 'bienvenue')!.id
  const refused = await run(b, 'mod', { room: 'atelier', action: 'hide', target: welcome }).catch((e: unknown) => e)
  t.ok(isTamtamError(refused, 'NOT_MODERATOR'), 'the mod command refuses a non-moderator with NOT_MODERATOR')
  await (await b.logs(r(b))).own.append([{ type: 'mod', action: 'hide', target: welcome }])
  await (await b.logs(r(b))).own.append([{ type: 'mod', action: 'add-mod', target: (await b.identity()).publicKey.toString('hex') }])
  // A marker after both records in B's log: a peer that shows it holds B's log past them, so
  // the absence checked next is a verdict, not a record still on its way.
  await b.send(r(b), 'marqueur après les faux ordres')
  t.ok(await settled(peers, async (p) => (await texts(p)).includes('marqueur après les faux ordres')), 'every peer has B\'s later message')
  const welcomeShown = await Promise.all(peers.map(async (p) => (await texts(p)).includes('bienvenue')))
  t.same(welcomeShown, [true, true, true], 'a raw hide record from a non-moderator has no effect anywhere')
  const bKey = (await b.identity()).publicKey.toString('hex')
  const bIsMod = await Promise.all(peers.map(async (p) => (await p.moderation(r(p))).moderators.has(bKey)))
  t.same(bIsMod, [false, false, false], 'nor can a member name themselves moderator')

  // A (the creator) hides B's spam.
  const done = await run(a, 'mod', { room: 'atelier', action: 'hide', target: spam.id })
  t.equal(done.action, 'hide', 'the creator hides the spam')
  t.ok(await settled(peers, async (p) => !(await texts(p)).includes('pub pour des faux diplômes')), 'it disappears on A, B and C')
  t.ok((await texts(c, { showHidden: true })).includes('pub pour des faux diplômes [hidden]'), '--show-hidden still shows it, marked: the log keeps it')
  t.equal((await (await c.logs(r(c))).list().find((l) => l.key === spam.id.split('.')[0] || l.key.startsWith(spam.id.split('.')[0]))?.read(spam.seq))?.record.type, 'msg', 'the block is still in B\'s log as C stores it')
})

t.test('named moderators apply until revoked; revocation is final even against backdating; same verdict everywhere', async (t) => {
  const peers = await room(t)
  const [a, b, c] = peers
  const r = (tt: Tamtam): any => tt.rooms.resolve('atelier')
  const m1 = await c.send(r(c), 'message 1 de C')
  const m2 = await c.send(r(c), 'message 2 de C')
  await settled(peers, async (p) => (await texts(p)).length === 2)
  t.ok(await eventually(async () => (await a.logs(r(a))).list().length === 3, 10_000, 50), 'A knows every member')

  await run(a, 'mod', { room: 'atelier', action: 'add', target: 'B' })
  t.ok(await eventually(async () => (await b.moderation(r(b))).moderators.size === 2, 10_000, 50), 'B learns it is a moderator')
  await run(b, 'mod', { room: 'atelier', action: 'hide', target: m1.id })
  t.ok(await settled(peers, async (p) => !(await texts(p)).includes('message 1 de C')), 'B\'s hide applies on every peer')

  // A revokes B once it has B's hide; then B writes a hide backdated to before the revocation.
  t.ok(await eventually(async () => (await a.moderation(r(a))).hidden.has(m1.id), 10_000, 50), 'A has B\'s hide')
  await run(a, 'mod', { room: 'atelier', action: 'revoke', target: 'B' })
  t.ok(await eventually(async () => (await b.moderation(r(b))).moderators.size === 1, 10_000, 50), 'B learns it was revoked')
  const blogs = await b.logs(r(b))
  await blogs.own.append([{ type: 'mod', action: 'hide', target: m2.id }], blogs.own.lastAppendTs)
  // A marker after the backdated hide in B's log (see the first test).
  await b.send(r(b), 'marqueur après la révocation')
  t.ok(await settled(peers, async (p) => (await texts(p)).includes('marqueur après la révocation')), 'every peer has B\'s later message')
  const views = await Promise.all(peers.map(async (p) => await texts(p)))
  t.same(views.map((v) => v.includes('message 2 de C')), [true, true, true], 'B\'s later hide, even backdated, applies nowhere')
  t.same(views.map((v) => v.includes('message 1 de C')), [false, false, false], 'its earlier hide stays')

  const verdicts = await Promise.all(peers.map(async (p) => { const s = await p.moderation(r(p)); return JSON.stringify({ mods: [...s.moderators].sort(), hidden: [...s.hidden].sort(), applied: s.applied.map((e) => e.id) }) }))
  t.equal(new Set(verdicts).size, 1, 'A, B and C reach the same verdict, records applied in the same order')
  t.comment(`moderation: ${JSON.parse(verdicts[0]).applied.length} records applied identically on 3 peers`)
})

t.test('removing a member hides their messages for everyone; restoring brings them back', async (t) => {
  const peers = await room(t)
  const [a, , c] = peers
  const r = (tt: Tamtam): any => tt.rooms.resolve('atelier')
  await c.send(r(c), 'troll')
  await settled(peers, async (p) => (await texts(p)).includes('troll'))
  await run(a, 'mod', { room: 'atelier', action: 'remove', target: 'C' })
  t.ok(await settled(peers, async (p) => !(await texts(p)).includes('troll')), 'C\'s messages vanish from every view')
  await run(a, 'mod', { room: 'atelier', action: 'restore', target: 'C' })
  t.ok(await settled(peers, async (p) => (await texts(p)).includes('troll')), 'and come back when restored')
  const list = await run(a, 'mod', { room: 'atelier', action: 'list' })
  t.equal(list.creator.name, 'A', 'mod list names the creator')
})

t.test('creator commitment and pure ordering', async (t) => {
  const id = Buffer.alloc(32, 7)
  const secret = newRoomSecret(id)
  t.ok(isRoomCreator(secret, id), 'a secret commits to its creator')
  t.notOk(isRoomCreator(secret, Buffer.alloc(32, 8)), 'and to no one else')
  t.notOk(isRoomCreator(newRoomSecret(), id), 'a plain random secret has no creator')
  const creator = 'a'.repeat(64)
  const b = 'b'.repeat(64)
  const e = (ts: number, core: string, seq: number, author: string, action: string, target: string): ModEntry => ({ ts, core, seq, id: `${core}.${seq}`, author, action, target })
  const entries = [e(1, 'c1', 1, creator, 'add-mod', b), e(2, 'c2', 1, b, 'hide', 'x.1'), e(3, 'c1', 2, creator, 'revoke-mod', b), e(4, 'c2', 2, b, 'hide', 'x.2')]
  const forward = decide(creator, entries)
  const shuffled = decide(creator, [...entries].reverse())
  t.same([...forward.hidden], ['x.1'], 'only the hide before the revocation applies')
  t.same(forward.applied.map((x) => x.id), shuffled.applied.map((x) => x.id), 'input order does not matter')
  const old = await peer(t, 'Old')
  const legacy = await old.rooms.add('ancien', newRoomSecret())
  await old.logs(legacy)
  const refused = await run(old, 'mod', { room: 'ancien', action: 'hide', target: '0123456789abcdef.1' }).catch((err: unknown) => err)
  t.ok(isTamtamError(refused, 'NOT_MODERATOR'), 'a room with no recorded creator has no moderators')
})
