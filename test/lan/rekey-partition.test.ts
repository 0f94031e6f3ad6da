/**
 * Key rotation across real `tamtam up` processes in network namespaces (issue 22,
 * src/epochs): two moderators rotate on either side of a partition and the room converges
 * on one epoch and one timeline once it heals; a member who is no moderator writes a
 * well-sealed rotation, then a copy of a moderator's real one, and nobody moves; after two
 * rotations a member's `log` shows all three epochs in order, with a "keys changed" line
 * between each.
 */
import { execFile } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { childEnv } from '../helpers/cli.js'
import { skipUnlessLan } from '../helpers/lan.js'
import { lanWithRoom, startNode, tamtam, texts, type LanNode } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/src')

/** A room's state as `room list --json` shows it through the node. */
interface Listed { id: string, epoch: number, outOfDate: boolean }
async function listed (home: string): Promise<Listed> {
  const rooms = JSON.parse(await tamtam(home, 'room', 'list', '--json')) as Array<Listed & { room: string }>
  const room = rooms.find((r) => r.room === 'atelier')
  if (room === undefined) throw new Error(`no atelier in ${home}`)
  return room
}

/** True once every home's log shows every one of `wanted`. */
async function allSee (homes: string[], wanted: string[]): Promise<boolean> {
  const seen = await Promise.all(homes.map(async (h) => await texts(h, 'atelier')))
  return seen.every((x) => wanted.every((w) => x.includes(w)))
}

/**
 * Appends rekey records to a home's own log of the room's current epoch, with the built
 * library, as a node would write them (the home's node must be stopped). 'forge': a fresh
 * rotation sealed by this home to every member it knows. 'replay': a copy of every rekey
 * record another member wrote in the past epoch. Prints what it wrote as JSON.
 */
const APPEND = `
const [home, mode] = process.argv.slice(1)
const { Tamtam } = await import('${DIST}/tamtam.js')
const { sealRekey } = await import('${DIST}/epochs/index.js')
const { DmKeys } = await import('${DIST}/dm/keys.js')
const { newRoomSecret } = await import('${DIST}/room/index.js')
const tt = new Tamtam({ home })
await tt.open()
try {
  const room = tt.rooms.resolve('atelier')
  const own = (await tt.logs(room)).own
  let records = []
  if (mode === 'forge') {
    const members = new Set()
    for (const log of await tt.allLogs(room)) { const a = await log.verifyBinding(); if (a !== null) members.add(a.identity) }
    records = sealRekey(new DmKeys(await tt.identity()), room.keys.id, newRoomSecret(), [...members])
  } else {
    for (const log of (await tt.logs(room.past[0])).list()) {
      if (log.core.writable) continue
      for (let seq = 1; seq < log.core.length; seq++) {
        const e = await log.read(seq)
        if (e?.record.type === 'rekey') { const { v, ts, ...rest } = e.record; records.push(rest) }
      }
    }
  }
  if (records.length > 0) await tt.write(async () => await own.append(records, tt.clock()))
  console.log(JSON.stringify({ records: records.length, next: [...new Set(records.map((r) => r.next))], from: room.id }))
} finally {
  await tt.close()
}
`
async function appendRekey (home: string, mode: 'forge' | 'replay'): Promise<{ records: number, next: string[], from: string }> {
  return await new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', APPEND, home, mode], { env: childEnv(), timeout: 30_000 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`append ${mode} in ${home}: ${stderr}`))
      else resolve(JSON.parse(stdout))
    })
  })
}

