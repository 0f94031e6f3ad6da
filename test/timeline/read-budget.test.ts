/**
 * Issue 17, finding 12, in one process: a screen over a log holding 200,000 records that no
 * view shows reads a bounded number of blocks (SKIP_PER_LOG), shows a `skipped` marker, and
 * still reaches the messages behind them. Counted on the real MemberLog.read.
 */
import t from 'tap'
import { countReads } from '../helpers/reads.js'
import { peer } from '../helpers/peers.js'
import { SKIP_PER_LOG, Timeline } from '../../src/timeline/index.js'

const JUNK = 200_000

t.test('one screen over 200,000 records of an unknown type reads a bounded number of blocks', async (t) => {
  // Two logs in one view: Moussa's message, then Awa's log of junk and a message after it.
  const [awa, moussa] = await Promise.all([peer(t, 'Awa'), peer(t, 'Moussa')])
  await awa.createRoom('r')
  await moussa.createRoom('r')
  const room = awa.rooms.resolve('r')
  await moussa.send(moussa.rooms.resolve('r'), 'bonjour')
  const own = (await awa.logs(room)).own
  const now = Date.now()
  for (let i = 0; i < JUNK; i += 1000) await own.core.append(Array.from({ length: 1000 }, (_, j) => Buffer.from(JSON.stringify({ v: 1, type: 'x-unknown', ts: now + 1, n: i + j }))))
  await awa.send(room, 'fin du bruit')
  await own.indexNicknames() // as the node does in the background: the count below is the screen's alone

  const timeline = new Timeline([own, (await moussa.logs(moussa.rooms.resolve('r'))).own])
  const started = Date.now()
  const { n, value } = await countReads(async () => await timeline.page({ limit: 20 }))
  const ms = Date.now() - started
  const marker = value.find((i) => i.type === 'skipped')
  t.comment(`read-budget: one screen of 20 over ${JUNK} unknown records read ${n} records (${timeline.blocksRead} blocks) in ${ms} ms; marker ${String(marker?.skipped)} skipped`)
  t.ok(n <= SKIP_PER_LOG + 50, `read ${n} records (bound ${SKIP_PER_LOG + 50})`)
  t.same(value.filter((i) => i.type === 'msg').map((i) => i.text), ['bonjour', 'fin du bruit'], 'both messages, on either side of the junk, are shown')
  t.equal(marker?.skipped, SKIP_PER_LOG, 'with a marker of the blocks skipped, between them')
  t.ok(value.indexOf(marker as any) === value.findIndex((i) => i.text === 'fin du bruit') - 1, 'placed where the screen stopped reading')
  t.ok(ms < 3000, `in ${ms} ms (generous bound 3 s; the read count is the real check)`)

  // `log --all` promises everything: no budget, no marker, same messages.
  const all = []
  for await (const item of timeline.all()) all.push(item)
  t.same(all.filter((i) => i.type === 'msg').map((i) => i.text), ['bonjour', 'fin du bruit'], '`all()` reads everything and shows the same messages')
  t.notOk(all.some((i) => i.type === 'skipped'), 'without markers')
})
