/**
 * A write with no node (issue 18, item 6): `send` and `nick` open only our own log of the
 * room, not every member's; once the room's logs are open, writes go through them, and
 * every message lands once, in order.
 */
import t from 'tap'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { Tamtam } from '../../src/tamtam.js'
import { MemberLog } from '../../src/log/member-log.js'
import { tempDir } from '../helpers/peers.js'

/** Count the member logs opened by key (other members' logs) while the test runs. */
function countRemoteOpens (t: any): { count: number } {
  const seen = { count: 0 }
  const original = MemberLog.remote
  MemberLog.remote = async (...args: Parameters<typeof MemberLog.remote>) => {
    seen.count++
    return await original.apply(MemberLog, args)
  }
  t.teardown(() => { MemberLog.remote = original })
  return seen
}

async function texts (tt: Tamtam, roomName: string): Promise<string[]> {
  const items = await (await tt.timeline(tt.rooms.resolve(roomName))).page({ limit: 50 })
  return items.filter((i) => i.type === 'msg').map((i) => i.text)
}

t.test('send and nick without the room logs open touch only our own log', async (t) => {
  const home = path.join(tempDir(t), 'awa')
  const setup = new Tamtam({ home })
  await setup.init('Awa')
  const { room } = await setup.createRoom('atelier')
  // Another member, known to the room (its log is not here: opening it would create it).
  t.ok(await setup.rooms.confirm(room, randomBytes(32).toString('hex')), 'the room has a second member')
  await setup.close()

  const opened = countRemoteOpens(t)
  const tt = new Tamtam({ home })
  t.teardown(() => tt.close())
  await tt.open()
  const sent = await tt.send(tt.rooms.resolve('atelier'), 'one block')
  t.match(sent, { seq: Number, ts: Number }, 'send appends')
  await tt.setNick('Awa B')
  t.equal(opened.count, 0, 'no other member log was opened for send or nick')

  t.same(await texts(tt, 'atelier'), ['one block'], 'the timeline (every log) shows the message')
  t.equal(opened.count, 1, 'reading opens the other member log')
  await tt.send(tt.rooms.resolve('atelier'), 'through the open logs')
  t.same(await texts(tt, 'atelier'), ['one block', 'through the open logs'], 'later sends go through the open logs and show at once')
  await tt.close()

  const again = new Tamtam({ home })
  t.teardown(() => again.close())
  await again.open()
  t.same(await texts(again, 'atelier'), ['one block', 'through the open logs'], 'a fresh process reads both, in order')
  const nick = (await (await again.timeline(again.rooms.resolve('atelier'))).page({ limit: 50 })).filter((i) => i.type === 'nick')
  t.match(nick.at(-1), { text: /Awa B/ }, 'the nick record is there')
})
