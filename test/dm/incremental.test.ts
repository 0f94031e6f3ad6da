import t from 'tap'
import type { Tamtam } from '../../src/tamtam.js'
import { eventually, link, peer, contextOf } from '../helpers/peers.js'
import { countReads } from '../helpers/reads.js'

const reads = async (fn: () => Promise<unknown>): Promise<number> => (await countReads(fn)).n

const room = (tt: Tamtam): ReturnType<Tamtam['rooms']['resolve']> => tt.rooms.resolve('atelier')

t.test('polling reads only the blocks that arrived since the last poll', async (t) => {
  const [a, b] = await Promise.all([peer(t, 'Awa'), peer(t, 'Moussa')])
  const { invite } = await a.createRoom('atelier')
  await b.joinRoom(invite)
  await link(t, a, b)
  t.ok(await eventually(async () => (await b.logs(room(b))).list().length === 2 && (await a.logs(room(a))).list().length === 2), 'both logs everywhere')
  const history = 2000
  for (let i = 0; i < history; i += 500) await (await a.logs(room(a))).own.append(Array.from({ length: 500 }, (_, j) => ({ type: 'msg', text: `message ${i + j}` })))
  const ida = (await a.identity()).publicKey.toString('hex')
  await contextOf(a).dms().send(room(a), 'Moussa', 'first')
  t.ok(await eventually(async () => (await contextOf(b).dms().messages(room(b), ida)).length === 1), 'Moussa reads the first message')

  let started = performance.now()
  const idle = await reads(async () => await contextOf(b).dms().messages(room(b), ida))
  const idleMs = performance.now() - started
  t.equal(idle, 0, 'a poll with nothing new reads no block')

  await contextOf(a).dms().send(room(a), 'Moussa', 'second')
  const aAtB = (await b.logs(room(b))).list().find((l) => !l.core.writable)!
  t.ok(await eventually(() => aAtB.readable === history + 3), 'the new block arrived')
  started = performance.now()
  const one = await reads(async () => t.same((await contextOf(b).dms().messages(room(b), ida)).map((m) => m.text), ['first', 'second'], 'the new message shows'))
  t.ok(one <= 2, `one new block costs at most two reads, the dm index and the nickname index (${one})`)
  t.comment(`dm poll over ${history + 3} blocks: ${idle} blocks read and ${idleMs.toFixed(1)} ms when idle, ${one} reads and ${(performance.now() - started).toFixed(1)} ms after one new block`)
})
