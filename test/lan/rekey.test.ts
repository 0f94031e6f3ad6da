/**
 * Key rotation across real `tamtam up` processes in network namespaces (issue 22): a
 * moderator removes a member with a rotation and the others talk on in a new epoch the
 * removed member never reads (its home and its node hold none of it); a member offline
 * during the rotation switches by itself through another member; a newcomer holding an
 * invite printed before the rotation reads the old epoch only and is told its invite is
 * out of date. Every "D/E never saw it" check comes after a marker that proves the link works.
 */
import { randomBytes } from 'node:crypto'
import { appendFileSync, copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { Tamtam } from '../../src/tamtam.js'
import { skipUnlessLan } from '../helpers/lan.js'
import { lanWithRoom, startNode, tamtam, texts, type LanNode } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'

type Json = Record<string, any>

/** The room "atelier" as `room list --json` on `home` shows it (through its node when one runs). */
async function roomOf (home: string): Promise<Json> {
  const rooms = JSON.parse(await tamtam(home, '--json', 'room', 'list')) as Json[]
  const room = rooms.find((r) => r.room === 'atelier')
  if (room === undefined) throw new Error(`no atelier in ${home}: ${JSON.stringify(rooms)}`)
  return room
}

/** Every timeline item of "atelier" on `home`, hidden ones included when asked. */
async function items (home: string, showHidden = false): Promise<Json[]> {
  const out = await tamtam(home, 'log', 'atelier', '--json', '--all', ...(showHidden ? ['--show-hidden'] : []))
  return out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
}

/** A random token no store could hold by chance: the part of a message the raw searches look for. */
const token = (): string => randomBytes(9).toString('hex')

/** Every regular file under `dir`; a file removed by a compaction while we walk is skipped. */
function pathsOf (dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name)
    const stat = statSync(file, { throwIfNoEntry: false })
    if (stat?.isDirectory() === true) out.push(...pathsOf(file))
    else if (stat?.isFile() === true) out.push(file)
  }
  return out
}

/** Every regular file under `dir`, read whole. */
const filesOf = (dir: string): Buffer[] => pathsOf(dir).map((f) => readFileSync(f))

/** Which of `needles` appear in some file under `dir` (raw bytes, no key: what a copied disk shows). */
function rawHits (dir: string, needles: Buffer[]): Buffer[] {
  const files = filesOf(dir)
  return needles.filter((n) => files.some((f) => f.includes(n)))
}

/** The raw (encrypted, as stored) blocks of every log of the room's current epoch on `home`; no node may run there. */
async function epochBlocks (home: string): Promise<{ id: string, blocks: Buffer[] }> {
  const tt = new Tamtam({ home })
  await tt.open()
  try {
    const room = tt.rooms.resolve('atelier')
    const blocks: Buffer[] = []
    for (const log of (await tt.logs(room)).list()) {
      for (let seq = 0; seq < log.core.contiguousLength; seq++) blocks.push(await log.core.get(seq, { raw: true } as never) as unknown as Buffer)
    }
    return { id: room.id, blocks }
  } finally {
    await tt.close()
  }
}

/** Start nodes, stopped at teardown (a node stopped by the test already is skipped). */
function nodeSet (t: any): { nodes: LanNode[], start: (lan: any, host: string, home: string) => Promise<LanNode> } {
  const nodes: LanNode[] = []
  t.teardown(async () => { for (const n of nodes) await n.stop() })
  return { nodes, start: async (lan, host, home) => { const n = await startNode(lan, host, home); nodes.push(n); return n } }
}

const allHave = async (homes: string[], wanted: string[], ms = 20_000): Promise<boolean> =>
  await eventually(async () => (await Promise.all(homes.map(async (h) => await texts(h, 'atelier')))).every((x) => wanted.every((w) => x.includes(w))), ms, 200)

