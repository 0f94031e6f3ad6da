/**
 * The test vectors of docs/protocol.md §15, computed with tamtam's own code from fixed
 * inputs. known-answers.test.ts checks that the document lists exactly these values, so a
 * changed label, order or byte in any derivation fails a test. Printing them (run this file
 * directly) is how the table in the document was made.
 */
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import nacl from 'tweetnacl'
import Hypercore from 'hypercore'
import { fingerprintWords, shortFingerprint } from '../../src/identity/index.js'
import { bindingPayload } from '../../src/log/index.js'
import { deriveRoomKeys, encodeInvite, isRoomCreator, type Room, type RoomKeys } from '../../src/room/index.js'
import { roomProof } from '../../src/replication/messages.js'
import { encodeRelayCode } from '../../src/relay/relay-code.js'
import { DmKeys, sealDm } from '../../src/dm/index.js'
import { bundleKeys, encodeHeader } from '../../src/bundles/format.js'
import { sealChunk } from '../../src/bundles/chunks.js'

const require = createRequire(import.meta.url)
const ed2curve = require('ed2curve') as { convertPublicKey: (k: Uint8Array) => Uint8Array | null, convertSecretKey: (k: Uint8Array) => Uint8Array }
const sodium = require('sodium-universal') as {
  crypto_generichash: (out: Buffer, input: Buffer, key?: Buffer) => void
  crypto_stream_xor: (out: Buffer, input: Buffer, nonce: Buffer, key: Buffer) => void
}

/** `count` copies of `byte`. */
const fill = (byte: number, count: number): Buffer => Buffer.alloc(count, byte)
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/** The fixed inputs (also listed in the document). */
export const INPUT = {
  creatorNonce: Buffer.from(Array.from({ length: 16 }, (_, i) => i)),
  seedA: fill(0x11, 32),
  seedB: fill(0x22, 32),
  coreKey: fill(0x33, 32),
  handshakeHash: fill(0x44, 64),
  bundleId: fill(0x55, 16),
  dmNonce: fill(0x66, 24),
  dmText: 'bonjour',
  roomName: 'atelier',
  chunk: Buffer.from('tamtam'),
  blockIndex: 1,
  block: Buffer.from('{"v":1,"type":"msg","ts":1764380000000,"text":"bonjour"}')
}

/** Identity A and B: tweetnacl key pairs from fixed seeds. */
export function identities (): { a: nacl.SignKeyPair, b: nacl.SignKeyPair } {
  return { a: nacl.sign.keyPair.fromSeed(INPUT.seedA), b: nacl.sign.keyPair.fromSeed(INPUT.seedB) }
}

/** The room secret of the vectors: 16 fixed bytes committed to identity A (§13). */
export function vectorSecret (): Buffer {
  const creator = Buffer.from(identities().a.publicKey)
  const tag = sha256Of(['tamtam/creator/v1', creator, INPUT.creatorNonce]).subarray(0, 16)
  const secret = Buffer.concat([INPUT.creatorNonce, tag])
  if (!isRoomCreator(secret, creator)) throw new Error('tamtam does not see A as the creator of the vector secret')
  return secret
}

/** SHA-256 of the parts, concatenated. */
function sha256Of (parts: Array<string | Buffer>): Buffer {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return h.digest()
}

/**
 * Hypercore 11's default block encryption (lib/default-encryption.js), written out from
 * the document alone so that a change inside Hypercore is noticed: the stored block is an
 * 8-byte blinded fork id, then the block XORed with XSalsa20.
 */
export function documentedBlockEncryption (encryptionKey: Buffer, coreKey: Buffer, index: number, fork: number, plain: Buffer): { blockKey: Buffer, blindingKey: Buffer, stored: Buffer } {
  const namespace = Buffer.alloc(32)
  const name = Buffer.alloc(33)
  sodium.crypto_generichash(name.subarray(0, 32), Buffer.from('hypercore'))
  name[32] = 5 // the sixth id of hypercore-crypto's namespace('hypercore', 6)
  sodium.crypto_generichash(namespace, name)
  const blockKey = Buffer.alloc(32)
  sodium.crypto_generichash(blockKey, Buffer.concat([namespace, coreKey, encryptionKey]))
  const blindingKey = Buffer.alloc(32)
  sodium.crypto_generichash(blindingKey, blockKey)
  const padding = Buffer.alloc(8)
  padding.writeBigUInt64LE(BigInt(fork))
  const nonce = Buffer.alloc(24)
  nonce.writeBigUInt64LE(BigInt(index))
  sodium.crypto_stream_xor(padding, padding, nonce, blindingKey)
  padding.copy(nonce, 8)
  const body = Buffer.alloc(plain.length)
  sodium.crypto_stream_xor(body, plain, nonce, blockKey)
  return { blockKey, blindingKey, stored: Buffer.concat([padding, body]) }
}

