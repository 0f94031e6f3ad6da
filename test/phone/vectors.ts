/**
 * The phone channel's test vectors (docs/protocol.md §16, "Test vectors"): fixed room
 * secret, ephemeral secrets and nonces in, every byte of the exchange and of a first frame
 * each way out. A browser build can be checked against the same list.
 */
import { derivePhoneRoomKeys, PhoneChannel, PhoneClientHandshake, PhoneServerHandshake, phoneRefusal, type RandomBytes } from '../../src/phone/index.js'
import { sharedSecret } from '../../src/phone/handshake.js'

const bytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'))
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/** The fixed inputs, as hex (the room secret is that of §15). */
export const PHONE_INPUT = {
  roomSecret: '000102030405060708090a0b0c0d0e0f16df5f9911c9014015693a97a14186c9',
  phoneEphemeralSecret: 'a1'.repeat(32),
  phoneNonce: 'a2'.repeat(32),
  hostEphemeralSecret: 'b1'.repeat(32),
  hostNonce: 'b2'.repeat(32),
  phoneMessage: '{"t":"msg","text":"bonjour"}',
  hostMessage: '{"t":"ack","n":0}'
}

/** A random source that hands out the given values, in order, and nothing else. */
function fixedRandom (values: string[]): RandomBytes {
  const queue = values.map(bytes)
  return (length) => {
    const next = queue.shift()
    if (next === undefined || next.length !== length) throw new Error('the vector inputs do not match what the handshake draws')
    return next
  }
}

/** Name → value, in the order the document lists them. */
export function computePhoneVectors (): Map<string, string> {
  const input = PHONE_INPUT
  const { memberKey } = derivePhoneRoomKeys(bytes(input.roomSecret))
  const client = new PhoneClientHandshake(memberKey, fixedRandom([input.phoneEphemeralSecret, input.phoneNonce]))
  const server = new PhoneServerHandshake([memberKey], fixedRandom([input.hostEphemeralSecret, input.hostNonce]))
  const reply = server.receive(client.hello).send as Uint8Array
  const phoneStep = client.receive(reply)
  const hostStep = server.receive(phoneStep.send as Uint8Array)
  const phone = phoneStep.session
  const host = hostStep.session
  if (phone === undefined || host === undefined) throw new Error('the vector exchange failed')
  const shared = sharedSecret(bytes(input.phoneEphemeralSecret), reply.subarray(3, 35)) as Uint8Array
  const out = new Map<string, string>()
  out.set('room secret', input.roomSecret)
  out.set('member key', hex(memberKey))
  out.set('phone ephemeral secret', input.phoneEphemeralSecret)
  out.set('phone nonce', input.phoneNonce)
  out.set('host ephemeral secret', input.hostEphemeralSecret)
  out.set('host nonce', input.hostNonce)
  out.set('phone message', input.phoneMessage)
  out.set('host message', input.hostMessage)
  out.set('hello', hex(client.hello))
  out.set('reply', hex(reply))
  out.set('proof', hex(phoneStep.send as Uint8Array))
  out.set('refusal', hex(phoneRefusal()))
  out.set('transcript hash', hex(phone.transcriptHash))
  out.set('x25519 shared secret', hex(shared))
  out.set('phone-to-host key', hex(phone.sendKey))
  out.set('host-to-phone key', hex(phone.receiveKey))
  out.set('phone frame 0', hex(new PhoneChannel(phone).seal(JSON.parse(input.phoneMessage))))
  out.set('host frame 0', hex(new PhoneChannel(host).seal(JSON.parse(input.hostMessage))))
  return out
}
