/**
 * Fuzzing what one hostile member (or relay-code holder) controls (issue 17, findings 9, 10
 * and 13): `members` junk, oversized blocks, and forks of its own log. The registry part is
 * pure and runs many cases; the parts with real corestores run fewer, each a full sync.
 */
import t from 'tap'
import fc from 'fast-check'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { eventually, link, peer, tempDir } from '../helpers/peers.js'
import { MAX_ROOM_MEMBERS, newRoomSecret, pendingMembers, RoomRegistry } from '../../src/room/index.js'
import { MAX_BLOCK_BYTES } from '../../src/log/room-logs.js'
import type { Tamtam } from '../../src/tamtam.js'

const hex = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'))
/** A `members` payload as the registry sees it: real keys, repeats, and strings that are not keys. */
const junkKeys = fc.array(fc.oneof(hex, hex, fc.string({ maxLength: 70 }), fc.constantFrom('', 'ff', 'G'.repeat(64), 'A'.repeat(64))), { maxLength: 60 })

t.test('members junk: the registry never lets unbound keys fill the room or reach rooms.json unchecked', async (t) => {
  const registry = new RoomRegistry(path.join(tempDir(t), 'rooms.json'))
  await registry.load()
  const room = await registry.add('atelier', newRoomSecret())
  const batches = fc.sample(fc.array(junkKeys, { minLength: 1, maxLength: 8 }), 300)
  let bad = 0
  for (const batch of batches) {
    room.members.splice(0)
    registry.pendingOf(room).clear()
    for (const keys of batch) {
      const fresh = await registry.addMembers(room, keys)
      if (fresh.some((k) => !/^[0-9a-f]{64}$/.test(k))) bad++
      // A random half of them prove a binding, the rest are forgotten.
      for (const k of fresh) {
        if (k.charCodeAt(0) % 2 === 0) await registry.confirm(room, k)
        else await registry.forget(room, k)
      }
    }
    const pending = registry.pendingOf(room).size
    if (pending !== 0 || room.members.length > MAX_ROOM_MEMBERS || new Set(room.members).size !== room.members.length) bad++
  }
  t.comment(`fuzz: members junk ${batches.length} cases, ${bad} failures`)
  t.equal(bad, 0, 'only 64-hex keys are taken, no key twice, confirmed keys within the cap, forgotten keys gone')
})

t.test('members junk: random keys opened in a room are never listed and are closed', async (t) => {
  const tt = await peer(t, 'Victim')
  const { room } = await tt.createRoom('atelier')
  const logs = await tt.logs(room)
  const saved = { ...pendingMembers }
  pendingMembers.unservedMs = 200
  t.teardown(() => Object.assign(pendingMembers, saved))
  const keys = fc.sample(fc.uint8Array({ minLength: 32, maxLength: 32 }), 200).map((b) => Buffer.from(b).toString('hex'))
  const fresh = await tt.rooms.addMembers(room, keys)
  for (const k of fresh) await logs.addMember(Buffer.from(k, 'hex'))
  t.equal(logs.list().length, 1, `${fresh.length} made-up keys opened, none listed (only our own log)`)
  t.ok(await eventually(() => logs.pendingCount === 0 && room.members.length === 0, 5000, 50), 'all of them pruned: closed and out of the member list')
  t.comment(`fuzz: members junk in a room: ${fresh.length} keys, listed 0, pending after prune ${logs.pendingCount}`)
})

/** A writer and a reader in one room, linked. */
async function pair (t: any): Promise<{ writer: Tamtam, reader: Tamtam }> {
  const [writer, reader] = await Promise.all([peer(t, 'Writer'), peer(t, 'Reader')])
  const { invite } = await writer.createRoom('r')
  await reader.joinRoom(invite)
  await link(t, writer, reader)
  return { writer, reader }
}