/** The same block through Hypercore's own code. */
export function hypercoreBlockEncryption (encryptionKey: Buffer, coreKey: Buffer, index: number, fork: number, plain: Buffer): { blockKey: Buffer, stored: Buffer } {
  const DefaultEncryption = (Hypercore as unknown as { DefaultEncryption: any }).DefaultEncryption
  const keys = DefaultEncryption.deriveKeys(encryptionKey, coreKey)
  const stored = Buffer.concat([Buffer.alloc(DefaultEncryption.PADDING), plain])
  DefaultEncryption.encrypt(index, stored, fork, keys.block, keys.blinding)
  return { blockKey: Buffer.from(keys.block), stored }
}

/** The names of the room keys in the document (§2). */
const ROOM_KEY_NAMES: Record<string, string> = { id: 'room id', topic: 'topic', encryptionKey: 'block-encryption key', capability: 'capability', memberKey: 'member key' }

/**
 * One vector per value `deriveRoomKeys` returns, taken from its result (so a key derived
 * under the wrong label shows). A key added later still gets a line, which the document
 * must then list.
 */
function roomKeyVectors (keys: RoomKeys): Array<[string, string]> {
  return Object.entries(keys).map(([field, value]) => [ROOM_KEY_NAMES[field] ?? `room key ${field}`, hex(value as Buffer)])
}

/** Every vector, name → value, in the order of the document. */
export function computeVectors (): Map<string, string> {
  const { a, b } = identities()
  const secret = vectorSecret()
  const keys = deriveRoomKeys(secret)
  const room = { name: INPUT.roomName, secret, keys, id: hex(keys.id) } as unknown as Room
  const bundle = bundleKeys(room)
  const dmA = new DmKeys({ publicKey: Buffer.from(a.publicKey), secretKey: Buffer.from(a.secretKey) })
  const dmB = new DmKeys({ publicKey: Buffer.from(b.publicKey), secretKey: Buffer.from(b.secretKey) })
  const shared = dmA.sharedWith(hex(b.publicKey))
  if (shared === null || !Buffer.from(shared).equals(Buffer.from(dmB.sharedWith(hex(a.publicKey)) ?? []))) throw new Error('the DM key is not the same from both ends')
  const block = documentedBlockEncryption(keys.encryptionKey, INPUT.coreKey, INPUT.blockIndex, 0, INPUT.block)
  const v: Array<[string, string]> = [
    // Inputs
    ['identity A seed', hex(INPUT.seedA)],
    ['identity B seed', hex(INPUT.seedB)],
    ['creator nonce', hex(INPUT.creatorNonce)],
    ['room name', INPUT.roomName],
    ['core key', hex(INPUT.coreKey)],
    ['handshake hash', hex(INPUT.handshakeHash)],
    ['bundle id', hex(INPUT.bundleId)],
    ['dm nonce', hex(INPUT.dmNonce)],
    ['dm text', INPUT.dmText],
    ['block index', String(INPUT.blockIndex)],
    ['block', INPUT.block.toString()],
    ['chunk', INPUT.chunk.toString()],
    // §1 identity
    ['identity A public key', hex(a.publicKey)],
    ['identity B public key', hex(b.publicKey)],
    ['identity A fingerprint', shortFingerprint(a.publicKey)],
    ['identity A words en', fingerprintWords(a.publicKey, 'en').join(' ')],
    ['identity A words fr', fingerprintWords(a.publicKey, 'fr').join(' ')],
    // §13 then §2
    ['room secret', hex(secret)],
    ['invite', encodeInvite(secret, INPUT.roomName)],
    ...roomKeyVectors(keys),
    // §3
    ['binding signature', hex(nacl.sign.detached(bindingPayload(keys.id, INPUT.coreKey, Buffer.from(a.publicKey)), a.secretKey))],
    ['hypercore block key', hex(block.blockKey)],
    ['hypercore blinding key', hex(block.blindingKey)],
    ['stored block', hex(block.stored)],
    // §5
    ['room proof, initiator', hex(roomProof(keys.capability, INPUT.handshakeHash, true))],
    ['room proof, responder', hex(roomProof(keys.capability, INPUT.handshakeHash, false))],
    // §11
    ['relay code', encodeRelayCode(room)],
    // §12
    ['identity A x25519 public', hex(ed2curve.convertPublicKey(a.publicKey) as Uint8Array)],
    ['identity B x25519 public', hex(ed2curve.convertPublicKey(b.publicKey) as Uint8Array)],
    ['identity A x25519 secret', hex(ed2curve.convertSecretKey(a.secretKey))],
    ['dm shared key', hex(shared)],
    ['dm box', sealDm(shared, hex(b.publicKey), INPUT.dmText, INPUT.dmNonce).box],
    // §14
    ['bundle seal key', hex(bundle.seal)],
    ['bundle tag key', hex(bundle.tag)],
    ['bundle header', hex(encodeHeader(bundle, INPUT.bundleId))],
    ['bundle chunk 0, final', hex(sealChunk(bundle.seal, INPUT.bundleId, 0, true, INPUT.chunk))]
  ]
  return new Map(v)
}

/** Width of the name column in the document. */
export const NAME_WIDTH = 26

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop() as string)) {
  for (const [name, value] of computeVectors()) console.log(`${name.padEnd(NAME_WIDTH)}${value}`)
}
