/**
 * The fixed parts of the bundle format, version 1 (docs/protocol.md §14): the limits, the
 * keys derived from the room secret, and the 60-byte plaintext header. The header says
 * only "a tamtam bundle, version 1" plus a random id and a keyed tag: someone without the
 * room secret cannot tell which room a bundle is for, nor link two bundles of one room.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { fail } from '../errors/index.js'
import { deriveKey } from '../room/keys.js'
import type { Room } from '../room/index.js'

/** The first bytes of every bundle. */
export const BUNDLE_MAGIC = Buffer.from('TAMTAMB', 'ascii')
/** The format version this code writes and reads. */
export const BUNDLE_VERSION = 1
/** Bytes of the plaintext header. */
export const HEADER_BYTES = 60
/** Bytes of the random bundle id. */
export const BUNDLE_ID_BYTES = 16
/** Plaintext bytes per sealed chunk (the last chunk may hold fewer, even none). */
export const CHUNK_BYTES = 65_536
/** secretbox's authenticator, added to every chunk. */
export const CHUNK_OVERHEAD = 16
/** Largest bundle file written or read: 2 GiB. */
export const MAX_BUNDLE_BYTES = 2 ** 31
/** Largest frame payload (a Hypercore block is at most 15 MB, plus its proof). */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024
/** Most member logs in one bundle (a room holds at most 2,000 members). */
export const MAX_BUNDLE_CORES = 4096
/** Largest log length a bundle may describe. */
export const MAX_CORE_LENGTH = 2 ** 32
/** Most Merkle nodes in one list of a proof (a tree of 2^32 blocks is 33 levels deep). */
export const MAX_PROOF_NODES = 64
/** Largest signature in an upgrade proof (ed25519 signs 64 bytes; multisig is longer). */
export const MAX_SIGNATURE_BYTES = 4096

/** Labels of the keys derived from the room secret (changing one is a format change). */
export const BUNDLE_LABELS = {
  seal: 'tamtam/bundle/v1',
  tag: 'tamtam/bundle-tag/v1'
} as const

/** The keys of a room's bundles. */
export interface BundleKeys {
  /** secretbox key of every chunk. */
  seal: Buffer
  /** HMAC key of the header's room tag. */
  tag: Buffer
}

/** The plaintext header. */
export interface BundleHeader {
  version: number
  id: Buffer
  tag: Buffer
}

/** Derive the bundle keys of a room. */
export function bundleKeys (room: Room): BundleKeys {
  return { seal: deriveKey(room.secret, BUNDLE_LABELS.seal), tag: deriveKey(room.secret, BUNDLE_LABELS.tag) }
}

/** HMAC(tag key, magic || version || bundle id). */
export function roomTag (keys: BundleKeys, version: number, id: Buffer): Buffer {
  return createHmac('sha256', keys.tag).update(BUNDLE_MAGIC).update(Buffer.from([version])).update(id).digest()
}

/** The 60 header bytes for a bundle id. */
export function encodeHeader (keys: BundleKeys, id: Buffer): Buffer {
  if (id.length !== BUNDLE_ID_BYTES) throw new Error('a bundle id is 16 bytes')
  const header = Buffer.alloc(HEADER_BYTES)
  BUNDLE_MAGIC.copy(header, 0)
  header[7] = BUNDLE_VERSION
  id.copy(header, 8)
  roomTag(keys, BUNDLE_VERSION, id).copy(header, 24)
  headerCheck(header).copy(header, 56)
  return header
}

/**
 * Read a header. The checksum is no protection against tampering (anyone can recompute
 * it; the chunks are what is authenticated); it only lets the importer say "damaged"
 * rather than "for another room" when a header byte was corrupted.
 */
export function decodeHeader (bytes: Buffer): BundleHeader {
  if (bytes.length < BUNDLE_MAGIC.length || !bytes.subarray(0, BUNDLE_MAGIC.length).equals(BUNDLE_MAGIC)) throw fail('BUNDLE_INVALID', 'this file is not a tamtam bundle')
  if (bytes.length < 8) throw fail('BUNDLE_INVALID', 'the bundle header is cut short')
  if (bytes[7] !== BUNDLE_VERSION) throw fail('BUNDLE_VERSION', `bundle format ${bytes[7]}, this tamtam reads format ${BUNDLE_VERSION}`)
  if (bytes.length < HEADER_BYTES) throw fail('BUNDLE_INVALID', 'the bundle header is cut short')
  if (!headerCheck(bytes).equals(bytes.subarray(56, HEADER_BYTES))) throw fail('BUNDLE_INVALID', 'the bundle header is damaged')
  return { version: bytes[7], id: Buffer.from(bytes.subarray(8, 24)), tag: Buffer.from(bytes.subarray(24, 56)) }
}

/** The room among `rooms` whose tag the header carries; BUNDLE_WRONG_ROOM when none. */
export function matchRoom (header: BundleHeader, rooms: Room[]): Room {
  for (const room of rooms) {
    if (timingSafeEqual(roomTag(bundleKeys(room), header.version, header.id), header.tag)) return room
  }
  throw fail('BUNDLE_WRONG_ROOM', rooms.length === 1 ? `the bundle is not for room "${rooms[0].name}"` : 'the bundle is for none of the rooms joined here')
}

/** First 4 bytes of SHA-256 over header bytes 0–55. */
function headerCheck (header: Buffer): Buffer {
  return createHash('sha256').update(header.subarray(0, 56)).digest().subarray(0, 4)
}
