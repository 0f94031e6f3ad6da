/**
 * The phone handshake with real crypto, both ends in this process: who gets keys, who gets
 * refused, and that a refusal never says why.
 */
import t from 'tap'
import { isTamtamError } from '../../src/errors/index.js'
import { randomBytes } from 'node:crypto'
import { deriveRoomKeys } from '../../src/room/keys.js'
import { phoneHandshakeKey, PhoneClientHandshake, PhoneServerHandshake, phoneRefusal } from '../../src/phone/index.js'
import { exchange, hex, newRoomKey } from './helpers.js'

t.test('a full exchange gives both sides the same keys, crossed', async (t) => {
  const room = newRoomKey()
  const { reply, phone, host } = exchange(room, [newRoomKey(), room, newRoomKey()])
  t.equal(reply.error, undefined, 'the host answers the hello')
  t.equal(phone.error, undefined, 'the phone accepts the host\'s proof')
  t.equal(host?.error, undefined, 'the host accepts the phone\'s proof')
  t.equal(host?.send, undefined, 'the host sends nothing on success: frames follow')
  t.equal(host?.session?.room, 1, 'the host found the phone\'s room among its three')
  t.equal(hex(phone.session?.sendKey), hex(host?.session?.receiveKey), 'phone → host key')
  t.equal(hex(phone.session?.receiveKey), hex(host?.session?.sendKey), 'host → phone key')
  t.not(hex(phone.session?.sendKey), hex(phone.session?.receiveKey), 'the two directions differ')
  t.equal(hex(phone.session?.transcriptHash), hex(host?.session?.transcriptHash), 'same transcript')
  t.equal(phone.session?.sendKey.length, 32)
})

t.test('two exchanges in the same room get unrelated keys and tags', async (t) => {
  const room = newRoomKey()
  const a = exchange(room, [room])
  const b = exchange(room, [room])
  t.not(hex(a.phone.session?.sendKey), hex(b.phone.session?.sendKey))
  t.not(hex(a.hello.subarray(67)), hex(b.hello.subarray(67)), 'the room tag is fresh each time')
})

t.test('a wrong room secret fails on both sides, with the generic refusal', async (t) => {
  const { reply, phone, host } = exchange(newRoomKey(), [newRoomKey()])
  t.equal(reply.send?.length, 99, 'the host still answers, with a decoy')
  t.ok(isTamtamError(phone.error, 'PHONE_REFUSED'), 'the phone refuses the host\'s proof')
  t.equal(hex(phone.send), hex(phoneRefusal()), 'and sends the refusal')
  t.equal(phone.session, undefined)
  t.ok(isTamtamError(host?.error, 'PHONE_REFUSED'), 'the host learns it was refused')
  t.equal(host?.send, undefined, 'the host does not answer a refusal')
})

// An outsider (no member key) cannot check the host's proof; it can only send some proof.
function outsiderAgainst (hostKeys: Uint8Array[], helloFrom: Uint8Array): { reply?: Uint8Array, final?: Uint8Array, code?: string } {
  const server = new PhoneServerHandshake(hostKeys)
  const phone = new PhoneClientHandshake(helloFrom)
  const reply = server.receive(phone.hello).send
  const forged = Uint8Array.of(0x74, 1, 3, ...new Uint8Array(32).fill(7))
  const last = server.receive(forged)
  return { reply, final: last.send, code: last.error?.code }
}

t.test('a host with no matching room refuses byte for byte like a wrong proof', async (t) => {
  const room = newRoomKey()
  const noRoom = outsiderAgainst([newRoomKey()], room) // a replayed or guessed hello for a room not here
  const wrongProof = outsiderAgainst([room], room) // the room is here, the proof is wrong
  const noRoomsAtAll = outsiderAgainst([], room)
  t.equal(noRoom.reply?.length, wrongProof.reply?.length, 'the replies have the same length')
  t.equal(hex(noRoom.reply?.subarray(0, 3)), hex(wrongProof.reply?.subarray(0, 3)), 'and the same header')
  t.equal(hex(noRoom.final), hex(phoneRefusal()), 'no room: the refusal')
  t.equal(hex(wrongProof.final), hex(noRoom.final), 'wrong proof: the same bytes')
  t.equal(hex(noRoomsAtAll.final), hex(noRoom.final), 'a host with no rooms at all: the same bytes')
  t.equal(noRoom.code, 'PHONE_REFUSED')
  t.equal(wrongProof.code, 'PHONE_REFUSED')
})

t.test('a replayed hello cannot complete: the proof is bound to the host\'s fresh nonce', async (t) => {
  const room = newRoomKey()
  const client = new PhoneClientHandshake(room)
  const first = new PhoneServerHandshake([room])
  const good = client.receive(first.receive(client.hello).send as Uint8Array)
  t.ok(good.session, 'the real exchange succeeds')
  const replayed = new PhoneServerHandshake([room])
  replayed.receive(client.hello)
  const step = replayed.receive(good.send as Uint8Array) // the phone's proof from the first exchange
  t.ok(isTamtamError(step.error, 'PHONE_REFUSED'))
  t.equal(hex(step.send), hex(phoneRefusal()))
})

