import t from 'tap'
import { randomBytes } from 'node:crypto'
import { wordlist as english } from '@scure/bip39/wordlists/english.js'
import { wordlist as french } from '@scure/bip39/wordlists/french.js'
import { shortFingerprint, fingerprintWords } from '../../src/identity/fingerprint.js'

t.test('short fingerprint', async t => {
  const key = randomBytes(32)
  t.match(shortFingerprint(key), /^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/)
  t.equal(shortFingerprint(key), shortFingerprint(Buffer.from(key)), 'deterministic')
  t.not(shortFingerprint(key), shortFingerprint(randomBytes(32)), 'different keys differ')
  // known answer: sha256 of 32 zero bytes starts with 66687aadf862bd77
  t.equal(shortFingerprint(new Uint8Array(32)), '6668-7aad-f862-bd77')
})

t.test('fingerprint words', async t => {
  const key = randomBytes(32)
  const words = fingerprintWords(key)
  t.equal(words.length, 6)
  t.same(fingerprintWords(key), words, 'deterministic')
  t.notSame(fingerprintWords(randomBytes(32)), words, 'different keys differ')
  for (const w of words) t.ok(english.includes(w), `${w} is a BIP-39 word`)
  // known answer: sha256(32 zero bytes) = 0x66687aadf862bd77 ..., its first six 11-bit groups (checked with a bit string)
  t.same(fingerprintWords(new Uint8Array(32)).map(w => english.indexOf(w)), [0x333, 0x21e, 0x55b, 0x786, 0x15e, 0x5dd])
})

t.test('fr and en use the same indexes', async t => {
  for (let n = 0; n < 20; n++) {
    const key = randomBytes(32)
    const en = fingerprintWords(key, 'en').map(w => english.indexOf(w))
    const fr = fingerprintWords(key, 'fr').map(w => french.indexOf(w))
    t.same(fr, en)
    t.notOk(en.includes(-1))
  }
})
