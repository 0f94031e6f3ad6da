/**
 * Sealed user data (docs/protocol.md §3b): every value tamtam keeps in a core's local user
 * data (binding verdicts with identity keys and nicknames, the log index with nickname
 * history and moderation records, fork marks, limits, last-seen times, bad-document lists)
 * is sealed with a key derived from the room secret, so the store alone tells nothing about
 * who is in a room, and destroying the secret leaves these values as noise.
 *
 * A sealed value is `SEALED_PREFIX ‖ nonce (24) ‖ secretbox(value)`, with tweetnacl's
 * XSalsa20-Poly1305 under HMAC-SHA256(HMAC-SHA256(secret, USER_DATA_LABEL), core key ‖ 0x00 ‖ name):
 * a value moved to another core or another key name does not open. Values written in clear by
 * older versions are read once and written back sealed; a value that does not open reads as
 * absent (its cache is rebuilt), never as an error.
 *
 * Every getUserData/setUserData of tamtam goes through here. Relay hubs hold no room secret
 * and write no user data.
 */
import { createHmac } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { Hypercore } from 'hypercore'
import type Nacl from 'tweetnacl'
import { requireCjs } from '../cjs.js'
import { deriveKey } from '../room/keys.js'
import type { Room } from '../room/index.js'

const nacl = requireCjs('tweetnacl') as typeof Nacl

/** The label the user-data key is derived with from the room secret. */
export const USER_DATA_LABEL = 'tamtam/user-data/v1'

/** First bytes of a sealed value: 0x00 (no JSON starts so), "UD", version 1. */
export const SEALED_PREFIX = Buffer.from([0x00, 0x55, 0x44, 0x01])

const NONCE_BYTES = 24

/**
 * Emits 'rewrite' each time a value in clear was written back sealed. Its clear bytes stay
 * in the store's files until RocksDB compacts them, so Tamtam scrubs its store soon after.
 */
export const legacyRewrites = new EventEmitter().setMaxListeners(0)

/** The user-data key of each room, derived once per secret (a rekeyed Room changes secret in place, src/epochs). */
const roomKeys = new WeakMap<Room, { secret: Buffer, key: Buffer }>()

function roomKey (room: Room): Buffer {
  let cached = roomKeys.get(room)
  if (cached === undefined || cached.secret !== room.secret) roomKeys.set(room, cached = { secret: room.secret, key: deriveKey(room.secret, USER_DATA_LABEL) })
  return cached.key
}

/** The secretbox key of value `name` of `core`: binds a value to its core and its key name. */
function boxKey (room: Room, core: Hypercore, name: string): Uint8Array {
  return createHmac('sha256', roomKey(room)).update(core.key).update(Buffer.from([0])).update(name).digest()
}

/** Seal `value` for `name` of `core` in `room`, under a fresh random nonce (`nonce` only for test vectors). */
export function sealUserData (room: Room, core: Hypercore, name: string, value: Buffer, nonce: Uint8Array = nacl.randomBytes(NONCE_BYTES)): Buffer {
  const box = nacl.secretbox(value, nonce, boxKey(room, core, name))
  return Buffer.concat([SEALED_PREFIX, nonce, box])
}

/** Open a sealed value; null when it is not sealed, or does not open under this room's key. */
export function openUserData (room: Room, core: Hypercore, name: string, sealed: Buffer): Buffer | null {
  if (!isSealed(sealed) || sealed.length < SEALED_PREFIX.length + NONCE_BYTES + nacl.secretbox.overheadLength) return null
  const nonce = sealed.subarray(SEALED_PREFIX.length, SEALED_PREFIX.length + NONCE_BYTES)
  const opened = nacl.secretbox.open(sealed.subarray(SEALED_PREFIX.length + NONCE_BYTES), nonce, boxKey(room, core, name))
  return opened === null ? null : Buffer.from(opened)
}

/** Whether a stored value carries the sealed prefix. */
export function isSealed (raw: Buffer): boolean {
  return raw.length >= SEALED_PREFIX.length && raw.subarray(0, SEALED_PREFIX.length).equals(SEALED_PREFIX)
}

/** Write `value` (a string is UTF-8) sealed under `name`. */
export async function writeUserData (core: Hypercore, room: Room, name: string, value: string | Buffer): Promise<void> {
  await core.setUserData(name, sealUserData(room, core, name, Buffer.from(value)))
}

/**
 * Read `name`: the opened value, or null when there is none or it does not open. A value in
 * clear (written before sealing) is returned and written back sealed, once.
 */
export async function readUserData (core: Hypercore, room: Room, name: string): Promise<Buffer | null> {
  const raw = await core.getUserData(name)
  if (raw === null) return null
  if (isSealed(raw)) return openUserData(room, core, name, raw)
  await writeUserData(core, room, name, raw).then(() => legacyRewrites.emit('rewrite'), () => {})
  return raw
}

/** Read `name` as JSON; null when absent, unopenable or not JSON (callers rebuild it). */
export async function readUserJson (core: Hypercore, room: Room, name: string): Promise<unknown> {
  const value = await readUserData(core, room, name)
  if (value === null) return null
  try {
    return JSON.parse(value.toString()) as unknown
  } catch {
    return null
  }
}

/** Write `value` as JSON, sealed. */
export async function writeUserJson (core: Hypercore, room: Room, name: string, value: unknown): Promise<void> {
  await writeUserData(core, room, name, JSON.stringify(value))
}
