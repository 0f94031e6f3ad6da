// Issue 17, finding 16: a room created and joined while two nodes are connected syncs on
// that connection, both ways, without a restart. Real `tamtam up` in two namespaces.
import t from 'tap'
import { skipUnlessLan } from '../helpers/lan.js'
import { lanWithRoom, startNode, tamtam, texts } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'

t.test('a room joined on a live connection syncs both ways', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes } = await lanWithRoom(t, { wifi: ['a', 'b'] }, ['a', 'b'])
  const a = await startNode(lan, 'a', homes.a)
  const b = await startNode(lan, 'b', homes.b)
  t.teardown(async () => { await a.stop(); await b.stop() })
  await tamtam(homes.a, 'send', 'atelier', 'connectés')
  t.ok(await eventually(async () => (await texts(b, 'atelier')).includes('connectés'), 20_000, 200), 'A and B are connected and share "atelier"')

  const { invite } = JSON.parse(await tamtam(homes.a, 'room', 'create', 'nouveau', '--json'))
  await tamtam(homes.a, 'send', 'nouveau', 'de A')
  await tamtam(homes.b, 'room', 'join', invite)
  const sent = Date.now()
  await tamtam(homes.b, 'send', 'nouveau', 'de B')
  t.ok(await eventually(async () => (await texts(a, 'nouveau')).includes('de B'), 20_000, 200), 'A gets B\'s message in the room B joined live')
  t.comment(`B's first message in the live-joined room reached A after ${Date.now() - sent} ms (polled through the CLI)`)
  t.ok(await eventually(async () => (await texts(b, 'nouveau')).includes('de A'), 20_000, 200), 'and B gets A\'s')
  const peersA = JSON.parse(await tamtam(homes.a, 'peers', '--json')) as Array<{ rooms: string[] }>
  t.same(peersA.map((p) => p.rooms.sort()), [['atelier', 'nouveau']], 'on the same single connection, which now shares both rooms')
})
