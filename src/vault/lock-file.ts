/**
 * lock.json: the home key, wrapped under the passphrase (docs/protocol.md §19).
 *
 * The home key is 32 random bytes that seal the home's JSON files (keyring.ts). lock.json
 * holds it in one of two slots, each an XSalsa20-Poly1305 box (tweetnacl secretbox) under
 * the scrypt key of a passphrase, with the same salt. The other slot holds the duress
 * entry when one is set (the decoy name, sealed under the duress passphrase's key), and
 * random bytes of the same size when not, in a random order: reading the file does not tell
 * whether a duress passphrase exists. One derivation tries both slots, so a duress
 * passphrase takes the same time as the real one.
 */
import { randomBytes } from 'node:crypto'
import nacl from 'tweetnacl'
import { fail } from '../errors/index.js'
import { checkKdf, deriveKey, kdfDefaults, type KdfParams } from './kdf.js'

export const LOCK_FILE_VERSION = 'tamtam/lock/v1'
/** Bytes sealed in each slot: kind, then the key or the decoy name, then random padding. */
const PAYLOAD_BYTES = 160
const KIND_HOME_KEY = 1
const KIND_DURESS = 2
/** Longest decoy name in UTF-8 bytes (names are at most 64 characters: src/identity). */
const MAX_NAME_BYTES = PAYLOAD_BYTES - 2

/** A lock as read from lock.json. */
export interface LockFile { kdf: KdfParams, slots: Array<{ nonce: Buffer, box: Buffer }> }

/** What a passphrase opens: the home key, the duress entry, or nothing. */
export type Opened = { kind: 'home', key: Buffer } | { kind: 'duress', name: string } | { kind: 'none' }

/** Parse lock.json's content; anything malformed (a truncated copy, another file) is LOCK_FILE_INVALID. */
export function parseLock (text: string): LockFile {
  let raw: Record<string, unknown>
  try {
    raw = JSON.parse(text)
  } catch {
    throw fail('LOCK_FILE_INVALID', 'lock.json is not JSON (truncated or damaged)')
  }
  if (raw === null || typeof raw !== 'object' || raw.tamtam !== LOCK_FILE_VERSION) throw fail('LOCK_FILE_INVALID', 'lock.json is not a tamtam lock of a version this tamtam reads')
  const slots = raw.slots
  if (!Array.isArray(slots) || slots.length !== 2) throw fail('LOCK_FILE_INVALID', 'lock.json must hold two slots')
  return {
    kdf: checkKdf(raw.kdf),
    slots: slots.map((s: Record<string, unknown> | null) => {
      const nonce = typeof s?.nonce === 'string' && /^[0-9a-f]{48}$/.test(s.nonce) ? Buffer.from(s.nonce, 'hex') : null
      const box = typeof s?.box === 'string' ? Buffer.from(s.box, 'base64') : null
      if (nonce === null || box === null || box.length !== PAYLOAD_BYTES + nacl.secretbox.overheadLength) throw fail('LOCK_FILE_INVALID', 'a slot of lock.json has the wrong form')
      return { nonce, box }
    })
  }
}

/** lock.json's content for a lock. */
export function formatLock (lock: LockFile): string {
  const { N, r, p, salt } = lock.kdf
  return JSON.stringify({
    tamtam: LOCK_FILE_VERSION,
    kdf: { name: 'scrypt', N, r, p, salt: salt.toString('hex') },
    slots: lock.slots.map((s) => ({ nonce: s.nonce.toString('hex'), box: s.box.toString('base64') }))
  }, null, 2) + '\n'
}

/** Try `passphrase` on both slots (one derivation). */
export async function openLock (lock: LockFile, passphrase: string): Promise<Opened> {
  const key = await deriveKey(passphrase, lock.kdf)
  for (const slot of lock.slots) {
    const payload = nacl.secretbox.open(slot.box, slot.nonce, key)
    if (payload === null) continue
    if (payload[0] === KIND_HOME_KEY) return { kind: 'home', key: Buffer.from(payload.subarray(1, 33)) }
    if (payload[0] === KIND_DURESS) return { kind: 'duress', name: Buffer.from(payload.subarray(2, 2 + payload[1])).toString('utf8') }
  }
  return { kind: 'none' }
}

/** A sealed slot holding `payload` (padded) under `key`. */
function slot (key: Buffer, kind: number, body: Buffer): { nonce: Buffer, box: Buffer } {
  const payload = randomBytes(PAYLOAD_BYTES)
  payload[0] = kind
  body.copy(payload, 1)
  const nonce = randomBytes(nacl.secretbox.nonceLength)
  return { nonce, box: Buffer.from(nacl.secretbox(payload, nonce, key)) }
}

/** A slot nobody can open: random bytes of a slot's size. */
function noiseSlot (): { nonce: Buffer, box: Buffer } {
  return { nonce: randomBytes(nacl.secretbox.nonceLength), box: randomBytes(PAYLOAD_BYTES + nacl.secretbox.overheadLength) }
}

/**
 * A new lock holding `homeKey` under `passphrase`, and a duress entry (`decoyName`, the
 * name the empty home will show) under `duress` when given. Two derivations with duress.
 */
export async function makeLock (homeKey: Buffer, passphrase: string, duress?: { passphrase: string, decoyName: string }): Promise<LockFile> {
  const kdf: KdfParams = { name: 'scrypt', ...kdfDefaults, salt: randomBytes(16) }
  const slots = [slot(await deriveKey(passphrase, kdf), KIND_HOME_KEY, homeKey)]
  if (duress === undefined) {
    slots.push(noiseSlot())
  } else {
    const name = Buffer.from(duress.decoyName, 'utf8')
    if (name.length > MAX_NAME_BYTES) throw fail('INVALID_NAME')
    slots.push(slot(await deriveKey(duress.passphrase, kdf), KIND_DURESS, Buffer.concat([Buffer.from([name.length]), name])))
  }
  // A random order: the home key's slot is not always the first.
  if (randomBytes(1)[0] % 2 === 1) slots.reverse()
  return { kdf, slots }
}