t.test('oversized blocks: a reader never stores a block over the limit, and keeps the blocks before it', async (t) => {
  const cases = fc.sample(fc.array(fc.oneof(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 2000 }), fc.integer({ min: MAX_BLOCK_BYTES + 1, max: 300_000 })), { minLength: 1, maxLength: 40 }), 8)
  let failures = 0
  for (const sizes of cases) {
    await t.test(`${sizes.length} blocks`, async (t) => {
      const { writer, reader } = await pair(t)
      const own = (await writer.logs(writer.rooms.resolve('r'))).own
      await own.core.append(sizes.map((n) => randomBytes(n)))
      const firstBad = sizes.findIndex((n) => n > MAX_BLOCK_BYTES)
      const expected = firstBad === -1 ? sizes.length + 1 : firstBad + 1
      const room = reader.rooms.resolve('r')
      const got = await eventually(async () => ((await reader.logs(room)).list().find((l) => l.key === own.key)?.core.contiguousLength ?? 0) >= expected, 30_000, 50)
      const log = (await reader.logs(room)).list().find((l) => l.key === own.key)
      // The guarantee: the oversized block itself is not kept, and every block before it is. Small blocks after it may arrive in the same batch before the limit is applied;
      // they cost no more than the record limit each and are never shown past the limit.
      // A block over the limit hidden among small ones in one subtree of the signed tree
      // (the tree bounds only a subtree's total) can arrive; it is dropped as it arrives.
      const dropped = await eventually(async () => firstBad === -1 || log === undefined || !(await log.core.has(firstBad + 1)), 5_000, 50)
      const oversizedStored = !dropped
      const ok = got && !oversizedStored
      if (!ok) failures++
      t.ok(ok, `blocks 0..${expected - 1} of ${sizes.length + 1} held (${log?.core.contiguousLength}), first oversized (${firstBad === -1 ? 'none' : firstBad + 1}) ${oversizedStored ? 'STORED' : 'not stored'}`)
    })
  }
  t.comment(`fuzz: oversized blocks ${cases.length} cases, ${failures} failures`)
})

t.test('forks: whatever a member truncates and appends, an id it showed never changes content', async (t) => {
  const cases = fc.sample(fc.record({ before: fc.integer({ min: 1, max: 30 }), cut: fc.nat(), after: fc.integer({ min: 1, max: 30 }) }), 8)
  let failures = 0
  for (const { before, cut, after } of cases) {
    await t.test(`${before} blocks, cut, ${after} more`, async (t) => {
      const { writer, reader } = await pair(t)
      const wroom = writer.rooms.resolve('r')
      const own = (await writer.logs(wroom)).own
      await own.append(Array.from({ length: before }, (_, i) => ({ type: 'msg', text: `old ${i}` })))
      const room = reader.rooms.resolve('r')
      const find = async () => (await reader.logs(room)).list().find((l) => l.key === own.key)
      t.ok(await eventually(async () => (await find())?.core.contiguousLength === before + 1, 10_000, 50), 'synced')
      const log = (await find())!
      const seen = await Promise.all(Array.from({ length: before + 1 }, async (_, i) => await log.core.get(i)))
      const to = 1 + (cut % before)
      await (own.core as unknown as { truncate: (n: number) => Promise<void> }).truncate(to)
      await own.append(Array.from({ length: after }, (_, i) => ({ type: 'msg', text: `new ${i}` })))
      const marked = await eventually(() => log.forked !== null, 10_000, 50)
      await new Promise((resolve) => setTimeout(resolve, 300))
      const now = await Promise.all(Array.from({ length: before + 1 }, async (_, i) => await log.core.get(i, { wait: false })))
      const same = now.every((b, i) => b !== null && seen[i] !== null && b.equals(seen[i]!))
      if (!marked || !same) failures++
      t.ok(marked && same, `truncated to ${to}: marked ${JSON.stringify(log.forked)}, all ${before + 1} blocks unchanged: ${same}`)
    })
  }
  t.comment(`fuzz: forks ${cases.length} cases, ${failures} failures`)
})