t.test('mod remove --rekey: A, B and C move on; D reads nothing new, holds none of it, and is told', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes, dir } = await lanWithRoom(t, { wifi: ['a', 'b', 'c', 'd'] }, ['a', 'b', 'c', 'd'])
  const members = ['a', 'b', 'c', 'd']
  const tag = token()
  const before = members.map((m) => `avant ${m} ${tag}`)
  for (const [i, m] of members.entries()) await tamtam(homes[m], 'send', 'atelier', before[i])
  const { nodes, start } = nodeSet(t)
  for (const m of members) await start(lan, m, homes[m])
  const nodeD = nodes[3]
  // A seals the new key to every member whose log it holds: all four logs must be there first.
  t.ok(await allHave(members.map((m) => homes[m]), before, 30_000), 'everyone holds the four first messages')
  const oldId = (await roomOf(homes.a)).id

  const removed = JSON.parse(await tamtam(homes.a, '--json', 'mod', 'atelier', 'remove', 'd', '--rekey'))
  t.equal(removed.rekey?.epoch, 1, 'A\'s node rotated the room to epoch 1')
  t.equal(removed.rekey?.recipients, 3, 'the new key is sealed to A, B and C')
  t.equal(removed.rekey?.superseded, false)
  const newId = removed.rekey?.id as string
  t.not(newId, oldId, 'a new room id')
  const moved = await eventually(async () => (await Promise.all(['a', 'b', 'c'].map(async (m) => await roomOf(homes[m])))).every((r) => r.id === newId && r.epoch === 1), 20_000, 200)
  t.ok(moved, 'A, B and C show the same new id at epoch 1 (room list)')
  if (!moved) for (const m of members) t.comment(`${m}: ${JSON.stringify(await roomOf(homes[m]))}`)

  // Fresh random plaintexts in the new epoch, from each of A, B and C.
  const secrets = ['a', 'b', 'c'].map(() => token())
  const after = ['a', 'b', 'c'].map((m, i) => `après ${m} ${secrets[i]}`)
  for (const [i, m] of ['a', 'b', 'c'].entries()) await tamtam(homes[m], 'send', 'atelier', after[i])
  t.ok(await allHave([homes.a, homes.b, homes.c], after), 'A, B and C read each other in the new epoch')
  const rekeyLines = (await items(homes.b)).filter((i) => i.type === 'rekey')
  t.same(rekeyLines.map((i) => i.text), ['d'], 'B\'s log has one "keys changed" line, naming d')

  // D's marker, sent after every new message: it reaches B, so D's link works and D's
  // not holding the new messages below is a verdict, not a delay.
  const marker = `marqueur de d ${tag}`
  await tamtam(homes.d, 'send', 'atelier', marker)
  t.ok(await eventually(async () => (await items(homes.b, true)).some((i) => i.text === marker), 20_000, 200), 'D\'s marker reaches B (shown with --show-hidden: D is removed)')
  t.notOk((await items(homes.b)).some((i) => i.text === marker), 'B\'s normal view hides it (D is removed)')
  const dRoom = await roomOf(homes.d)
  t.equal(dRoom.id, oldId, 'D stays on the old id')
  t.equal(dRoom.epoch, 0, 'at epoch 0')
  t.equal(dRoom.outOfDate, true, 'D\'s room list says out of date')
  t.ok(await eventually(() => nodeD.events.some((e) => e.event === 'warning' && e.code === 'ROOM_OUT_OF_DATE'), 10_000, 100), 'D\'s node printed the ROOM_OUT_OF_DATE warning')
  const dTexts = await texts(homes.d, 'atelier')
  t.ok(before.slice(0, 3).every((b) => dTexts.includes(b)), 'D still reads A, B and C\'s old messages (its own are hidden: it is removed)')
  t.same(after.filter((a) => dTexts.includes(a)), [], 'D\'s log shows none of the new messages')

  // What D's live node answers: every command that shows room content.
  const answers = [
    await tamtam(homes.d, 'log', 'atelier', '--json', '--all', '--show-hidden'),
    await tamtam(homes.d, '--json', 'room', 'list'),
    await tamtam(homes.d, '--json', 'mod', 'atelier', 'list'),
    await tamtam(homes.d, '--json', 'docs', 'atelier')
  ].join('\n')
  t.same(secrets.filter((s) => answers.includes(s)), [], 'D\'s node answers hold none of the new plaintexts')
  const bAnswers = await tamtam(homes.b, 'log', 'atelier', '--json', '--all')
  t.same(secrets.filter((s) => bAnswers.includes(s)), secrets, 'control: the same search finds all of them in B\'s decrypted log')

  for (const n of nodes) t.equal(await n.stop(), 0, `${n.host} stops cleanly`)
  // Raw: every file of D's home, after its node flushed and closed.
  const plain = secrets.map((s) => Buffer.from(s, 'utf8'))
  t.same(rawHits(homes.d, plain).map(String), [], 'no file of D\'s home holds a new plaintext')
  // Control: the same search finds a plaintext planted in a copy of one of D's store files.
  const planted = token()
  const copyDir = path.join(dir, 'copie-d')
  mkdirSync(copyDir)
  const sample = pathsOf(path.join(homes.d, 'store')).find((f) => statSync(f).size > 0)
  if (sample === undefined) throw new Error('D\'s store has no file')
  const copy = path.join(copyDir, path.basename(sample))
  copyFileSync(sample, copy)
  appendFileSync(copy, `xx${planted}xx`)
  t.equal(rawHits(copyDir, [Buffer.from(planted)]).length, 1, 'control: the raw search finds a planted plaintext in a copied store file')
  // The new epoch's blocks, as stored (ciphertext): none in D's home; the same search finds them all in C's.
  const epoch = await epochBlocks(homes.b)
  t.equal(epoch.id, newId, 'B\'s home is on the new epoch')
  t.ok(epoch.blocks.length >= 6, `${epoch.blocks.length} blocks in the new epoch (3 logs, binding + message each at least)`)
  t.equal(rawHits(homes.d, epoch.blocks).length, 0, 'D\'s home holds none of the new epoch\'s blocks')
  t.equal(rawHits(homes.c, epoch.blocks).length, epoch.blocks.length, 'control: C\'s home holds every one of them')
})

