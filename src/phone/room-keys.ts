/**
 * The room key derivation of src/room/keys.ts, in pure JS for the phone page. Pages are
 * served over plain HTTP on a LAN address, an insecure context where browsers give no
 * `crypto.subtle`, so this uses @noble/hashes instead of node:crypto. The labels are the
 * same object (src/room/labels.ts); test/phone/room-keys.test.ts checks the bytes agree.
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { utf8ToBytes } from '@noble/hashes/utils.js'
import { deriveEach, ROOM_LABELS } from '../room/labels.js'

/** Byte length of a room secret. */
export const PHONE_ROOM_SECRET_BYTES = 32

/** The labels of docs/protocol.md §2, shared with the Node derivation (keys.ts imports node:crypto). */
export const PHONE_ROOM_LABELS = ROOM_LABELS

/** The values derived from a room secret, as plain bytes. */
export interface PhoneRoomKeys {
  /** The room id people see; reveals nothing of the secret. */
  id: Uint8Array
  /** The Hyperswarm discovery topic. */
  topic: Uint8Array
  /** The Hypercore block-encryption key of the room's logs. */
  encryptionKey: Uint8Array
  /** The key that proves a side holds the room (the phone handshake is keyed by it). */
  capability: Uint8Array
  /** The key only members hold (relay codes do not carry it). */
  memberKey: Uint8Array
}

/** HMAC-SHA256(secret, label), as src/room/keys.ts `deriveKey`. */
export function derivePhoneKey (secret: Uint8Array, label: string): Uint8Array {
  return hmac(sha256, secret, utf8ToBytes(label))
}

/** Every room key from the 32-byte secret; another length is a programmer error. */
export function derivePhoneRoomKeys (secret: Uint8Array): PhoneRoomKeys {
  if (secret.length !== PHONE_ROOM_SECRET_BYTES) throw new Error('a room secret is 32 bytes')
  return deriveEach((label) => derivePhoneKey(secret, label))
}

/**
 * The key the phone handshake is keyed by: the room's member key. Not the handshake
 * capability, which relay codes carry (docs/protocol.md §11): a relay hub must not be able
 * to pose as a phone and have a host decrypt the room for it.
 */
export function phoneHandshakeKey (secret: Uint8Array): Uint8Array {
  return derivePhoneRoomKeys(secret).memberKey
}
