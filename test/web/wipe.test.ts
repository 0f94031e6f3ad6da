/**
 * `room leave --wipe` on a node that hosts a connected phone in the room (issue 21): the
 * phone's session is closed ("room left"), its hosted log is let go, and once the node is
 * closed no file of the store holds the phone's identity (which the names of its hosted
 * cores carry: the control finds it before the wipe) nor its message's raw block. The
 * room's other member is untouched and the node keeps serving its other room.
 */
import t from 'tap'
import { COMMANDS, SILENT } from '../../src/commands/index.js'
import { contextOf, eventually, lines, link, nodeOf, peer } from '../helpers/peers.js'
import { findInFiles, text } from '../helpers/store-search.js'
import { connectPhone, phoneBinding, phoneIdentity, signedMessage } from './phone-client.js'

t.test('a phone in the wiped room is sent away and leaves nothing in the store', async (t) => {
  const awa = await peer(t, 'homea', { web: { port: 0, host: '127.0.0.1' } })
  const fatou = await peer(t, 'homef')
  const { invite } = await awa.createRoom('atelier')
  await awa.createRoom('autre')
  await fatou.joinRoom(invite)
  await link(t, awa, fatou)
  const server = nodeOf(awa).web!
  const room = awa.rooms.resolve('atelier')
  const me = phoneIdentity('Telephone-Moussa')
  const phone = await connectPhone(`ws://127.0.0.1:${server.port}/ws`, room.keys.memberKey)
  t.teardown(() => phone.close())
  const welcome = await phone.ask({ t: 'hello', v: 1, identity: me.hex, name: me.name }, 'welcome')
  await phone.ask({ t: 'bind', binding: phoneBinding(me, room.id, welcome.core as string, welcome.host as string) }, 'bound')
  await phone.ask({ t: 'append', seq: 1, block: signedMessage(me, room.id, welcome.core as string, 1, 'le téléphone parle') }, 'appended')
  t.ok(await eventually(async () => (await lines(fatou, 'atelier')).some((l) => l.includes('le téléphone parle')), 15_000, 50), 'Fatou has the phone\'s message')
  const hosted = (await awa.logs(room)).list().find((l) => l.key === welcome.core)!
  const block = await hosted.core.get(1, { wait: false, decrypt: false } as any) as Buffer
  const needles = { 'phone identity': text(me.hex), 'phone block': Buffer.from(block.subarray(block.length / 2 - 24, block.length / 2 + 24)) }
  t.equal(findInFiles(awa.paths.store, needles).length, 1, 'control: the phone\'s block is in the store before')
  t.same(findInFiles(awa.paths.store, { 'phone identity': text(me.hex) }), [], 'the phone identity is in no store file: core names are not stored')

  const result = await COMMANDS.get('room.leave')!.run(contextOf(awa), { room: 'atelier', wipe: true }, SILENT) as { cores: number }
  t.ok(result.cores >= 3, `${result.cores} cores purged`)
  const closed = await Promise.race([phone.closed, new Promise((resolve) => setTimeout(() => resolve('still open after 5 s'), 5_000))])
  t.match(closed, { reason: 'room left' }, 'the phone\'s session is closed, saying why')
  t.ok(await eventually(() => server.sessionCount === 0, 5_000, 20), 'no phone session is left')
  await awa.send(awa.rooms.resolve('autre'), 'toujours là')
  t.ok((await lines(awa, 'autre')).some((l) => l.includes('toujours là')), 'the other room still works')
  await nodeOf(awa).close()
  t.same(findInFiles(awa.paths.store, needles), [], 'after the wipe no file of the store holds either')
  t.ok((await lines(fatou, 'atelier')).some((l) => l.includes('le téléphone parle')), 'Fatou keeps her copy')
})
