import t from 'tap'
import { eventually, lines, link, peer } from '../helpers/peers.js'

t.test('B joins by invite and ends with the same timeline as A, in the same order, with A\'s name', async (t) => {
  const awa = await peer(t, 'Awa')
  const moussa = await peer(t, 'Moussa')
  const { invite } = await awa.createRoom('atelier')
  const room = awa.rooms.resolve('atelier')
  for (const text of ['Bonjour à tous', 'deuxième', 'troisième']) await awa.send(room, text)
  await moussa.joinRoom(invite)
  await moussa.send(moussa.rooms.resolve('atelier'), 'Salut Awa')
  await link(t, awa, moussa)

  const converged = await eventually(async () => {
    const [a, b] = [await lines(awa, 'atelier'), await lines(moussa, 'atelier')]
    return a.length === 6 && JSON.stringify(a) === JSON.stringify(b)
  })
  t.ok(converged, 'both timelines hold 2 joins and 4 messages, identically ordered')
  const b = await lines(moussa, 'atelier')
  t.match(b.join('\n'), /Awa msg Bonjour à tous/, 'A\'s message shows under A\'s name at B')
  t.match(b.join('\n'), /Moussa msg Salut Awa/, 'B\'s own message is there too')

  // Live: a message sent after the link arrives without reconnecting, and B is told.
  let updates = 0
  moussa.on('update', () => { updates++ })
  await awa.send(room, 'en direct')
  t.ok(await eventually(async () => (await lines(moussa, 'atelier')).some((l) => l.endsWith('en direct'))), 'live message arrives')
  t.ok(await eventually(() => updates > 0), 'B emitted an update event for the live redraw')
  t.equal(moussa.rooms.resolve('atelier').members.length, 1, 'B recorded A\'s log as a member (persisted in rooms.json)')
})

t.test('members spread across hops: C learns of A only through B', async (t) => {
  const [a, b, c] = await Promise.all([peer(t, 'A'), peer(t, 'B'), peer(t, 'C')])
  const { invite } = await a.createRoom('r')
  await a.send(a.rooms.resolve('r'), 'from A')
  await b.joinRoom(invite)
  await c.joinRoom(invite)
  await link(t, a, b)
  await link(t, b, c)
  t.ok(await eventually(async () => (await lines(c, 'r')).some((l) => l.endsWith('from A'))), 'C got A\'s message via B')
  await c.send(c.rooms.resolve('r'), 'from C')
  t.ok(await eventually(async () => (await lines(a, 'r')).some((l) => l.endsWith('from C'))), 'A got C\'s message via B')
})

t.test('a peer without the room learns no room, member or message', async (t) => {
  const a = await peer(t, 'A')
  const outsider = await peer(t, 'Outsider')
  await a.createRoom('secret-room')
  await a.send(a.rooms.resolve('secret-room'), 'private')
  await outsider.createRoom('other-room')
  const { a: pa, b: pb } = await link(t, a, outsider)
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.equal(pa.shared.size, 0, 'A shares no room with the outsider')
  t.equal(pb.shared.size, 0, 'the outsider shares no room with A')
  t.same(outsider.rooms.list().map((r) => r.name), ['other-room'], 'outsider room list unchanged')
  t.same(outsider.rooms.list()[0].members, [], 'outsider learned no member log')
})
