/**
 * Disappearing messages across real `tamtam up` processes in network namespaces (issue
 * 21): A, B and C chat; A (the creator) sets a short lifetime; once it passes, the old
 * blocks are gone from every peer's storage, read back raw: the exact ciphertext of each
 * old block, captured before, is searched in every file of every store, with the control
 * that the same search finds it before expiry and still finds a kept block (a binding)
 * after. The room still syncs new messages, and D, joining after the expiry, never holds
 * the expired blocks and shows only the new messages.
 */
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { Tamtam } from '../../src/tamtam.js'
import { skipUnlessLan } from '../helpers/lan.js'
import { lanWithRoom, startNode, tamtam, texts, type LanNode } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'

/** The lifetime set: long enough for the late joiner to check the new messages before they expire too. */
const EXPIRE_S = 30

/** Every file of a home's store, read whole (the store is small here). */
function storeFiles (home: string): Buffer[] {
  const out: Buffer[] = []
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name)
      const stat = statSync(file, { throwIfNoEntry: false })
      if (stat === undefined) continue // removed by a compaction while we looked
      if (stat.isDirectory()) walk(file)
      else if (stat.isFile()) out.push(readFileSync(file))
    }
  }
  walk(path.join(home, 'store'))
  return out
}

/** How many of `needles` appear somewhere in the store files of `home`. */
function foundIn (home: string, needles: Buffer[]): number {
  const files = storeFiles(home)
  return needles.filter((n) => files.some((f) => f.includes(n))).length
}

/** The raw (encrypted, as stored) blocks `seqs` of a home's own log in "atelier"; the home must have no node running. */
async function rawBlocks (home: string, seqs: number[]): Promise<Buffer[]> {
  const tt = new Tamtam({ home })
  await tt.open()
  try {
    const own = (await tt.logs(tt.rooms.resolve('atelier'))).own
    const out: Buffer[] = []
    for (const seq of seqs) out.push(await own.core.get(seq, { raw: true } as never) as unknown as Buffer)
    return out
  } finally {
    await tt.close()
  }
}

t.test('after the lifetime, old blocks are gone from every store, new messages sync, a late joiner never gets the old ones', async (t) => {
  if (!skipUnlessLan(t)) return
  const tag = randomBytes(3).toString('hex')
  const { lan, homes, invite } = await lanWithRoom(t, { wifi: ['a', 'b', 'c', 'd'] }, ['a', 'b', 'c'])
  const members = ['a', 'b', 'c']
  // Three old messages from each, written before any node runs, so their raw blocks can be read.
  for (const m of members) for (let i = 1; i <= 3; i++) await tamtam(homes[m], 'send', 'atelier', `vieux ${m} ${i} ${tag}`)
  const old: Buffer[] = []
  const kept: Buffer[] = []
  for (const m of members) {
    old.push(...await rawBlocks(homes[m], [1, 2, 3]))
    kept.push(...await rawBlocks(homes[m], [0]))
  }
  t.equal(old.length, 9, 'nine old ciphertext blocks captured')
  t.ok(old.every((b) => b.length > 40 && !b.toString('latin1').includes('vieux')), 'they are ciphertext, not plaintext')

  const nodes: LanNode[] = []
  t.teardown(async () => { for (const n of nodes) await n.stop() })
  for (const m of members) nodes.push(await startNode(lan, m, homes[m]))
  const oldTexts = members.flatMap((m) => [1, 2, 3].map((i) => `vieux ${m} ${i} ${tag}`))
  t.ok(await eventually(async () => (await Promise.all(nodes.map(async (n) => await texts(n, 'atelier')))).every((x) => oldTexts.every((o) => x.includes(o))), 30_000, 300), 'A, B and C each hold all nine old messages')
  t.same(members.map((m) => foundIn(homes[m], old)), [9, 9, 9], 'control: the raw search finds all nine old blocks in every store')

  const setAt = Date.now()
  const set = JSON.parse(await tamtam(homes.a, '--json', 'room', 'set', 'atelier', '--expire', `${EXPIRE_S}s`))
  t.equal(set.expire, EXPIRE_S, `A sets a lifetime of ${EXPIRE_S} s through its node`)
  t.ok(await eventually(async () => (await Promise.all(members.map(async (m) => JSON.parse(await tamtam(homes[m], '--json', 'room', 'list'))[0].expire))).every((e) => e === EXPIRE_S), 20_000, 300), 'every peer applies it (room list shows it)')
  const gone = await eventually(() => members.every((m) => foundIn(homes[m], old) === 0), 120_000, 1000)
  t.ok(gone, `the old blocks are gone from every store (${Math.round((Date.now() - setAt) / 1000)} s after the setting)`)
  if (!gone) t.comment(`still found: ${members.map((m) => `${m}=${foundIn(homes[m], old)}`).join(' ')}`)
  t.same(members.map((m) => foundIn(homes[m], kept)), [3, 3, 3], 'control: the same search still finds every kept binding block in every store')
  for (const n of nodes) t.same((await texts(n, 'atelier')).filter((x) => x.startsWith('vieux')), [], `${n.host}'s log shows none of the old messages`)

  const fresh = members.map((m) => `récent ${m} ${tag}`)
  const sentAt = Date.now()
  for (const [i, m] of members.entries()) await tamtam(homes[m], 'send', 'atelier', fresh[i])
  t.ok(await eventually(async () => (await Promise.all(nodes.map(async (n) => await texts(n, 'atelier')))).every((x) => fresh.every((f) => x.includes(f))), 15_000, 200), 'the room still syncs: every peer gets the three new messages')

  await tamtam(homes.d, 'room', 'join', invite)
  const d = await startNode(lan, 'd', homes.d)
  nodes.push(d)
  t.ok(await eventually(async () => { const x = await texts(d, 'atelier'); return fresh.every((f) => x.includes(f)) }, 15_000, 200), 'D, joining after the expiry, gets the new messages')
  const shown = await texts(d, 'atelier')
  t.ok(Date.now() - sentAt < EXPIRE_S * 1000, 'checked before the new messages expire too')
  t.same(shown.sort(), [...fresh].sort(), 'D\'s log shows only the new messages')
  t.equal(foundIn(homes.d, old), 0, 'D\'s store holds none of the expired blocks')
  t.equal(foundIn(homes.d, kept), 3, 'control: it holds the kept binding blocks, found by the same search')
})
