import t from 'tap'
import { INDEX_KEY, MAX_INDEXED_POSITIONS } from '../../src/log/log-index.js'
import type { NewRecord } from '../../src/log/records.js'
import { Tamtam } from '../../src/tamtam.js'
import { NodeContext } from '../../src/node/context.js'
import { appendMany, eventually, link, peer, contextOf, whileProgressing } from '../helpers/peers.js'
import { countReads } from '../helpers/reads.js'

const room = (tt: Tamtam): ReturnType<Tamtam['rooms']['resolve']> => tt.rooms.resolve('atelier')

/**
 * Awa and Moussa in one room, linked once each knows the other's log. `before` runs on Awa
 * before the link: a backlog that arrives at the first sync, since the same blocks
 * appended live would trip the flood quota (src/log/room-logs.ts).
 */
async function pair (t: any, before: (a: Tamtam) => Promise<void> = async () => {}): Promise<{ a: Tamtam, b: Tamtam, ida: string }> {
  const [a, b] = await Promise.all([peer(t, 'Awa'), peer(t, 'Moussa')])
  const { invite } = await a.createRoom('atelier')
  await b.joinRoom(invite)
  await before(a)
  await link(t, a, b)
  const bound = async (tt: Tamtam): Promise<boolean> => {
    const logs = (await tt.logs(room(tt))).list()
    return logs.length === 2 && (await Promise.all(logs.map(async (l) => await l.verifyBinding()))).every((x) => x !== null)
  }
  t.ok(await eventually(async () => await bound(a) && await bound(b), 60_000), 'both logs, bound, everywhere')
  return { a, b, ida: (await a.identity()).publicKey.toString('hex') }
}

t.test('a fresh process finds the DMs of a big room through the log index, not by reading every block', async (t) => {
  const { a, b, ida } = await pair(t, async (a) => await appendMany(a, 'atelier', 20_000, (i) => ({ type: 'msg', text: `message ${i}` }) as NewRecord))
  await contextOf(a).dms().send(room(a), 'Moussa', 'rendez-vous à 17h')
  await appendMany(a, 'atelier', 100, (i) => ({ type: 'msg', text: `later ${i}` }) as NewRecord)
  const aAtB = (await b.logs(room(b))).list().find((l) => !l.core.writable)!
  t.ok(await whileProgressing(() => aAtB.readable, 20_102), 'every block reached Moussa', { readable: aAtB.readable })
  t.same((await contextOf(b).dms().messages(room(b), ida)).map((m) => m.text), ['rendez-vous à 17h'], 'Moussa reads it in the running process')

  // A new process on Moussa's home: only the index persisted by the first one is there.
  const home = b.home
  await b.close()
  const again = new Tamtam({ home })
  t.teardown(() => again.close())
  await again.open()
  const { n, value } = await countReads(async () => await new NodeContext(again).dms().messages(room(again), ida))
  t.same(value.map((m) => m.text), ['rendez-vous à 17h'], 'the reopened home shows the DM')
  t.ok(n <= 5, `reading it took ${n} block reads, not one per block of the 20,102`)
})

t.test('past the index cap of DM positions, later DMs are still found (by reading the rest)', async (t) => {
  // Junk DM records (well formed, nobody can open them) fill the index up to its cap.
  const junk = { nonce: Buffer.alloc(24, 1).toString('base64'), box: Buffer.alloc(64, 2).toString('base64') }
  const { a, b, ida } = await pair(t, async (a) => await appendMany(a, 'atelier', MAX_INDEXED_POSITIONS + 5, () => ({ type: 'dm', ...junk }) as NewRecord))
  await contextOf(a).dms().send(room(a), 'Moussa', 'après le plafond')
  const aAtB = (await b.logs(room(b))).list().find((l) => !l.core.writable)!
  t.ok(await whileProgressing(() => aAtB.readable, MAX_INDEXED_POSITIONS + 7), 'every block reached Moussa', { readable: aAtB.readable })
  t.same((await contextOf(b).dms().messages(room(b), ida)).map((m) => m.text), ['après le plafond'], 'Moussa reads the DM written after the cap')
  t.same((await contextOf(a).dms().messages(room(a), (await b.identity()).publicKey.toString('hex'))).map((m) => m.text), ['après le plafond'], 'Awa reads her own DM after the cap')
})

t.test('an index written by an older version, or damaged, is rebuilt and no DM is lost', async (t) => {
  const { a, b, ida } = await pair(t)
  await contextOf(a).dms().send(room(a), 'Moussa', 'avant')
  t.ok(await eventually(async () => (await contextOf(b).dms().messages(room(b), ida)).length === 1), 'the DM reached Moussa and was read, so the index exists')
  const home = b.home
  await b.close()

  const damaged = new Tamtam({ home })
  t.teardown(() => damaged.close())
  await damaged.open()
  const log = (await damaged.logs(room(damaged))).list().find((l) => !l.core.writable)!
  await log.core.setUserData(INDEX_KEY, Buffer.from('{"scanned":'))
  await damaged.close()

  const again = new Tamtam({ home })
  t.teardown(() => again.close())
  await again.open()
  t.same((await new NodeContext(again).dms().messages(room(again), ida)).map((m) => m.text), ['avant'], 'the DM is found after the damaged index is rebuilt')
})
