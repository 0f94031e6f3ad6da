/**
 * The binary wire of the phone handshake (docs/protocol.md §16). Every message starts with
 * a magic byte, the protocol version and a type, and has one fixed length per type, so a
 * reader checks three bytes and a length and never parses anything variable. Anything
 * else is refused with PHONE_HANDSHAKE and a message that says what was wrong; nothing
 * here can crash on hostile bytes.
 */
import { fail } from '../errors/index.js'

/** First byte of every handshake message: ASCII `t`. */
export const PHONE_MAGIC = 0x74
/** The handshake version this code speaks (`tamtam/phone/1`). */
export const PHONE_VERSION = 1
/** Bytes of every key, nonce, tag and proof in the handshake. */
export const PHONE_FIELD_BYTES = 32
/** Bytes of the header: magic, version, type. */
export const PHONE_HEADER_BYTES = 3

/** The message types. */
export const PHONE_TYPES = { hello: 1, reply: 2, proof: 3, refusal: 4 } as const

type TypeName = keyof typeof PHONE_TYPES

/** Total length of each message type. */
const LENGTHS: Record<TypeName, number> = {
  hello: PHONE_HEADER_BYTES + 3 * PHONE_FIELD_BYTES,
  reply: PHONE_HEADER_BYTES + 3 * PHONE_FIELD_BYTES,
  proof: PHONE_HEADER_BYTES + PHONE_FIELD_BYTES,
  refusal: PHONE_HEADER_BYTES
}

/** Message 1, phone to host: who I am for this exchange, and which room (as a tag). */
export interface PhoneHello {
  /** The phone's ephemeral X25519 public key. */
  ephemeral: Uint8Array
  /** 32 random bytes. */
  nonce: Uint8Array
  /** HMAC(capability, room-tag label || ephemeral || nonce): names the room to its holders only. */
  roomTag: Uint8Array
}

/** Message 2, host to phone. */
export interface PhoneReply {
  /** The host's ephemeral X25519 public key. */
  ephemeral: Uint8Array
  /** 32 random bytes. */
  nonce: Uint8Array
  /** The host's proof that it holds the room, over the transcript. */
  proof: Uint8Array
}

/**
 * The one refusal, sent by either side whatever went wrong: it carries no reason, so a
 * side that fails learns nothing from it. A fresh copy each call (callers may mutate).
 */
export function phoneRefusal (): Uint8Array {
  return Uint8Array.of(PHONE_MAGIC, PHONE_VERSION, PHONE_TYPES.refusal)
}

/** True when `bytes` are exactly the refusal. */
export function isPhoneRefusal (bytes: Uint8Array): boolean {
  return bytes instanceof Uint8Array && bytes.length === LENGTHS.refusal &&
    bytes[0] === PHONE_MAGIC && bytes[1] === PHONE_VERSION && bytes[2] === PHONE_TYPES.refusal
}

function encode (type: TypeName, fields: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(LENGTHS[type])
  out.set([PHONE_MAGIC, PHONE_VERSION, PHONE_TYPES[type]])
  let at = PHONE_HEADER_BYTES
  for (const field of fields) {
    if (field.length !== PHONE_FIELD_BYTES) throw new Error(`a ${type} field is ${PHONE_FIELD_BYTES} bytes`)
    out.set(field, at)
    at += PHONE_FIELD_BYTES
  }
  return out
}

/** Check the header and length of a `type` message; return its fields (copies). */
function decode (type: TypeName, bytes: unknown): Uint8Array[] {
  if (!(bytes instanceof Uint8Array)) throw fail('PHONE_HANDSHAKE', `a ${type} is binary, got ${typeof bytes}`)
  if (bytes.length < PHONE_HEADER_BYTES) throw fail('PHONE_HANDSHAKE', `a ${type} is ${LENGTHS[type]} bytes, got ${bytes.length}`)
  if (bytes[0] !== PHONE_MAGIC) throw fail('PHONE_HANDSHAKE', `not a tamtam phone message (first byte ${bytes[0]}, expected ${PHONE_MAGIC})`)
  if (bytes[1] !== PHONE_VERSION) throw fail('PHONE_HANDSHAKE', `phone protocol version ${bytes[1]} is not known here (this side speaks ${PHONE_VERSION})`)
  if (bytes[2] !== PHONE_TYPES[type]) throw fail('PHONE_HANDSHAKE', `expected a ${type} (type ${PHONE_TYPES[type]}), got type ${bytes[2]}`)
  if (bytes.length !== LENGTHS[type]) throw fail('PHONE_HANDSHAKE', `a ${type} is ${LENGTHS[type]} bytes, got ${bytes.length}`)
  const fields: Uint8Array[] = []
  for (let at = PHONE_HEADER_BYTES; at < bytes.length; at += PHONE_FIELD_BYTES) fields.push(bytes.slice(at, at + PHONE_FIELD_BYTES))
  return fields
}

/** Message 1 as bytes (99). */
export function encodeHello (hello: PhoneHello): Uint8Array {
  return encode('hello', [hello.ephemeral, hello.nonce, hello.roomTag])
}

/** Read message 1; PHONE_HANDSHAKE if it is anything else. */
export function decodeHello (bytes: unknown): PhoneHello {
  const [ephemeral, nonce, roomTag] = decode('hello', bytes)
  return { ephemeral, nonce, roomTag }
}

/** Message 2 as bytes (99). */
export function encodeReply (reply: PhoneReply): Uint8Array {
  return encode('reply', [reply.ephemeral, reply.nonce, reply.proof])
}

/** Read message 2; PHONE_HANDSHAKE if it is anything else. */
export function decodeReply (bytes: unknown): PhoneReply {
  const [ephemeral, nonce, proof] = decode('reply', bytes)
  return { ephemeral, nonce, proof }
}

/** Message 3, phone to host: the phone's proof (35 bytes). */
export function encodeProof (proof: Uint8Array): Uint8Array {
  return encode('proof', [proof])
}

/** Read message 3; PHONE_HANDSHAKE if it is anything else. */
export function decodeProof (bytes: unknown): Uint8Array {
  return decode('proof', bytes)[0]
}

/** The first 67 bytes of a reply (header, ephemeral, nonce): what the transcript covers of it. */
export function replyHead (reply: Uint8Array): Uint8Array {
  return reply.subarray(0, PHONE_HEADER_BYTES + 2 * PHONE_FIELD_BYTES)
}
