/**
 * Everything about a room is derived from its 32-byte secret with separate labelled
 * hashes (HMAC-SHA256 keyed by the secret), so that learning one derived value (say the
 * discovery topic, which travels to a DHT) reveals nothing about the others.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { deriveEach, ROOM_LABELS } from './labels.js'

/** Byte length of a room secret. */
export const ROOM_SECRET_BYTES = 32

export { ROOM_LABELS }

/** The values derived from a room secret. */
export interface RoomKeys {
  /** Public-ish handle shown to people and used in bindings; reveals nothing of the secret. */
  id: Buffer
  /** Discovery topic for Hyperswarm. */
  topic: Buffer
  /** Hypercore block-encryption key for every member log of the room. */
  encryptionKey: Buffer
  /** Key for proving knowledge of the secret inside a Noise session. */
  capability: Buffer
  /**
   * Key for proving membership, not just the capability: relay codes carry the capability,
   * so a relay hub can pass the room handshake; only members can make this proof.
   */
  memberKey: Buffer
}

/** HMAC-SHA256(secret, label). */
export function deriveKey (secret: Buffer, label: string): Buffer {
  return createHmac('sha256', secret).update(label).digest()
}

/** Derive every room key from the secret. */
export function deriveRoomKeys (secret: Buffer): RoomKeys {
  if (secret.length !== ROOM_SECRET_BYTES) throw new Error('a room secret is 32 bytes')
  return deriveEach((label) => deriveKey(secret, label))
}

/** Label of the creator commitment inside a room secret. */
const CREATOR_LABEL = 'tamtam/creator/v1'

function creatorTag (creator: Buffer, nonce: Buffer): Buffer {
  return createHash('sha256').update(CREATOR_LABEL).update(creator).update(nonce).digest().subarray(0, 16)
}

/**
 * A fresh room secret. With `creator` (an identity public key), the secret commits to it:
 * 16 random bytes, then the first 16 bytes of SHA-256(label, creator, those 16 bytes).
 * Every member can then check who created the room (its first moderator) from the invite
 * alone, with no change to the invite format; forging it takes a 128-bit second preimage.
 * Rooms made without a creator, or before this, simply have none.
 */
export function newRoomSecret (creator?: Buffer): Buffer {
  if (creator === undefined) return randomBytes(ROOM_SECRET_BYTES)
  const nonce = randomBytes(ROOM_SECRET_BYTES / 2)
  return Buffer.concat([nonce, creatorTag(creator, nonce)])
}

/** Whether `identity` (public key) is the creator the room secret commits to. */
export function isRoomCreator (secret: Buffer, identity: Buffer): boolean {
  if (secret.length !== ROOM_SECRET_BYTES || identity.length !== 32) return false
  return creatorTag(identity, secret.subarray(0, ROOM_SECRET_BYTES / 2)).equals(secret.subarray(ROOM_SECRET_BYTES / 2))
}
