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

t.test('a peer without the room learns no room, member or message of it', async (t) => {
  const a = await peer(t, 'A')
  const outsider = await peer(t, 'Outsider')
  const { room: secret } = await a.createRoom('secret-room')
  await a.send(secret, 'private')
  await outsider.createRoom('other-room')
  // One room in common, so that the link carries something the outsider must receive.
  const { room: common, invite } = await a.createRoom('commune')
  await outsider.joinRoom(invite)
  const { a: pa, b: pb } = await link(t, a, outsider)
  // The marker: A's message in the common room, written after the private one and sent on
  // the same link after A's hello (which carries A's proofs for both rooms). Once the
  // outsider shows it, the link has had its chance to leak; only then check the absence.
  await a.send(common, 'marqueur')
  t.ok(await eventually(async () => (await lines(outsider, 'commune')).some((l) => l.endsWith('marqueur'))), 'the outsider gets A\'s later message in the room they share')
  t.same([...pa.shared], [common.id], 'A shares only the common room with the outsider')
  t.same([...pb.shared], [common.id], 'the outsider shares only the common room with A')
  t.same(outsider.rooms.list().map((r) => r.name).sort(), ['commune', 'other-room'], 'outsider room list: no secret room')
  t.same(outsider.rooms.list().find((r) => r.name === 'other-room')?.members, [], 'outsider learned no member log for its own room')
  const aLogs = (await a.logs(secret)).list().map((l) => l.key)
  const known = outsider.rooms.list().flatMap((r) => r.members)
  t.notOk(aLogs.some((k) => known.includes(k)), 'nor any of the secret room\'s member logs')
})
