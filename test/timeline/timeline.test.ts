import t from 'tap'
import { compareCursor } from '../../src/timeline/index.js'
import { eventually, lines, link, peer } from '../helpers/peers.js'

t.test('order is deterministic and identical on every peer, with interleaved authors', async (t) => {
  const [a, b, c] = await Promise.all([peer(t, 'A'), peer(t, 'B'), peer(t, 'C')])
  const { invite } = await a.createRoom('r')
  await b.joinRoom(invite)
  await c.joinRoom(invite)
  const rooms = [a, b, c].map((p) => p.rooms.resolve('r'))
  for (let i = 0; i < 30; i++) {
    await [a, b, c][i % 3].send(rooms[i % 3], `m${i}`)
    // Order is by the authors' clocks; two sends in the same millisecond tie-break by log key.
    await new Promise((resolve) => setTimeout(resolve, 3))
  }
  await link(t, a, b)
  await link(t, b, c)
  const same = await eventually(async () => {
    const [la, lb, lc] = await Promise.all([lines(a, 'r'), lines(b, 'r'), lines(c, 'r')])
    return la.length === 33 && JSON.stringify(la) === JSON.stringify(lb) && JSON.stringify(lb) === JSON.stringify(lc)
  })
  t.ok(same, 'three peers agree on all 33 items in the same order')
  const texts = (await lines(c, 'r')).filter((l) => / msg /.test(l)).map((l) => l.split(' ').pop())
  t.same(texts, Array.from({ length: 30 }, (_, i) => `m${i}`), 'messages sent one after another keep their order')
})

t.test('paging returns the last screen and walks back without gaps or repeats', async (t) => {
  const a = await peer(t, 'A')
  const { room } = await a.createRoom('big')
  const own = (await a.logs(room)).own
  const batch = Array.from({ length: 1000 }, (_, i) => ({ type: 'msg', text: `n${i}` }))
  await own.append(batch as never)
  const timeline = await a.timeline(room)
  const last = await timeline.page({ limit: 40 })
  t.equal(last.length, 40, 'a page holds the asked number of items')
  t.equal(last[39].text, 'n999', 'the last item is the newest')
  const seen: string[] = []
  let before
  for (let guard = 0; guard < 100; guard++) {
    const page = await timeline.page({ limit: 100, before })
    if (page.length === 0) break
    seen.unshift(...page.map((i) => i.text))
    before = { ts: page[0].ts, core: page[0].core, seq: page[0].seq }
  }
  t.equal(seen.length, 1001, 'walking back visits 1000 messages and the join exactly once')
  t.same(seen.slice(1), batch.map((b) => b.text), 'in order')
})

t.test('edits and deletes of one\'s own messages fold into the target', async (t) => {
  const a = await peer(t, 'A')
  const { room } = await a.createRoom('r')
  const first = await a.send(room, 'typo heer')
  const second = await a.send(room, 'regret this')
  const own = (await a.logs(room)).own
  await own.append([{ type: 'edit', target: first.seq, text: 'typo here' }, { type: 'delete', target: second.seq }] as never)
  const items = await (await a.timeline(room)).page()
  const edited = items.find((i) => i.seq === first.seq)
  const deleted = items.find((i) => i.seq === second.seq)
  t.equal(edited?.text, 'typo here', 'edit replaces the text')
  t.equal(edited?.edited, true, 'and marks it edited')
  t.equal(deleted?.deleted, true, 'delete marks it deleted')
  t.equal(deleted?.text, '', 'and hides its text')
  t.notOk(items.some((i) => i.type === 'edit' || i.type === 'delete'), 'edit and delete records are not shown as lines')
})

t.test('cursor comparison is a total order (table)', async (t) => {
  const cases: Array<[string, [number, string, number], [number, string, number], number]> = [
    ['earlier ts first', [1, 'b', 5], [2, 'a', 0], -1],
    ['same ts: lower core key first', [1, 'a', 9], [1, 'b', 0], -1],
    ['same ts and core: lower seq first', [1, 'a', 1], [1, 'a', 2], -1],
    ['identical', [1, 'a', 1], [1, 'a', 1], 0]
  ]
  for (const [what, x, y, sign] of cases) {
    const cmp = compareCursor({ ts: x[0], core: x[1], seq: x[2] }, { ts: y[0], core: y[1], seq: y[2] })
    t.equal(Math.sign(cmp), sign, what)
  }
})

t.test('a nickname change shows everywhere, on the author and on a peer', async (t) => {
  const [a, b] = await Promise.all([peer(t, 'Awa'), peer(t, 'B')])
  const { invite, room } = await a.createRoom('r')
  await a.send(room, 'before')
  await b.joinRoom(invite)
  await a.setNick('Awa T.')
  await a.send(room, 'after')
  t.match((await lines(a, 'r')).join('\n'), /Awa T\. msg before/, 'the author sees the new name on old messages too')
  await link(t, a, b)
  t.ok(await eventually(async () => (await lines(b, 'r')).some((l) => / Awa T\. msg after$/.test(l))), 'the peer sees the new name')
  t.ok((await lines(b, 'r')).some((l) => / Awa T\. nick Awa T\.$/.test(l)), 'and the change itself as a line')
})