t.test('two moderators rotate on either side of a partition: one epoch and one timeline once it heals', async (t) => {
  if (!skipUnlessLan(t)) return
  // A line a - b - c - d: the b - c link on segment "mid" is the only way across.
  const { lan, homes } = await lanWithRoom(t, { left: ['a', 'b'], right: ['c', 'd'], mid: ['b', 'c'] }, ['a', 'b', 'c', 'd'])
  const all = ['a', 'b', 'c', 'd'].map((h) => homes[h])
  const nodes: LanNode[] = []
  t.teardown(async () => { for (const n of nodes) await n.stop() })
  for (const h of ['a', 'b', 'c', 'd']) nodes.push(await startNode(lan, h, homes[h]))
  for (const h of ['a', 'b', 'c', 'd']) await tamtam(homes[h], 'send', 'atelier', `bonjour de ${h}`)
  // A rotation is sealed to the members whose logs its author holds: everyone must hold all four.
  t.ok(await eventually(async () => await allSee(all, ['a', 'b', 'c', 'd'].map((h) => `bonjour de ${h}`)), 30_000, 300), 'the four hellos reach everyone')
  await tamtam(homes.a, 'mod', 'atelier', 'add', 'c')
  t.ok(await eventually(async () => JSON.parse(await tamtam(homes.c, 'mod', 'atelier', 'list', '--json')).moderators.length === 2, 20_000, 300), 'C knows it is a moderator')
  const start = await listed(homes.a)

  await lan.setLink('b', 'mid', false)
  await lan.setLink('c', 'mid', false)
  const [ra, rc] = await Promise.all([tamtam(homes.a, '--json', 'room', 'rekey', 'atelier'), tamtam(homes.c, '--json', 'room', 'rekey', 'atelier')].map(async (p) => JSON.parse(await p)))
  t.not(ra.id, rc.id, 'A and C each made a new epoch')
  await tamtam(homes.a, 'send', 'atelier', 'côté A')
  await tamtam(homes.b, 'send', 'atelier', 'côté B')
  await tamtam(homes.c, 'send', 'atelier', 'côté C')
  await tamtam(homes.d, 'send', 'atelier', 'côté D')
  // Each side follows its own moderator and reads itself: proof the rotations went through before the heal.
  t.ok(await eventually(async () => await allSee([homes.a, homes.b], ['côté A', 'côté B']) && await allSee([homes.c, homes.d], ['côté C', 'côté D']), 20_000, 300), 'each side reads its own side')
  const split = await Promise.all(all.map(listed))
  t.same(split.map((l) => l.id), [ra.id, ra.id, rc.id, rc.id], 'during the partition A and B are on A\'s epoch, C and D on C\'s')
  t.notOk((await texts(homes.d, 'atelier')).includes('côté A'), 'and the partition holds: D has not read A')

  const healedAt = Date.now()
  await lan.setLink('b', 'mid', true)
  await lan.setLink('c', 'mid', true)
  const one = await eventually(async () => new Set((await Promise.all(all.map(listed))).map((l) => l.id)).size === 1, 60_000, 300)
  const after = await Promise.all(all.map(listed))
  t.ok(one, `after healing, all four agree on one epoch (${Math.round((Date.now() - healedAt) / 1000)} s)`)
  if (!one) t.comment(JSON.stringify(after))
  t.ok([ra.id, rc.id].includes(after[0].id), 'it is one of the two rotations')
  t.not(after[0].id, start.id, 'not the epoch before')
  t.same(after.map((l) => [l.epoch, l.outOfDate]), all.map(() => [1, false]), 'everyone at epoch 1, nobody out of date')
  const sides = ['côté A', 'côté B', 'côté C', 'côté D']
  t.ok(await eventually(async () => await allSee(all, sides), 30_000, 300), 'one timeline: everyone reads both sides\' messages')
  await tamtam(homes.d, 'send', 'atelier', 'après la réunion')
  t.ok(await eventually(async () => await allSee(all, ['après la réunion']), 20_000, 300), 'a message sent after healing reaches everyone')
  const timeline = await texts(homes.b, 'atelier')
  t.same(timeline.filter((x) => x.startsWith('côté')).sort(), sides, 'each side\'s message shows once')
})

