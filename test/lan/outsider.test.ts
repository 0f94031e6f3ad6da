import t from 'tap'
import { skipUnlessLan } from '../helpers/lan.js'
import { lanWithRoom, peersOf, startNode, tamtam, texts } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'

t.test('an outsider with another room, or a same-named room with another secret, gets nothing', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes: { a, b, o } } = await lanWithRoom(t, { wifi: ['a', 'b', 'o'] }, ['a', 'b'])
  // Same name, different secret: the outsider's "atelier" is a different room.
  await tamtam(o, 'room', 'create', 'atelier')
  await tamtam(o, 'room', 'create', 'autre')
  const nodes = await Promise.all([startNode(lan, 'a', a), startNode(lan, 'b', b), startNode(lan, 'o', o)])
  await tamtam(a, 'send', 'atelier', 'secret du groupe')
  t.ok(await eventually(async () => (await texts(b, 'atelier')).includes('secret du groupe'), 5000, 50), 'the member gets the message')
  t.ok(await eventually(async () => (await peersOf(nodes[2])).length === 2, 5000, 50), 'the outsider is connected to both (it is on the LAN)')

  const outsiderPeers = await peersOf(nodes[2])
  t.ok(outsiderPeers.every((p) => p.rooms.length === 0), 'but shares no room with them')
  t.same(await texts(o, 'atelier'), [], 'its own "atelier" holds none of the group\'s messages')
  const rooms = JSON.parse(await tamtam(o, 'room', 'list', '--json'))
  t.same(rooms.map((r: any) => [r.room, r.members]), [['atelier', 1], ['autre', 1]], 'its room list shows nothing of the group: no new room, no member log')
  const idA = JSON.parse(await tamtam(a, 'room', 'list', '--json'))[0].id
  t.notOk(rooms.some((r: any) => r.id === idA), 'not even the room id')
  for (const node of nodes) await node.stop()
})
