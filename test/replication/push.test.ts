/**
 * One-trip delivery (issue 19, protocol §5a) between real nodes on in-process Noise pairs:
 * new blocks arrive as pushes, are forwarded across a hop, copies are muted, and a peer
 * with pushes off (as an older tamtam) still gets every message through replication.
 * Latency is the benchmarks' business (bench/suites/wifi.ts); these count what happened.
 */
import t from 'tap'
import type { Tamtam } from '../../src/tamtam.js'
import { pushLimits, type PushStats } from '../../src/replication/push.js'
import { eventually, lines, link, peer, replicator } from '../helpers/peers.js'

async function statsOf (tt: Tamtam): Promise<PushStats> {
  const stats = (await replicator(tt)).pushStats()
  if (stats === null) throw new Error('pushes are off on this peer')
  return stats
}

async function has (tt: Tamtam, room: string, text: string): Promise<boolean> {
  return (await lines(tt, room)).some((l) => l.endsWith(` ${text}`))
}

/** Everyone in `peers` joins A's room `r`; returns A. */
async function room (a: Tamtam, others: Tamtam[]): Promise<void> {
  const { invite } = await a.createRoom('r')
  for (const o of others) await o.joinRoom(invite)
}

t.test('a new message reaches a connected peer as a push, and a peer one hop further through a forward', async (t) => {
  const [a, b, c] = await Promise.all([peer(t, 'A'), peer(t, 'B'), peer(t, 'C')])
  await room(a, [b, c])
  // 10 ms each way: with no latency at all, the receiver's own upgrade request can reach the
  // writer before its push, which then goes without the upgrade and is dropped as early.
  await link(t, a, b, { delayMs: 10 })
  await link(t, b, c, { delayMs: 10 })
  await a.send(a.rooms.resolve('r'), 'warm')
  t.ok(await eventually(async () => await has(c, 'r', 'warm')), 'the line is up: C has A\'s first message through B')
  const [beforeB, beforeC] = [{ ...await statsOf(b) }, { ...await statsOf(c) }]

  for (let i = 0; i < 5; i++) {
    await a.send(a.rooms.resolve('r'), `live ${i}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  t.ok(await eventually(async () => await has(c, 'r', 'live 4')), 'C has the five new messages')
  t.ok((await statsOf(a)).sent >= 5, 'A pushed its new blocks')
  t.equal((await statsOf(b)).received - beforeB.received, 5, 'B stored each of the five as a push from A')
  t.equal((await statsOf(c)).received - beforeC.received, 5, 'C stored each of the five as a push forwarded by B')
  t.equal((await statsOf(c)).duplicates, 0, 'C got no copies: it has one path')
  t.same((await statsOf(b)).dropped, { oversized: 0, stale: 0, early: 0, limit: 0, fork: 0, forged: 0, quota: 0, unknown: 0 }, 'nothing honest was dropped')
})

t.test('in a triangle, copies of a block are muted after the first: each peer settles on one upstream', async (t) => {
  const [a, b, c] = await Promise.all([peer(t, 'A'), peer(t, 'B'), peer(t, 'C')])
  await room(a, [b, c])
  await link(t, a, b)
  await link(t, a, c)
  await link(t, b, c)
  for (let i = 0; i < 3; i++) await a.send(a.rooms.resolve('r'), `warm ${i}`)
  t.ok(await eventually(async () => await has(b, 'r', 'warm 2') && await has(c, 'r', 'warm 2')), 'warm-up delivered')
  await new Promise((resolve) => setTimeout(resolve, 200))
  const before = (await statsOf(b)).duplicates + (await statsOf(c)).duplicates

  const n = 20
  // Further apart than pushLimits.spacingMs, so each message is pushed at once (a burst is
  // coalesced into fewer pushes, and replication can then win the race in process).
  for (let i = 0; i < n; i++) {
    await a.send(a.rooms.resolve('r'), `m ${i}`)
    await new Promise((resolve) => setTimeout(resolve, pushLimits.spacingMs + 30))
  }
  t.ok(await eventually(async () => await has(b, 'r', `m ${n - 1}`) && await has(c, 'r', `m ${n - 1}`)), 'B and C have all the messages')
  const copies = (await statsOf(b)).duplicates + (await statsOf(c)).duplicates - before
  t.comment(JSON.stringify({ before, b: await statsOf(b), c: await statsOf(c) }))
  t.ok(copies <= 2, `at most 2 copies for ${n} messages to 2 peers after the warm-up (got ${copies})`)
})

t.test('a peer with pushes off (as an older tamtam) still receives every message, and so does one that pushes to it', async (t) => {
  const a = await peer(t, 'A')
  const old = await peer(t, 'Old', { push: false })
  await room(a, [old])
  await link(t, a, old)
  const n = 20
  for (let i = 0; i < n; i++) await a.send(a.rooms.resolve('r'), `to old ${i}`)
  await old.send(old.rooms.resolve('r'), 'from old')
  t.ok(await eventually(async () => (await lines(old, 'r')).filter((l) => / to old \d+$/.test(l)).length === n), `the old peer has all ${n} messages`)
  t.ok(await eventually(async () => await has(a, 'r', 'from old')), 'and A has the old peer\'s message')
  t.equal((await replicator(old)).pushStats(), null, 'the old peer runs no pushes')
  t.equal((await statsOf(a)).sent, 0, 'A pushed nothing: the old peer never said it accepts pushes')
})