t.test('a non-moderator\'s rotation and a replayed one move nobody', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes } = await lanWithRoom(t, { wifi: ['a', 'b', 'c'] }, ['a', 'b', 'c'])
  const all = [homes.a, homes.b, homes.c]
  const nodes = new Map<string, LanNode>()
  t.teardown(async () => { for (const n of nodes.values()) await n.stop() })
  for (const h of ['a', 'b', 'c']) nodes.set(h, await startNode(lan, h, homes[h]))
  for (const h of ['a', 'b', 'c']) await tamtam(homes[h], 'send', 'atelier', `bonjour de ${h}`)
  t.ok(await eventually(async () => await allSee(all, ['bonjour de a', 'bonjour de b', 'bonjour de c']), 30_000, 300), 'the three hellos reach everyone')
  const first = await listed(homes.a)

  /** Stop B's node, append rekey records to its own log, start it again, send `marker`. */
  const bWrites = async (mode: 'forge' | 'replay', marker: string): Promise<{ records: number, next: string[], from: string }> => {
    t.equal(await nodes.get('b')!.stop(), 0, 'B\'s node stops')
    const wrote = await appendRekey(homes.b, mode)
    nodes.set('b', await startNode(lan, 'b', homes.b))
    await tamtam(homes.b, 'send', 'atelier', marker)
    // The marker sits after the rekey records in B's log: whoever shows it holds them too.
    t.ok(await eventually(async () => await allSee(all, [marker]), 30_000, 300), `everyone shows B's marker "${marker}"`)
    await new Promise((resolve) => setTimeout(resolve, 1000)) // the runner walks the chain 100 ms after an update
    return wrote
  }

  const forged = await bWrites('forge', 'marqueur après la fausse rotation')
  t.ok(forged.records >= 1 && forged.from === first.id, 'B wrote a sealed rotation leaving the current epoch')
  t.same((await Promise.all(all.map(listed))).map((l) => [l.id, l.epoch, l.outOfDate]), all.map(() => [first.id, 0, false]), 'nobody moved, B included, and nobody is out of date')

  const real = JSON.parse(await tamtam(homes.a, '--json', 'room', 'rekey', 'atelier'))
  t.equal(real.epoch, 1, 'A rotates for real')
  t.ok(await eventually(async () => (await Promise.all(all.map(listed))).every((l) => l.id === real.id), 30_000, 300), 'everyone follows A')

  const replayed = await bWrites('replay', 'marqueur après la copie')
  t.ok(replayed.records >= 1, 'B copied A\'s rekey record into its log')
  t.same(replayed.next, [real.id], 'a copy that names the epoch everyone is on')
  t.same((await Promise.all(all.map(listed))).map((l) => [l.id, l.epoch, l.outOfDate]), all.map(() => [real.id, 1, false]), 'the replay moves nobody and leaves nobody out of date')
  await tamtam(homes.a, 'send', 'atelier', 'fin')
  t.ok(await eventually(async () => await allSee(all, ['fin']), 20_000, 300), 'the room still works')
})

t.test('after two rotations, a member\'s log shows the three epochs in order with "keys changed" between', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes } = await lanWithRoom(t, { wifi: ['a', 'b'] }, ['a', 'b'])
  const nodes: LanNode[] = []
  t.teardown(async () => { for (const n of nodes) await n.stop() })
  for (const h of ['a', 'b']) nodes.push(await startNode(lan, h, homes[h]))
  const said: string[] = []
  /** A then B say something in epoch `e`; B must read both before the next rotation. */
  const chat = async (e: number): Promise<void> => {
    for (const h of ['a', 'b']) {
      said.push(`époque ${e}, ${h}`)
      await tamtam(homes[h], 'send', 'atelier', said[said.length - 1])
    }
    t.ok(await eventually(async () => await allSee([homes.a, homes.b], said), 20_000, 200), `epoch ${e}: both read everything so far`)
  }
  await chat(0)
  for (const e of [1, 2]) {
    const r = JSON.parse(await tamtam(homes.a, '--json', 'room', 'rekey', 'atelier'))
    t.equal(r.epoch, e, `A rotates to epoch ${e}`)
    t.ok(await eventually(async () => (await listed(homes.b)).id === r.id, 20_000, 200), `B follows to epoch ${e}`)
    await chat(e)
  }

  const items = (await tamtam(homes.b, 'log', 'atelier', '--json', '--all')).trim().split('\n').map((l) => JSON.parse(l)) as Array<{ id: string, type: string, text: string, name: string }>
  const shown = items.filter((i) => i.type === 'msg' || i.type === 'rekey').map((i) => i.type === 'rekey' ? `rekey by ${i.name}` : i.text)
  t.same(shown, [...said.slice(0, 2), 'rekey by a', ...said.slice(2, 4), 'rekey by a', ...said.slice(4)], 'B\'s log --json: epoch 0, keys changed, epoch 1, keys changed, epoch 2')
  // Each epoch's messages come from other logs (a new log per member per epoch): three per author.
  const cores = (name: string): number => new Set(items.filter((i) => i.type === 'msg' && i.name === name).map((i) => i.id.split('.')[0])).size
  t.same([cores('a'), cores('b')], [3, 3], 'each author\'s messages come from three logs, one per epoch')

  const text = (await tamtam(homes.b, 'log', 'atelier', '--all')).split('\n')
  const at = (s: string): number => text.findIndex((l) => l.endsWith(s))
  const changed = text.map((l, i) => l.endsWith(': keys changed') ? i : -1).filter((i) => i >= 0)
  t.equal(changed.length, 2, 'B\'s log shows two "keys changed" lines')
  const order = [at(said[0]), at(said[1]), changed[0], at(said[2]), at(said[3]), changed[1], at(said[4]), at(said[5])]
  t.ok(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1])), `in order: ${order.join(' ')}`)
})