t.test('a member offline during the rotation switches by itself through another member', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes } = await lanWithRoom(t, { wifi: ['a', 'b', 'c'] }, ['a', 'b', 'c'])
  const tag = token()
  const before = ['a', 'b', 'c'].map((m) => `avant ${m} ${tag}`)
  for (const [i, m] of ['a', 'b', 'c'].entries()) await tamtam(homes[m], 'send', 'atelier', before[i])
  const { start } = nodeSet(t)
  const nodeA = await start(lan, 'a', homes.a)
  await start(lan, 'b', homes.b)
  const nodeC = await start(lan, 'c', homes.c)
  t.ok(await allHave([homes.a, homes.b, homes.c], before, 30_000), 'everyone holds the three first messages')
  const oldId = (await roomOf(homes.a)).id

  // C's node dies (no clean close), then A rotates while C is away.
  nodeC.child.kill('SIGKILL')
  await nodeC.exited
  const rekeyed = JSON.parse(await tamtam(homes.a, '--json', 'room', 'rekey', 'atelier'))
  t.equal(rekeyed.recipients, 3, 'the new key is sealed to A, B and C (C offline)')
  const newId = rekeyed.id as string
  t.not(newId, oldId)
  t.ok(await eventually(async () => (await roomOf(homes.b)).id === newId, 20_000, 200), 'B follows')
  const after = ['a', 'b'].map((m) => `après ${m} ${tag}`)
  await tamtam(homes.a, 'send', 'atelier', after[0])
  await tamtam(homes.b, 'send', 'atelier', after[1])
  t.ok(await allHave([homes.a, homes.b], after), 'A and B chat in the new epoch')
  t.equal(await nodeA.stop(), 0, 'A stops: only B is left to reach')
  t.equal((await roomOf(homes.c)).id, oldId, 'C (no node) is still on the old id')

  const restarted = await start(lan, 'c', homes.c)
  t.ok(await eventually(async () => { const r = await roomOf(homes.c); return r.id === newId && r.epoch === 1 }, 30_000, 200), 'C switches to the new epoch by itself, through B')
  t.ok(await allHave([homes.c], [...before, ...after]), 'C reads everything: before and after')
  const shown = (await items(homes.c)).filter((i) => i.type === 'msg' || i.type === 'rekey')
  const at = (text: string): number => shown.findIndex((i) => i.type === 'msg' && i.text === text)
  const line = shown.findIndex((i) => i.type === 'rekey')
  t.equal(shown.filter((i) => i.type === 'rekey').length, 1, 'one "keys changed" line in C\'s log')
  t.ok(line > Math.max(...before.map(at)) && line < Math.min(...after.map(at)), 'between the messages before and the messages after')
  t.equal((await roomOf(homes.c)).outOfDate, false, 'C is not out of date')
  t.notOk(restarted.events.some((e) => e.code === 'ROOM_OUT_OF_DATE'), 'and was never told so')
})

