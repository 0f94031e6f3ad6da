/**
 * Byte helpers for the page: hex, UTF-8, concatenation, big-endian positions. The page has
 * no Buffer; these build the same bytes as the host's Buffer code (src/log/hosted.ts).
 */

/** Lowercase hex of `bytes`. */
export function toHex (bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) out += (b < 16 ? '0' : '') + b.toString(16)
  return out
}

/** Bytes of a lowercase or uppercase hex string; throws on odd length or a non-hex character. */
export function fromHex (hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new Error('not hex')
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

/** UTF-8 bytes of `text`. */
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

/** The parts one after the other. */
export function concat (...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** `n` (a safe non-negative integer) as 8 bytes, big-endian, without BigInt. */
export function uint64be (n: number): Uint8Array {
  const out = new Uint8Array(8)
  const high = Math.floor(n / 0x100000000)
  const low = n >>> 0
  for (let i = 0; i < 4; i++) {
    out[3 - i] = (high >>> (8 * i)) & 0xff
    out[7 - i] = (low >>> (8 * i)) & 0xff
  }
  return out
}

/** Standard base64 with padding (as Buffer writes it), through btoa. */
export function toBase64 (bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary)
}

/** Bytes of standard base64; null when it is not base64. */
export function fromBase64 (text: string): Uint8Array | null {
  let binary: string
  try {
    binary = atob(text)
  } catch {
    return null
  }
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}
