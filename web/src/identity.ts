/**
 * The phone's identity: an ed25519 key pair made once with tweetnacl and kept in this
 * origin's localStorage with the name, so a reload is the same member (docs/protocol.md §3a).
 * The secret key never leaves the page.
 */
import nacl from 'tweetnacl'
import { sha256 } from '@noble/hashes/sha2.js'
import { fromHex, toHex } from './bytes.js'

const KEY_SLOT = 'tamtam.identity'
const NAME_SLOT = 'tamtam.name'

/** The phone's keys; `hex` is the public key as the host and peers see it. */
export interface PhoneKeys { publicKey: Uint8Array, secretKey: Uint8Array, hex: string }

/** The stored key pair, or a new one (stored). */
export function loadKeys (store: Storage): PhoneKeys {
  const kept = store.getItem(KEY_SLOT)
  if (kept !== null && /^[0-9a-f]{128}$/.test(kept)) {
    const pair = nacl.sign.keyPair.fromSecretKey(fromHex(kept))
    return { ...pair, hex: toHex(pair.publicKey) }
  }
  const pair = nacl.sign.keyPair()
  store.setItem(KEY_SLOT, toHex(pair.secretKey))
  return { ...pair, hex: toHex(pair.publicKey) }
}

/** Whether this origin already holds an identity with its name. */
export const hasIdentity = (store: Storage): boolean => store.getItem(KEY_SLOT) !== null && store.getItem(NAME_SLOT) !== null

/** Keep the identity another host's page handed over (move.ts) as this origin's own. */
export function adoptKeys (store: Storage, secretKey: Uint8Array, name: string): void {
  store.setItem(KEY_SLOT, toHex(nacl.sign.keyPair.fromSecretKey(secretKey).secretKey))
  saveName(store, name)
}

/** The public half of a secret key (to show the fingerprint before it is adopted). */
export const publicOf = (secretKey: Uint8Array): Uint8Array => nacl.sign.keyPair.fromSecretKey(secretKey).publicKey

/** The stored name, or null before the person gave one. */
export const loadName = (store: Storage): string | null => store.getItem(NAME_SLOT)

export function saveName (store: Storage, name: string): void {
  store.setItem(NAME_SLOT, name)
}

/** Names the node accepts: 1 to 64 characters once trimmed. */
export function cleanName (raw: string): string | null {
  const name = raw.trim().replace(/\s+/g, ' ')
  return name.length >= 1 && [...name].length <= 64 ? name : null
}

/** The short fingerprint peers show: the first 8 bytes of sha256(key), as src/identity does. */
export function shortFingerprint (publicKey: Uint8Array): string {
  return (toHex(sha256(publicKey).subarray(0, 8)).match(/.{4}/g) as string[]).join('-')
}
