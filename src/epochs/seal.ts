/**
 * The sealed part of a key rotation (protocol.md §20): the new epoch's 32-byte secret,
 * sealed to each remaining member in a nacl box under the pair's shared key, the one
 * private messages use (src/dm/keys.ts), so no new key is published. Each box holds the
 * id of the epoch the rotation leaves and the new secret: a box moved into another epoch's
 * log, or into a record for another epoch, does not open as valid there.
 */
import type Nacl from 'tweetnacl'
import { requireCjs } from '../cjs.js'
import type { DmKeys } from '../dm/keys.js'
import { REKEY_BOX_BYTES, REKEY_BOXES_PER_RECORD, type RekeyRecord } from '../log/records.js'
import { deriveRoomKeys } from '../room/index.js'

const nacl = requireCjs('tweetnacl') as typeof Nacl

/** A rekey record as written (the log adds v and ts). */
export type NewRekey = Omit<RekeyRecord, 'v' | 'ts'>

/**
 * The records of one rotation from epoch `fromId` to `secret`: one box per recipient
 * (identity hex) whose key has an X25519 form, in random order so a box's place tells
 * nothing, REKEY_BOXES_PER_RECORD per record, each record under its own random nonce.
 */
export function sealRekey (keys: DmKeys, fromId: Buffer, secret: Buffer, recipients: string[], removed: string[] = []): NewRekey[] {
  const next = deriveRoomKeys(secret).id.toString('hex')
  const plain = Buffer.concat([fromId, secret])
  const shared = shuffle([...new Set(recipients)]).map((r) => keys.sharedWith(r)).filter((k): k is Uint8Array => k !== null)
  const parts = Math.max(1, Math.ceil(shared.length / REKEY_BOXES_PER_RECORD))
  const records: NewRekey[] = []
  for (let part = 0; part < parts; part++) {
    const nonce = nacl.randomBytes(nacl.box.nonceLength)
    const boxes = shared.slice(part * REKEY_BOXES_PER_RECORD, (part + 1) * REKEY_BOXES_PER_RECORD).map((k) => nacl.box.after(plain, nonce, k))
    records.push({
      type: 'rekey',
      next,
      part,
      parts,
      nonce: Buffer.from(nonce).toString('base64'),
      boxes: Buffer.concat(boxes).toString('base64'),
      ...(part === 0 && removed.length > 0 ? { removed: removed.slice(0, 16) } : {})
    })
  }
  return records
}

/**
 * The new secret, if one box of `record` opens under `shared` (our key with its author's),
 * names `fromId` and gives the epoch id the record announces; else null. Never throws.
 */
export function openRekey (shared: Uint8Array | null, fromId: Buffer, record: Pick<RekeyRecord, 'next' | 'nonce' | 'boxes'>): Buffer | null {
  if (shared === null) return null
  const nonce = Buffer.from(record.nonce, 'base64')
  const boxes = Buffer.from(record.boxes, 'base64')
  if (nonce.length !== nacl.box.nonceLength || boxes.length % REKEY_BOX_BYTES !== 0) return null
  for (let at = 0; at < boxes.length; at += REKEY_BOX_BYTES) {
    const plain = nacl.box.open.after(boxes.subarray(at, at + REKEY_BOX_BYTES), nonce, shared)
    if (plain === null || plain.length !== 64) continue
    const from = Buffer.from(plain.subarray(0, 32))
    const secret = Buffer.from(plain.subarray(32))
    if (!from.equals(fromId) || deriveRoomKeys(secret).id.toString('hex') !== record.next) return null
    return secret
  }
  return null
}

function shuffle<T> (items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Buffer.from(nacl.randomBytes(4)).readUInt32BE(0) % (i + 1)
    ;[items[i], items[j]] = [items[j], items[i]]
  }
  return items
}
