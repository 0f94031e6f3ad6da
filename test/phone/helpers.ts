/** One-line helpers for the phone tests: handshake keys of fresh rooms, and a whole exchange. */
import { randomBytes } from 'node:crypto'
import { deriveRoomKeys } from '../../src/room/keys.js'
import { PhoneClientHandshake, PhoneServerHandshake, type HandshakeStep, type PhoneServerSession, type PhoneSession } from '../../src/phone/index.js'

/** The handshake key (the member key) of a fresh random room. */
export function newRoomKey (): Uint8Array {
  return new Uint8Array(deriveRoomKeys(randomBytes(32)).memberKey)
}

/** Every message and step of one exchange between a phone holding `phoneKey` and a host holding `hostKeys`. */
export interface Exchange {
  hello: Uint8Array
  reply: HandshakeStep<PhoneServerSession>
  phone: HandshakeStep<PhoneSession>
  host: HandshakeStep<PhoneServerSession> | null
}

/** Run the three messages through both state machines, as a transport would. */
export function exchange (phoneKey: Uint8Array, hostKeys: Uint8Array[]): Exchange {
  const client = new PhoneClientHandshake(phoneKey)
  const server = new PhoneServerHandshake(hostKeys)
  const reply = server.receive(client.hello)
  const phone = client.receive(reply.send as Uint8Array)
  const host = phone.send === undefined ? null : server.receive(phone.send)
  return { hello: client.hello, reply, phone, host }
}

/** Hex of some bytes, for readable assertions. */
export const hex = (bytes: Uint8Array | undefined): string | undefined => bytes === undefined ? undefined : Buffer.from(bytes).toString('hex')
