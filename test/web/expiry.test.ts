/**
 * Disappearing messages and phones (issue 21): the host says the room's lifetime on the
 * last `items` frame (§17), the page drops what is older than the host's horizon, and the
 * host's sweep clears the expired blocks of the phone's hosted log too. Real node, real
 * WebSocket, real stores.
 */
import t from 'tap'
import { COMMANDS, SILENT } from '../../src/commands/index.js'
import { ExpiryRunner } from '../../src/expiry/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import { HistoryWindow } from '../../web/src/history.js'
import type { Item } from '../../web/src/session.js'
import { contextOf, nodeOf, peer } from '../helpers/peers.js'
import { connectPhone, phoneBinding, phoneIdentity, signedMessage } from './phone-client.js'

const run = async (tt: Tamtam, name: string, args: Record<string, unknown>): Promise<any> => await COMMANDS.get(name)!.run(contextOf(tt), args, SILENT)

t.test('the host tells the phone the lifetime, and sweeps the phone\'s hosted log', async (t) => {
  const awa = await peer(t, 'Awa', { web: { port: 0, host: '127.0.0.1' } })
  await awa.createRoom('atelier')
  const room = awa.rooms.resolve('atelier')
  await nodeOf(awa).open()
  const web = nodeOf(awa).web
  if (web === null) throw new Error('no web server')
  const phone = await connectPhone(`ws://127.0.0.1:${web.port}/ws`, room.keys.memberKey)
  t.teardown(() => phone.close())
  const me = phoneIdentity('Moussa')
  const welcome = await phone.ask({ t: 'hello', v: 1, identity: me.hex, name: me.name }, 'welcome')
  await phone.ask({ t: 'bind', binding: phoneBinding(me, room.id, welcome.core as string, welcome.host as string) }, 'bound')
  await phone.ask({ t: 'append', seq: 1, block: signedMessage(me, room.id, welcome.core as string, 1, 'bientôt effacé') }, 'appended')

  const before = await phone.ask({ t: 'history', limit: 20 }, 'items')
  t.equal(before.expire, 0, 'with no setting, the last items frame says expire 0')
  await run(awa, 'room.expire', { room: 'atelier', expire: '10s' })
  const after = await phone.ask({ t: 'history', limit: 20 }, 'items')
  t.equal(after.expire, 10, 'after `room set --expire 10s`, it says 10')
  t.ok(typeof after.horizon === 'number' && Math.abs(Number(after.horizon) - (Date.now() - 10_000)) < 5_000, 'with the host\'s horizon')

  const hosted = (await awa.logs(room)).list().find((l) => l.key === welcome.core)
  t.ok(hosted !== undefined && await hosted.core.has(1), 'the host holds the phone\'s message')
  await new Promise((resolve) => setTimeout(resolve, 11_000))
  const cleared = await new ExpiryRunner(awa).sweepAll()
  t.ok(cleared >= 1, 'a sweep 11 s later clears blocks')
  t.notOk(await hosted!.core.has(1), 'the phone\'s message is gone from its hosted log on the host')
  t.ok(await hosted!.core.has(0), 'its binding is kept')
  const late = await phone.ask({ t: 'history', limit: 20 }, 'items')
  t.notOk((late.items as Item[]).some((i) => i.text === 'bientôt effacé'), 'and the history no longer holds it')
})

t.test('the page keeps nothing older than the horizon the host gave', async (t) => {
  const item = (seq: number, ts: number): Item => ({ id: `c.${seq}`, author: '', authorKey: '', name: 'Awa', ts, type: 'msg', text: `m${seq}`, core: 'c'.repeat(64), seq })
  const window = new HistoryWindow()
  window.askLatest()
  window.take({ t: 'items', items: [item(1, 1000), item(2, 5000)], last: true, expire: 0 })
  t.same(window.all().map((i) => i.seq), [1, 2], 'expiry off: every item is kept')
  window.askLatest()
  window.take({ t: 'items', items: [item(1, 1000), item(2, 5000)], last: true, expire: 10, horizon: 3000 })
  t.same(window.all().map((i) => i.seq), [2], 'with a horizon, older items are dropped')
  t.same(window.expiry, { expire: 10, horizon: 3000 }, 'and the page knows the setting')
  window.askLatest()
  window.take({ t: 'items', items: [item(1, 1000)], last: true, expire: 'lots', horizon: 9e15 })
  t.same(window.expiry.expire, 0, 'a malformed expire counts as off')
})
