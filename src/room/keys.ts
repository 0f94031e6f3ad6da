/**
 * Everything about a room is derived from its 32-byte secret with separate labelled
 * hashes (HMAC-SHA256 keyed by the secret), so that learning one derived value (say the
 * discovery topic, which travels to a DHT) reveals nothing about the others.
 */
import { createHmac, randomBytes } from 'node:crypto'

/** Byte length of a room secret. */
export const ROOM_SECRET_BYTES = 32

/** The labels; changing one is a wire-format change (see docs/protocol.md). */
export const ROOM_LABELS = {
  id: 'tamtam/room-id/v1',
  topic: 'tamtam/topic/v1',
  encryption: 'tamtam/block-encryption/v1',
  capability: 'tamtam/handshake-capability/v1'
} as const

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
}

/** HMAC-SHA256(secret, label). */
export function deriveKey (secret: Buffer, label: string): Buffer {
  return createHmac('sha256', secret).update(label).digest()
}

/** Derive every room key from the secret. */
export function deriveRoomKeys (secret: Buffer): RoomKeys {
  if (secret.length !== ROOM_SECRET_BYTES) throw new Error('a room secret is 32 bytes')
  return {
    id: deriveKey(secret, ROOM_LABELS.id),
    topic: deriveKey(secret, ROOM_LABELS.topic),
    encryptionKey: deriveKey(secret, ROOM_LABELS.encryption),
    capability: deriveKey(secret, ROOM_LABELS.capability)
  }
}

/** A fresh random room secret. */
export function newRoomSecret (): Buffer {
  return randomBytes(ROOM_SECRET_BYTES)
}
