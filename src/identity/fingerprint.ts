/**
 * Fingerprints of public keys that two people can compare out loud or side by side, to check
 * that nobody sits between them. Both forms are derived from sha256(publicKey).
 */
import { createHash } from 'node:crypto'
import { wordlist as english } from '@scure/bip39/wordlists/english.js'
import { wordlist as french } from '@scure/bip39/wordlists/french.js'

const WORDLISTS = { en: english, fr: french }
const WORD_COUNT = 6
const BITS_PER_WORD = 11 // BIP-39 lists have 2048 = 2^11 words

/** A short hex fingerprint: the first 8 bytes of sha256(key), e.g. '3f2a-91bc-0d44-7e10'. */
export function shortFingerprint (publicKey: Uint8Array): string {
  const hex = digest(publicKey).subarray(0, 8).toString('hex')
  return hex.match(/.{4}/g)!.join('-')
}

/**
 * Six words from the first 66 bits of sha256(key), read as six 11-bit indexes into the
 * BIP-39 wordlist of `lang`. Every language uses the same indexes, so people with different
 * languages can still compare word positions in the lists.
 */
export function fingerprintWords (publicKey: Uint8Array, lang: 'en' | 'fr' = 'en'): string[] {
  const list = WORDLISTS[lang]
  // 9 bytes = 72 bits covers the 66 we need; BigInt avoids 32-bit overflow in the shifts.
  const head = BigInt('0x' + digest(publicKey).subarray(0, 9).toString('hex'))
  const words: string[] = []
  for (let i = 0; i < WORD_COUNT; i++) {
    const shift = BigInt(72 - BITS_PER_WORD * (i + 1))
    words.push(list[Number((head >> shift) & 0x7ffn)])
  }
  return words
}

function digest (publicKey: Uint8Array): Buffer {
  return createHash('sha256').update(publicKey).digest()
}
