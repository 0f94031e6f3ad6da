import t from 'tap'
import { skipUnlessLan } from '../helpers/lan.js'
import { lanWithRoom, peersOf, startNode, tamtam, texts, type LanNode } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'

t.test('an outsider with another room, or a same-named room with another secret, gets nothing, and no member admits it', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes: { a, b, o } } = await lanWithRoom(t, { wifi: ['a', 'b', 'o'] }, ['a', 'b'])
  // Same name, different secret: the outsider's "atelier" is a different room.
  await tamtam(o, 'room', 'create', 'atelier')
  await tamtam(o, 'room', 'create', 'autre')
  const nodes = await Promise.all([startNode(lan, 'a', a), startNode(lan, 'b', b), startNode(lan, 'o', o)])
  const [na, nb, no] = nodes as [LanNode, LanNode, LanNode]
  const ip = (host: string): string => lan.host(host).ip

  // First the positive side: everyone is connected, and A and B run the room with each other.
  const meshed = await eventually(async () => {
    const [pa, pb, po] = await Promise.all(nodes.map(peersOf))
    return po.length === 2 && pa.length === 2 && pb.length === 2 &&
      pa.some((p) => p.host === ip('b') && p.rooms.includes('atelier')) && pb.some((p) => p.host === ip('a') && p.rooms.includes('atelier'))
  }, 10_000, 100)
  t.ok(meshed, 'the outsider is connected to both members (it is on the LAN), and the members share the room')
  // Sent while the outsider is connected; once each member has the other's message, the room
  // has been synced over the live connections, so the checks below are not just early.
  await tamtam(a, 'send', 'atelier', 'secret du groupe')
  await tamtam(b, 'send', 'atelier', 'reçu')
  t.ok(await eventually(async () => (await texts(b, 'atelier')).includes('secret du groupe'), 10_000, 50), 'B gets A\'s message')
  t.ok(await eventually(async () => (await texts(a, 'atelier')).includes('reçu'), 10_000, 50), 'A gets B\'s message')

  // The members' side: neither A nor B admitted the outsider.
  for (const [name, node] of [['A', na], ['B', nb]] as const) {
    const outsider = (await peersOf(node)).filter((p) => p.host === ip('o'))
    t.equal(outsider.length, 1, `${name} has the outsider as a connected peer`)
    t.same(outsider[0]?.rooms, [], `${name} shares no room with the outsider`)
    const rooms = JSON.parse(await tamtam(node.home, 'room', 'list', '--json'))
    t.same(rooms.map((r: any) => [r.room, r.members]), [['atelier', 2]], `${name}'s atelier holds A's and B's member logs only, none from the outsider`)
  }

  // The outsider's side.
  const outsiderPeers = await peersOf(no)
  t.equal(outsiderPeers.length, 2, 'the outsider still has both members as peers')
  t.ok(outsiderPeers.every((p) => p.rooms.length === 0), 'but shares no room with them')
  t.same(await texts(o, 'atelier'), [], 'its own "atelier" holds none of the group\'s messages')
  const rooms = JSON.parse(await tamtam(o, 'room', 'list', '--json'))
  t.same(rooms.map((r: any) => [r.room, r.members]), [['atelier', 1], ['autre', 1]], 'its room list shows nothing of the group: no new room, no member log')
  const idA = JSON.parse(await tamtam(a, 'room', 'list', '--json'))[0].id
  t.notOk(rooms.some((r: any) => r.id === idA), 'not even the room id')
  for (const node of nodes) await node.stop()
})
