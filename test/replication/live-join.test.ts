import t from 'tap'
import { eventually, lines, link, peer } from '../helpers/peers.js'
import { roomProof } from '../../src/replication/messages.js'

t.test('a room joined while a connection is up syncs on that connection, both ways', async (t) => {
  const [a, b] = await Promise.all([peer(t, 'A'), peer(t, 'B')])
  const { invite } = await a.createRoom('atelier')
  await a.send(a.rooms.resolve('atelier'), 'avant')
  // A room both hold already: once it is shared, both first hellos have been handled.
  await a.joinRoom((await b.createRoom('autre')).invite)
  const { a: atA, b: atB } = await link(t, a, b)
  t.ok(await eventually(() => atA.shared.size === 1 && atB.shared.size === 1, 5_000), 'linked: the first hellos are done, and only "autre" is shared')
  await b.joinRoom(invite)
  t.ok(await eventually(async () => (await lines(b, 'atelier')).some((l) => l.endsWith('avant'))), 'B gets A\'s message without reconnecting')
  await b.send(b.rooms.resolve('atelier'), 'après')
  t.ok(await eventually(async () => (await lines(a, 'atelier')).some((l) => l.endsWith('après'))), 'and A gets B\'s')
  t.ok(atA.shared.size === 2 && atB.shared.size === 2, 'both sides now share both rooms')
})

t.test('a want counts only with a member proof: a capability proof (what a relay holds) is ignored', async (t) => {
  const [a, b] = await Promise.all([peer(t, 'A'), peer(t, 'B')])
  const { invite } = await a.createRoom('atelier')
  await b.joinRoom(invite)
  const { a: atA, b: atB } = await link(t, a, b)
  t.ok(await eventually(() => atA.shared.size === 1 && atB.shared.size === 1), 'room shared')
  const room = b.rooms.resolve('atelier')
  const wants: unknown[] = []
  atB.on('want', (_room, want) => wants.push(want))
  const stream = atA.stream
  const send = (atA as unknown as { wantMessage: { send: (m: unknown) => void } }).wantMessage
  const core = Buffer.alloc(32, 7)
  // What a relay could make: the capability proof, which relay codes carry.
  send.send({ tag: roomProof(room.keys.capability, stream.handshakeHash as Buffer, stream.isInitiator), core, start: 0, length: 3 })
  // The positive marker, sent after it on the same ordered channel: a real member's want.
  atA.sendWant({ ...roomAsSync(room) }, core, 5, 1)
  t.ok(await eventually(() => wants.length > 0, 5_000), 'the member\'s want arrived')
  t.same(wants, [{ core, start: 5, length: 1 }], 'only the member\'s want was taken; the capability one was not')
  t.equal(atB.ignored, 1, 'the capability-only want was counted as ignored')
})

/** The room as the room protocol sees it (only the fields sendWant reads). */
function roomAsSync (room: { id: string, name: string, keys: { capability: Buffer, memberKey: Buffer } }): any {
  return { id: room.id, name: room.name, capability: room.keys.capability, memberKey: room.keys.memberKey }
}
