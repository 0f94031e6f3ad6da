/**
 * Relay codes: what a relay hub needs to store and serve a room without being able to
 * read it. A relay code carries the room id, the discovery topic and the handshake
 * capability (so the relay can find members and prove it may sync), but not the room
 * secret or the block-encryption key: everything it stores stays ciphertext to it.
 *
 * Payload: [version byte][32-byte id][32-byte topic][32-byte capability][name, 0–64 bytes
 * UTF-8], bech32m with the human-readable part "tamrelay" (protocol.md §11).
 */
import { bech32m } from 'bech32'
import { fail } from '../errors/index.js'
import type { Room } from '../room/index.js'

/** The relay-code format written by this version. */
export const RELAY_CODE_VERSION = 1
const HRP = 'tamrelay'
const KEY_BYTES = 32
const HEADER_BYTES = 1 + 3 * KEY_BYTES
const NAME_MAX_BYTES = 64
const READ_LIMIT = 1000

/** A decoded relay code. `name` comes from whoever made it: sanitize before display. */
export interface RelayCode { id: Buffer, topic: Buffer, capability: Buffer, name: string }

/** The relay code of a room we are a member of. */
export function encodeRelayCode (room: Room): string {
  const name = Buffer.from(room.name, 'utf8')
  const payload = Buffer.concat([Buffer.from([RELAY_CODE_VERSION]), room.keys.id, room.keys.topic, room.keys.capability, name.length <= NAME_MAX_BYTES ? name : Buffer.alloc(0)])
  return bech32m.encode(HRP, bech32m.toWords(payload), READ_LIMIT)
}

/** Decode a relay code typed or pasted by a person; anything doubtful is RELAY_CODE_INVALID. */
export function decodeRelayCode (code: string): RelayCode {
  const compact = code.replace(/[\s-]+/g, '')
  if (!compact.toLowerCase().startsWith(`${HRP}1`)) throw invalid(`it does not start with "${HRP}1"`)
  if (compact.length > READ_LIMIT) throw invalid('it is too long')
  let bytes: Buffer
  try {
    const decoded = bech32m.decode(compact, READ_LIMIT)
    if (decoded.prefix !== HRP) throw new Error('prefix')
    bytes = Buffer.from(bech32m.fromWords(decoded.words))
  } catch (err) {
    throw invalid('its checksum does not match (a character is wrong, missing or extra)', err)
  }
  if (bytes[0] > RELAY_CODE_VERSION) throw fail('RELAY_CODE_INVALID', `this relay code uses format ${bytes[0]}, made by a newer tamtam; update tamtam`)
  if (bytes[0] !== RELAY_CODE_VERSION || bytes.length < HEADER_BYTES || bytes.length > HEADER_BYTES + NAME_MAX_BYTES) throw invalid('its contents are not a relay code')
  let name: string
  try {
    name = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(HEADER_BYTES))
  } catch (err) {
    throw invalid('the room name in it is not valid UTF-8', err)
  }
  const key = (i: number): Buffer => Buffer.from(bytes.subarray(1 + i * KEY_BYTES, 1 + (i + 1) * KEY_BYTES))
  return { id: key(0), topic: key(1), capability: key(2), name }
}

function invalid (detail: string, cause?: unknown): Error {
  return fail('RELAY_CODE_INVALID', detail, cause)
}
