/**
 * The sealed part of a rotation and the walk that picks the current epoch, as pure
 * functions: who can open a box, where it is valid, how many records 2,000 members take,
 * and the walk's rules (first rotation wins, no cycles, no verdict on a partial rotation).
 */
import t from 'tap'
import { DmKeys } from '../../src/dm/keys.js'
import { openRekey, sealRekey, walkChain, type Rotation } from '../../src/epochs/index.js'
import { generateIdentity } from '../../src/identity/index.js'
import { encodeRecord, MAX_RECORD_BYTES, RECORD_VERSION } from '../../src/log/records.js'
import { deriveRoomKeys, newRoomSecret } from '../../src/room/index.js'

const hex = (k: { publicKey: Buffer }): string => k.publicKey.toString('hex')
const createIdentityKeys = (): ReturnType<typeof generateIdentity> => generateIdentity('m')

t.test('a box opens for its recipient only, and only where it was sealed', async (t) => {
  const [mod, member, outsider] = [createIdentityKeys(), createIdentityKeys(), createIdentityKeys()]
  const from = deriveRoomKeys(newRoomSecret()).id
  const secret = newRoomSecret()
  const [record] = sealRekey(new DmKeys(mod), from, secret, [hex(mod), hex(member)], [hex(outsider)])
  const shared = (who: typeof mod): Uint8Array | null => new DmKeys(who).sharedWith(hex(mod))
  t.same(openRekey(shared(member), from, record), secret, 'the member opens the new secret')
  t.same(openRekey(new DmKeys(mod).sharedWith(hex(mod)), from, record), secret, 'so does the moderator (a box to itself)')
  t.equal(openRekey(shared(outsider), from, record), null, 'a removed member opens nothing')
  t.equal(openRekey(shared(member), deriveRoomKeys(newRoomSecret()).id, record), null, 'a box moved into another epoch\'s log does not open as valid')
  t.equal(openRekey(shared(member), from, { ...record, next: deriveRoomKeys(newRoomSecret()).id.toString('hex') }), null, 'nor in a record announcing another epoch')
  t.same(record.removed, [hex(outsider)], 'part 0 names the removed member')
})

t.test('2,000 members take 17 records under the block limit; each member opens exactly one box', async (t) => {
  const mod = createIdentityKeys()
  const members = Array.from({ length: 1999 }, () => createIdentityKeys())
  const from = deriveRoomKeys(newRoomSecret()).id
  const secret = newRoomSecret()
  const records = sealRekey(new DmKeys(mod), from, secret, [hex(mod), ...members.map(hex)])
  t.equal(records.length, 17, '17 records')
  t.ok(records.every((r, i) => r.part === i && r.parts === 17), 'numbered parts')
  for (const r of records) t.ok(encodeRecord({ v: RECORD_VERSION, ts: 1, ...r }).length <= MAX_RECORD_BYTES, `part ${r.part} is a valid record under ${MAX_RECORD_BYTES} bytes`)
  for (const m of members.slice(0, 40)) {
    const shared = new DmKeys(m).sharedWith(hex(mod))
    t.equal(records.filter((r) => openRekey(shared, from, r) !== null).length, 1, 'one box opens for this member')
  }
})

const rotation = (from: string, next: string, ts: number, opts: Partial<Rotation> = {}): Rotation =>
  ({ from, next, ts, core: 'c'.repeat(64), seq: 1, author: 'a', complete: true, secret: Buffer.alloc(32, next.charCodeAt(0)), ...opts })

t.test('the walk: first rotation wins everywhere, cycles and replays are skipped, partial ones give no verdict', async (t) => {
  const end = walkChain('E0', [rotation('E0', 'E1b', 20), rotation('E0', 'E1a', 10), rotation('E1a', 'E2', 30)])
  t.same([end.id, end.depth, end.path], ['E2', 2, ['E0', 'E1a', 'E2']], 'the earlier of two concurrent rotations wins, whatever the order they come in')
  const cycle = walkChain('E0', [rotation('E0', 'E1', 10), rotation('E1', 'E0', 20)])
  t.same([cycle.id, cycle.depth], ['E1', 1], 'a rotation back to an epoch passed (a replay) is skipped')
  t.same(walkChain('E0', [rotation('E0', 'E1', 10, { secret: null, complete: false })]), { id: 'E0', depth: 0, secret: null, leftOut: null, path: ['E0'] }, 'a rotation with parts missing and no box yet: no verdict')
  const left = walkChain('E0', [rotation('E0', 'E1', 10, { secret: null })])
  t.equal(left.leftOut?.next, 'E1', 'a complete rotation with no box for us: left out')
  t.equal(left.id, 'E0', 'and we stay where we were')
})