// Flip one byte in each field of each message; every one must end the exchange with no keys.
const FIELDS = [
  { message: 'hello', name: 'ephemeral key', at: 3 },
  { message: 'hello', name: 'nonce', at: 35 },
  { message: 'hello', name: 'room tag', at: 67 },
  { message: 'reply', name: 'ephemeral key', at: 3 },
  { message: 'reply', name: 'nonce', at: 35 },
  { message: 'reply', name: 'proof', at: 67 },
  { message: 'proof', name: 'proof', at: 3 },
  { message: 'hello', name: 'type byte', at: 2 },
  { message: 'reply', name: 'version byte', at: 1 },
  { message: 'proof', name: 'magic byte', at: 0 }
] as const

for (const field of FIELDS) {
  t.test(`a tampered ${field.message} ${field.name} fails the exchange`, async (t) => {
    const room = newRoomKey()
    const client = new PhoneClientHandshake(room)
    const server = new PhoneServerHandshake([room])
    const flip = (bytes: Uint8Array, message: string): Uint8Array => {
      if (message !== field.message) return bytes
      const copy = bytes.slice()
      copy[field.at] ^= 0x01
      return copy
    }
    const reply = server.receive(flip(client.hello, 'hello'))
    const phone = client.receive(flip(reply.send as Uint8Array, 'reply'))
    const host = phone.send === undefined ? null : server.receive(flip(phone.send, 'proof'))
    t.ok(phone.session === undefined || host?.session === undefined, 'no side ends with a session the other shares')
    t.equal(host?.session, undefined, 'the host never accepts')
    const error = phone.error ?? reply.error ?? host?.error
    t.ok(error !== undefined && ['PHONE_REFUSED', 'PHONE_HANDSHAKE'].includes(error.code), `refused with ${error?.code}`)
  })
}

t.test('a weak (low-order) phone key is refused like a wrong room', async (t) => {
  const room = newRoomKey()
  const server = new PhoneServerHandshake([room])
  const hello = new PhoneClientHandshake(room).hello.slice()
  hello.fill(0, 3, 35) // the all-zero point: X25519 with it is zero whatever the secret
  t.equal(server.receive(hello).send?.length, 99, 'a decoy reply')
  const step = server.receive(Uint8Array.of(0x74, 1, 3, ...new Uint8Array(32)))
  t.equal(hex(step.send), hex(phoneRefusal()))
})

t.test('messages out of order or after the end are reported, never thrown', async (t) => {
  const room = newRoomKey()
  const server = new PhoneServerHandshake([room])
  const early = server.receive(Uint8Array.of(0x74, 1, 3, ...new Uint8Array(32)))
  t.ok(isTamtamError(early.error, 'PHONE_HANDSHAKE'), 'a proof before the hello')
  t.equal(hex(early.send), hex(phoneRefusal()))
  t.ok(isTamtamError(server.receive(new Uint8Array(99)).error, 'PHONE_HANDSHAKE'), 'anything after a failure')
  t.ok(server.finished)
  const { phone } = exchange(room, [room])
  t.ok(phone.session)
  const client = new PhoneClientHandshake(room)
  t.ok(isTamtamError(client.receive(phoneRefusal()).error, 'PHONE_REFUSED'), 'the host\'s refusal ends the phone\'s exchange')
  t.equal(client.receive(new Uint8Array(99)).send, undefined, 'and nothing more is sent')
})

t.test('a room key that is not 32 bytes is a programmer error', async (t) => {
  t.throws(() => new PhoneClientHandshake(new Uint8Array(31)), /32 bytes/)
  t.throws(() => new PhoneServerHandshake([new Uint8Array(33)]), /32 bytes/)
})

t.test('a relay hub (handshake capability, no member key) cannot pass as a phone or as a host', async (t) => {
  const secret = randomBytes(32)
  const relayCode = deriveRoomKeys(secret).capability // what a relay code carries (§11)
  const member = phoneHandshakeKey(new Uint8Array(secret))
  t.equal(hex(member), deriveRoomKeys(secret).memberKey.toString('hex'), 'the handshake key is the member key')
  const asPhone = exchange(new Uint8Array(relayCode), [member])
  t.ok(isTamtamError(asPhone.phone.error, 'PHONE_REFUSED'), 'a relay posing as a phone is refused')
  t.equal(asPhone.host?.session, undefined, 'and the host gives it no keys')
  const asHost = exchange(member, [new Uint8Array(relayCode)])
  t.ok(isTamtamError(asHost.phone.error, 'PHONE_REFUSED'), 'a relay posing as a host is refused by the phone')
  t.equal(asHost.phone.session, undefined)
})
