/**
 * Hosted logs (docs/protocol.md §3a): the member log a node keeps for a phone, which runs
 * no Hypercore. The node holds the core's key pair, so Hypercore's signature proves only
 * that the host wrote a block. The phone's identity proves the rest:
 * - block 0 is a binding the phone signs, naming the room, the core and the host;
 * - every later block wraps one record (`body`) with the phone's signature over the room,
 *   the core, the block's position and the body.
 * So a host can delay or drop a phone's records, but not write, alter, move, repeat or
 * copy one into another log or room: every reader checks each block here, and a block
 * that fails is dropped like a malformed one. Old peers, which do not know the `host`
 * field, find the binding's signature wrong and never show a hosted log at all, rather
 * than show records the host could have written.
 */
import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto'
import { sign } from '../identity/index.js'
import { HOSTED_BINDING_LABEL as BINDING_LABEL, HOSTED_RECORD_LABEL as RECORD_LABEL } from './hosted-labels.js'
import { RECORD_VERSION, validateRecord, type Decoded, type LogRecord } from './records.js'

/** The record type of a hosted block: old peers read it as an unknown type and skip it. */
export const HOSTED_TYPE = 'hosted'


/** A hosted block as stored: the phone-signed record `body` and its claimed time. */
export interface HostedBlock { v: number, type: typeof HOSTED_TYPE, ts: number, body: string, sig: string }

/** The bytes a hosted binding's signature covers: label, room id, core key, phone identity, host identity. */
export function hostedBindingPayload (roomId: Buffer, coreKey: Buffer, phone: Buffer, host: Buffer): Buffer {
  return Buffer.concat([Buffer.from(BINDING_LABEL), roomId, coreKey, phone, host])
}

/** The bytes a hosted record's signature covers: label, room id, core key, position (u64 BE), body. */
export function hostedRecordPayload (roomId: Buffer, coreKey: Buffer, seq: number, body: Buffer): Buffer {
  const position = Buffer.alloc(8)
  position.writeBigUInt64BE(BigInt(seq))
  return Buffer.concat([Buffer.from(RECORD_LABEL), roomId, coreKey, position, body])
}

/**
 * The block a phone signs for position `seq` of a hosted log: what the browser does, in
 * Node, for tests and for Node clients. `record` gets `v` and keeps its `ts`.
 */
export function signHostedBlock (record: Omit<LogRecord, 'v'>, seq: number, roomId: Buffer, coreKey: Buffer, phoneSecretKey: Uint8Array): Buffer {
  const body = Buffer.from(JSON.stringify({ ...record, v: RECORD_VERSION }))
  const sig = sign(hostedRecordPayload(roomId, coreKey, seq, body), phoneSecretKey)
  const block: HostedBlock = { v: RECORD_VERSION, type: HOSTED_TYPE, ts: record.ts, body: body.toString(), sig: sig.toString('hex') }
  return Buffer.from(JSON.stringify(block))
}

const HEX64 = /^[0-9a-f]{128}$/

/**
 * Open block `seq` of a hosted log: the record inside, once the phone's signature over it,
 * its room, log and position verifies. Never throws.
 */
export function openHostedBlock (block: Buffer, phone: Buffer, roomId: Buffer, coreKey: Buffer, seq: number): Decoded {
  let outer: Partial<HostedBlock>
  try {
    outer = JSON.parse(block.toString()) as Partial<HostedBlock>
  } catch {
    return { ok: false, reason: 'not JSON' }
  }
  if (outer === null || typeof outer !== 'object' || outer.type !== HOSTED_TYPE) return { ok: false, reason: 'a hosted log holds only phone-signed records' }
  if (typeof outer.body !== 'string' || typeof outer.sig !== 'string' || !HEX64.test(outer.sig)) return { ok: false, reason: 'bad hosted block fields' }
  const body = Buffer.from(outer.body)
  if (!verifyEd25519(hostedRecordPayload(roomId, coreKey, seq, body), Buffer.from(outer.sig, 'hex'), phone)) {
    return { ok: false, reason: 'the phone\'s signature does not cover this record here' }
  }
  let inner: unknown
  try {
    inner = JSON.parse(outer.body)
  } catch {
    return { ok: false, reason: 'the signed body is not JSON' }
  }
  const decoded = validateRecord(inner)
  if (!decoded.ok) return decoded
  // The outer time is what placement reads without opening the block: it must be the signed one.
  if (decoded.record.ts !== outer.ts) return { ok: false, reason: 'the block\'s time is not the signed time' }
  if (decoded.record.type === 'binding') return { ok: false, reason: 'a binding past block 0' }
  return decoded
}

/** Public keys as Node key objects, made once per phone. */
const KEYS = new Map<string, KeyObject>()
const MAX_KEYS = 4096
/** The DER prefix of an Ed25519 public key (SubjectPublicKeyInfo): 12 bytes, then the 32 of the key. */
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex')

/**
 * Ed25519 verification with Node's crypto: every record of a hosted log is checked on every
 * read, and tweetnacl's ~64 verifications a second (identity.ts) would make a phone's
 * history slow to show. Same algorithm (RFC 8032); phones sign with tweetnacl.
 */
export function verifyEd25519 (message: Buffer, signature: Buffer, publicKey: Buffer): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false
  const hex = publicKey.toString('hex')
  let key = KEYS.get(hex)
  if (key === undefined) {
    try {
      key = createPublicKey({ key: Buffer.concat([SPKI_ED25519, publicKey]), format: 'der', type: 'spki' })
    } catch {
      return false
    }
    if (KEYS.size >= MAX_KEYS) KEYS.clear()
    KEYS.set(hex, key)
  }
  try {
    return verifySignature(null, message, key, signature)
  } catch {
    return false
  }
}
