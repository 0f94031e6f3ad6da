import t from 'tap'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { RoomRegistry, newRoomSecret } from '../../src/room/index.js'
import { tempDir } from '../helpers/peers.js'

t.test('many concurrent member updates (as from a 10-peer mesh) all land, with no write error', async (t) => {
  const file = path.join(tempDir(t), 'rooms.json')
  const registry = new RoomRegistry(file)
  await registry.load()
  const room = await registry.add('atelier', newRoomSecret())
  const keys = Array.from({ length: 50 }, () => randomBytes(32).toString('hex'))
  await t.resolves(Promise.all(keys.map((k) => registry.addMembers(room, [k]))), 'no rename race')
  const reread = new RoomRegistry(file)
  await reread.load()
  t.same(reread.resolve('atelier').members.sort(), keys.sort(), 'every key persisted')
})

t.test('a damaged rooms.json is a clear error, not a silent empty list', async (t) => {
  const dir = tempDir(t)
  const file = path.join(dir, 'rooms.json')
  const { writeFileSync } = await import('node:fs')
  writeFileSync(file, JSON.stringify({ version: 1, rooms: [{ name: 'x', secret: 'nothex' }] }))
  await t.rejects(new RoomRegistry(file).load(), { code: 'HOME_INVALID' })
})

t.test('a truncated rooms.json (not JSON) is HOME_INVALID', async (t) => {
  const file = path.join(tempDir(t), 'rooms.json')
  const { writeFileSync } = await import('node:fs')
  writeFileSync(file, '{"version":1,"rooms":[{"na')
  await t.rejects(new RoomRegistry(file).load(), { code: 'HOME_INVALID' })
})

t.test('member keys from peers are capped per room, so a member cannot make us open millions of cores', async (t) => {
  const { MAX_ROOM_MEMBERS } = await import('../../src/room/index.js')
  const registry = new RoomRegistry(path.join(tempDir(t), 'rooms.json'))
  await registry.load()
  const room = await registry.add('atelier', newRoomSecret())
  const keys = Array.from({ length: MAX_ROOM_MEMBERS + 100 }, () => randomBytes(32).toString('hex'))
  const fresh = await registry.addMembers(room, [...keys, keys[0]])
  t.equal(fresh.length, MAX_ROOM_MEMBERS, `only ${MAX_ROOM_MEMBERS} accepted`)
  t.equal(room.members.length, MAX_ROOM_MEMBERS, 'and stored')
  t.same(await registry.addMembers(room, [randomBytes(32).toString('hex')]), [], 'a full room takes no more')
})
