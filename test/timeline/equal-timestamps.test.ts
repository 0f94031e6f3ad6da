/**
 * Timeline order when timestamps tie (issue 16, guarantees item 4). Three peers share one
 * fixed clock, so every message has the same ts and only the (core, seq) tie-break orders
 * them. timeline.test.ts sleeps between sends and cannot see that tie-break: with it
 * removed, each peer merged equal timestamps in its own order of logs.
 */
import t from 'tap'
import { compareCursor } from '../../src/timeline/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import { eventually, link, peer } from '../helpers/peers.js'

/**
 * One instant for every message of every peer. It is in the past: a record is never placed
 * after the moment its reader first saw it (protocol §4, placement), so a shared clock in
 * the future would be clamped to each reader's own arrival times.
 */
const FIXED_TS = Date.UTC(2024, 0, 1)
const PER_PEER = 4

/** The room "r" as a peer shows it: every item with its position. */
async function view (tt: Tamtam): Promise<Array<{ id: string, type: string, text: string, ts: number, core: string, seq: number }>> {
  const items = await (await tt.timeline(tt.rooms.resolve('r'))).page({ limit: 100 })
  return items.map(({ id, type, text, ts, core, seq }) => ({ id, type, text, ts, core, seq }))
}

t.test('equal timestamps: three peers show the same order, which is (ts, core, seq)', async (t) => {
  const clock = (): number => FIXED_TS
  const [a, b, c] = await Promise.all(['A', 'B', 'C'].map(async (n) => await peer(t, n, { clock })))
  const { invite } = await a.createRoom('r')
  await b.joinRoom(invite)
  await c.joinRoom(invite)
  // Interleaved, and each peer writes before it hears from the others.
  for (let i = 0; i < PER_PEER; i++) {
    for (const [name, p] of [['A', a], ['B', b], ['C', c]] as const) await p.send(p.rooms.resolve('r'), `${name}${i}`)
  }
  await link(t, a, b)
  await link(t, b, c)
  const total = 3 + 3 * PER_PEER
  t.ok(await eventually(async () => (await Promise.all([a, b, c].map(view))).every((v) => v.length === total)), `every peer shows all ${total} items (3 joins, ${3 * PER_PEER} messages)`)

  const [va, vb, vc] = await Promise.all([a, b, c].map(view))
  const messages = va.filter((i) => i.type === 'msg')
  t.equal(messages.length, 3 * PER_PEER, 'all messages are there')
  t.ok(messages.every((i) => i.ts === FIXED_TS), 'every message carries the one fixed timestamp')
  t.equal(new Set(messages.map((i) => i.core)).size, 3, 'from three different logs')

  const ids = (v: typeof va): string[] => v.map((i) => i.id)
  t.same(ids(vb), ids(va), 'B shows the same order as A')
  t.same(ids(vc), ids(va), 'C shows the same order as A')

  // The order itself: by ts, then core key, then block number, computed here independently.
  const expected = [...va].sort((x, y) => x.ts - y.ts || (x.core < y.core ? -1 : x.core > y.core ? 1 : 0) || x.seq - y.seq)
  t.same(ids(va), ids(expected), 'the order is (ts, core, seq)')
  t.ok(va.every((x, i) => i === 0 || compareCursor(va[i - 1], x) < 0), 'compareCursor agrees: strictly increasing, no two items tie')
  const byCore = messages.map((i) => i.core)
  t.ok(byCore.every((k, i) => i === 0 || byCore[i - 1] <= k), 'so the messages come log by log, lowest core key first, not in sending order')

  // Paging walks back from a cursor inside a run of equal (ts, core): only seq separates
  // the items there, so a page boundary must neither skip nor repeat one.
  for (const [name, p] of [['A', a], ['B', b], ['C', c]] as const) {
    const timeline = await p.timeline(p.rooms.resolve('r'))
    const walked: string[] = []
    let before
    for (let guard = 0; guard < 20; guard++) {
      const page = await timeline.page({ limit: 3, before })
      if (page.length === 0) break
      walked.unshift(...page.map((i) => i.id))
      before = { ts: page[0].ts, core: page[0].core, seq: page[0].seq }
    }
    t.same(walked, ids(va), `${name}: paging back 3 at a time gives the same order, nothing skipped or repeated`)
  }
})
