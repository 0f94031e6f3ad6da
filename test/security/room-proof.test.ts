/**
 * Room proofs are bound to the Noise session (issue 16, guarantees 1 and 2). Members A and
 * B hold the room "atelier". An outsider, who does not, records A's genuine proof and
 *  - replays it to B on a new connection, in the same Noise role A had (so only the
 *    handshake hash tells the two apart): B must not share the room nor send a key of it;
 *  - echoes it back to A on the same connection (so only the role byte tells them apart):
 *    A must refuse it the same way.
 * Everything is real: Tamtams on corestores in temp dirs, the connection manager on
 * 127.0.0.1, Noise. The outsider is a hand-made peer speaking the real encodings.
 *
 * "Nothing was sent" is only checked after a positive marker: the outsider also shares a
 * second room, "marqueur", and appends a valid proof of it after the stolen ones. Both
 * nodes handle a hello's proofs in order, sending `members` then `self` for each room
 * accepted before looking at the next proof, on one ordered channel. So once the members
 * of "marqueur" have arrived, any message the stolen proof triggered has arrived too.
 */
import t from 'tap'
import { roomProof } from '../../src/replication/messages.js'
import { decodeInvite, deriveRoomKeys } from '../../src/room/index.js'
import { eventually, replicator } from '../helpers/peers.js'
import { loopbackMember as member, type LoopbackMember as Member } from './loopback-member.js'
import { dialRaw, RawListener, type RawRoomPeer } from './raw-room-peer.js'

const WAIT_MS = 5000

/** A and B hold "atelier" and "marqueur"; the outsider knows only the capability of "marqueur". */
async function world (t: any): Promise<{ a: Member, b: Member, atelier: { capability: Buffer, id: string, logs: string[] }, marker: { capability: Buffer, id: string }, listener: RawListener }> {
  const [a, b] = await Promise.all([member(t, 'A'), member(t, 'B')])
  const { room, invite } = await a.tt.createRoom('atelier')
  const marker = await a.tt.createRoom('marqueur')
  await b.tt.joinRoom(invite)
  await b.tt.joinRoom(marker.invite)
  const logs = [(await a.tt.logs(room)).own.key, (await b.tt.logs(b.tt.rooms.resolve('atelier'))).own.key]
  const listener = new RawListener()
  t.teardown(() => listener.close())
  await listener.listen()
  const markerKeys = deriveRoomKeys(decodeInvite(marker.invite).secret)
  return { a, b, atelier: { capability: room.keys.capability, id: room.id, logs }, marker: { capability: markerKeys.capability, id: marker.room.id }, listener }
}

/** A session between the outsider and a member; `outsiderDials` picks the Noise roles. */
async function connect (listener: RawListener, to: Member, outsiderDials: boolean): Promise<RawRoomPeer> {
  let session: RawRoomPeer | undefined
  if (outsiderDials) {
    session = dialRaw(to.manager.port)
  } else {
    const before = listener.sessions.length
    to.manager.addManual('127.0.0.1', listener.port)
    if (!await eventually(() => listener.sessions.length > before, WAIT_MS)) throw new Error('the member never dialled the outsider')
    session = listener.sessions[before]
  }
  const s = session
  if (!await eventually(() => s.opened && s.hellos.length > 0, WAIT_MS)) throw new Error('no hello from the member within 5 s')
  return s
}

/** The member's side of its session with the outsider. */
async function sessionOf (m: Member, outsider: RawRoomPeer) {
  const session = (await replicator(m.tt)).list().find((p) => p.stream.remotePublicKey?.equals(outsider.stream.publicKey as Buffer))
  if (session === undefined) throw new Error('the member has no session with the outsider')
  return session
}

const includes = (list: Buffer[], value: Buffer): boolean => list.some((x) => x.equals(value))

/**
 * Send `stolen` proofs then a valid proof of "marqueur"; resolve once the member's members
 * message for "marqueur" (the marker) arrived. Returns the tag the member would use for
 * "atelier" on this session, had it accepted the room.
 */
async function sendAndWaitForMarker (t: any, session: RawRoomPeer, stolen: Buffer[], w: Awaited<ReturnType<typeof world>>): Promise<Buffer> {
  const hash = session.handshakeHash
  session.sendHello([...stolen, roomProof(w.marker.capability, hash, session.initiator)])
  const markerTag = roomProof(w.marker.capability, hash, !session.initiator)
  t.ok(await eventually(() => includes(session.members.map((m) => m.tag), markerTag), WAIT_MS), 'marker: the member accepted the valid proof of "marqueur" and sent its members')
  return roomProof(w.atelier.capability, hash, !session.initiator)
}

async function checkNothingLeaked (t: any, m: Member, session: RawRoomPeer, atelierTag: Buffer, w: Awaited<ReturnType<typeof world>>): Promise<void> {
  t.notOk(includes(session.tags(), atelierTag), 'no members or self message for "atelier"')
  t.same(session.coreKeys().filter((k) => w.atelier.logs.includes(k)), [], 'no member-log key of "atelier"')
  const mine = await sessionOf(m, session)
  t.notOk(mine.shared.has(w.atelier.id), 'the member does not share "atelier" with the outsider')
  t.ok(mine.shared.has(w.marker.id), 'control: it does share "marqueur"')
}

for (const outsiderDialsA of [true, false]) {
  const roles = outsiderDialsA ? 'A is the responder' : 'A is the initiator'

  t.test(`a proof recorded from A and replayed to B on a new connection is refused (${roles})`, async (t) => {
    const w = await world(t)
    const fromA = await connect(w.listener, w.a, outsiderDialsA)
    const stolen = fromA.hellos[0].proofs
    t.ok(includes(stolen, roomProof(w.atelier.capability, fromA.handshakeHash, !fromA.initiator)), 'the outsider holds A\'s genuine proof of "atelier"')

    // Same role as A had, so the proof differs from what B expects only by the handshake hash.
    const toB = await connect(w.listener, w.b, !outsiderDialsA)
    t.equal(toB.initiator, !fromA.initiator, 'the outsider plays A\'s Noise role towards B')
    t.notSame(toB.handshakeHash, fromA.handshakeHash, 'a new Noise session')
    const atelierTag = await sendAndWaitForMarker(t, toB, stolen, w)
    await checkNothingLeaked(t, w.b, toB, atelierTag, w)
  })

  t.test(`a proof echoed back to A on the same connection is refused (${roles})`, async (t) => {
    const w = await world(t)
    const session = await connect(w.listener, w.a, outsiderDialsA)
    const fromA = session.hellos[0].proofs
    t.ok(includes(fromA, roomProof(w.atelier.capability, session.handshakeHash, !session.initiator)), 'the outsider holds A\'s genuine proof of "atelier"')
    const atelierTag = await sendAndWaitForMarker(t, session, fromA, w)
    await checkNothingLeaked(t, w.a, session, atelierTag, w)
  })
}
