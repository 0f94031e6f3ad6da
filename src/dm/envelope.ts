/**
 * The sealed part of a private message: the plaintext JSON `{ v: 1, to, text }` in a
 * nacl box (XSalsa20-Poly1305) under the pair's shared key, with a random 24-byte nonce.
 * Opening treats the box as hostile: a wrong key, a bad MAC, bad UTF-8 or JSON, or a
 * plaintext off the schema all give null, never an exception. See docs/protocol.md §12.
 */
import type Nacl from 'tweetnacl'
import { requireCjs } from '../cjs.js'
import { fail } from '../errors/index.js'
import { MAX_DM_BOX_CHARS, MAX_TEXT_BYTES } from '../log/records.js'

const nacl = requireCjs('tweetnacl') as typeof Nacl

/** Version of the plaintext inside the box. */
export const DM_VERSION = 1

/** What the box holds once opened and checked. */
export interface DmPlaintext { v: number, to: string, text: string }

/** The two base64 fields of a `dm` record. */
export interface SealedDm { nonce: string, box: string }

const HEX32 = /^[0-9a-f]{64}$/
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Seal `text` for `to` (identity hex) under a shared key; fails when the record would be too large. */
export function sealDm (shared: Uint8Array, to: string, text: string, nonce = nacl.randomBytes(nacl.box.nonceLength)): SealedDm {
  checkText(text)
  const plain = Buffer.from(JSON.stringify({ v: DM_VERSION, to, text }))
  const box = Buffer.from(nacl.box.after(plain, nonce, shared)).toString('base64')
  // JSON escapes (quotes, control characters) can make a text under 8 KiB too large once sealed.
  if (box.length > MAX_DM_BOX_CHARS) throw fail('MESSAGE_TOO_LONG', `the private message is ${box.length} characters once encrypted, over ${MAX_DM_BOX_CHARS}`)
  return { nonce: Buffer.from(nonce).toString('base64'), box }
}

/** Fail with MESSAGE_EMPTY or MESSAGE_TOO_LONG when `text` cannot be sent. */
export function checkText (text: string): void {
  if (typeof text !== 'string' || text.trim().length === 0) throw fail('MESSAGE_EMPTY')
  const bytes = Buffer.byteLength(text)
  if (bytes > MAX_TEXT_BYTES) throw fail('MESSAGE_TOO_LONG', `the private message is ${bytes} bytes`)
}

/** Open a sealed message with a shared key; null unless it opens and follows the schema. */
export function openDm (shared: Uint8Array, sealed: SealedDm): DmPlaintext | null {
  const nonce = Buffer.from(sealed.nonce, 'base64')
  if (nonce.length !== nacl.box.nonceLength) return null
  const plain = nacl.box.open.after(Buffer.from(sealed.box, 'base64'), nonce, shared)
  return plain === null ? null : parsePlaintext(plain)
}

/** Check an opened plaintext: version 1, a 32-byte hex recipient, a text within the limit. */
export function parsePlaintext (bytes: Uint8Array): DmPlaintext | null {
  let raw: unknown
  try {
    raw = JSON.parse(UTF8.decode(bytes))
  } catch {
    return null
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null
  const r = raw as Record<string, unknown>
  if (r.v !== DM_VERSION || typeof r.to !== 'string' || !HEX32.test(r.to)) return null
  if (typeof r.text !== 'string' || Buffer.byteLength(r.text) > MAX_TEXT_BYTES) return null
  return { v: r.v, to: r.to, text: r.text }
}