t.test('an invite printed before a rotation reads the old epoch only and is told it is out of date', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes, invite } = await lanWithRoom(t, { wifi: ['a', 'b', 'e'] }, ['a', 'b'])
  const tag = token()
  const before = ['a', 'b'].map((m) => `avant ${m} ${tag}`)
  for (const [i, m] of ['a', 'b'].entries()) await tamtam(homes[m], 'send', 'atelier', before[i])
  const { nodes, start } = nodeSet(t)
  await start(lan, 'a', homes.a)
  await start(lan, 'b', homes.b)
  t.ok(await allHave([homes.a, homes.b], before, 30_000), 'A and B hold the first messages')
  const oldId = (await roomOf(homes.a)).id
  const rekeyed = JSON.parse(await tamtam(homes.a, '--json', 'room', 'rekey', 'atelier'))
  const newId = rekeyed.id as string
  t.ok(await eventually(async () => (await roomOf(homes.b)).id === newId, 20_000, 200), 'B follows the rotation')
  const secrets = ['a', 'b'].map(() => token())
  const after = ['a', 'b'].map((m, i) => `après ${m} ${secrets[i]}`)
  for (const [i, m] of ['a', 'b'].entries()) await tamtam(homes[m], 'send', 'atelier', after[i])
  t.ok(await allHave([homes.a, homes.b], after), 'A and B chat in the new epoch')

  // E joins now with the invite A printed at creation, before the rotation.
  const joined = JSON.parse(await tamtam(homes.e, '--json', 'room', 'join', invite))
  t.equal(joined.id, oldId, 'the old invite names the old epoch')
  const nodeE = await start(lan, 'e', homes.e)
  // Positive marker: E does receive old-epoch data from A and B (the link works).
  t.ok(await allHave([homes.e], before, 30_000), 'E receives the old epoch\'s messages')
  t.ok(await eventually(() => nodeE.events.some((e) => e.event === 'warning' && e.code === 'ROOM_OUT_OF_DATE'), 15_000, 100), 'E\'s node warns ROOM_OUT_OF_DATE')
  const eRoom = await roomOf(homes.e)
  t.equal(eRoom.outOfDate, true, 'E\'s room list says its invite is out of date')
  t.equal(eRoom.id, oldId, 'E stays on the old id')
  t.equal(eRoom.epoch, 0)
  const answers = await tamtam(homes.e, 'log', 'atelier', '--json', '--all', '--show-hidden')
  t.same(secrets.filter((s) => answers.includes(s)), [], 'E\'s log shows none of the new messages')
  const bLog = await tamtam(homes.b, 'log', 'atelier', '--json', '--all')
  t.same(secrets.filter((s) => bLog.includes(s)), secrets, 'control: the same search finds them in B\'s log')
  for (const n of nodes) t.equal(await n.stop(), 0, `${n.host} stops cleanly`)
  t.same(rawHits(homes.e, secrets.map((s) => Buffer.from(s))).map(String), [], 'no file of E\'s home holds a new plaintext')
  // The new epoch's blocks as stored (ciphertext), from A's home: none reached E; the same search finds them all in B's.
  const epoch = await epochBlocks(homes.a)
  t.equal(epoch.id, newId, 'A\'s home is on the new epoch')
  t.equal(rawHits(homes.e, epoch.blocks).length, 0, `E's home holds none of the new epoch's ${epoch.blocks.length} blocks`)
  t.equal(rawHits(homes.b, epoch.blocks).length, epoch.blocks.length, 'control: B\'s home holds every one of them')
})
