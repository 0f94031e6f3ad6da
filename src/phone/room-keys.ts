/**
 * The room key derivation of src/room/keys.ts, in pure JS for the phone page. Pages are
 * served over plain HTTP on a LAN address, an insecure context where browsers give no
 * `crypto.subtle`, so this uses @noble/hashes instead of node:crypto. The labels must stay
 * equal to ROOM_LABELS there (test/phone/room-keys.test.ts checks both, byte for byte).
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { utf8ToBytes } from '@noble/hashes/utils.js'

/** Byte length of a room secret. */
export const PHONE_ROOM_SECRET_BYTES = 32

/** The labels of docs/protocol.md §2; a copy of ROOM_LABELS, which imports node:crypto. */
export const PHONE_ROOM_LABELS = {
  id: 'tamtam/room-id/v1',
  topic: 'tamtam/topic/v1',
  encryption: 'tamtam/block-encryption/v1',
  capability: 'tamtam/handshake-capability/v1',
  member: 'tamtam/member-proof/v1'
} as const

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
  return {
    id: derivePhoneKey(secret, PHONE_ROOM_LABELS.id),
    topic: derivePhoneKey(secret, PHONE_ROOM_LABELS.topic),
    encryptionKey: derivePhoneKey(secret, PHONE_ROOM_LABELS.encryption),
    capability: derivePhoneKey(secret, PHONE_ROOM_LABELS.capability),
    memberKey: derivePhoneKey(secret, PHONE_ROOM_LABELS.member)
  }
}

/**
 * The key the phone handshake is keyed by: the room's member key. Not the handshake
 * capability, which relay codes carry (docs/protocol.md §11): a relay hub must not be able
 * to pose as a phone and have a host decrypt the room for it.
 */
export function phoneHandshakeKey (secret: Uint8Array): Uint8Array {
  return derivePhoneRoomKeys(secret).memberKey
}
