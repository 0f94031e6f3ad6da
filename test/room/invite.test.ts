import t from 'tap'
import { randomBytes } from 'node:crypto'
import { bech32m } from 'bech32'
import { encodeInvite, decodeInvite, inviteQr, INVITE_VERSION } from '../../src/room/invite.js'
import { isTamtamError } from '../../src/errors/index.js'

const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
// Look-alikes and characters people add while copying, on top of the real alphabet.
const CORRUPTIONS = BECH32_CHARSET + 'O1-é bio'

// True when decodeInvite refuses the code with INVITE_INVALID (and not some other error).
function isRejected (code: string): boolean {
  try {
    decodeInvite(code)
    return false
  } catch (err) {
    return isTamtamError(err, 'INVITE_INVALID')
  }
}

t.test('round trip keeps secret and name, accents included', async t => {
  const secret = randomBytes(32)
  for (const name of ['Atelier Bamako é', '', 'café ☕ 東京']) {
    const code = encodeInvite(secret, name)
    t.equal(code, code.toLowerCase(), 'code is lowercase')
    t.ok(code.startsWith('tamtam1'))
    const invite = decodeInvite(code)
    t.equal(invite.version, INVITE_VERSION)
    t.ok(invite.secret.equals(secret))
    t.equal(invite.name, name)
  }
})

t.test('long names are cut to 64 bytes on a character boundary', async t => {
  const name = 'é'.repeat(40) // 80 bytes; 'é' is 2 bytes so a byte cut could split one
  const invite = decodeInvite(encodeInvite(randomBytes(32), name))
  t.equal(invite.name, 'é'.repeat(32))
  t.throws(() => encodeInvite(randomBytes(31), 'x'), RangeError, 'wrong secret size is a bug')
})

t.test('uppercase, spaced and dashed input decodes', async t => {
  const secret = randomBytes(32)
  const code = encodeInvite(secret, 'Salle 2')
  const chunks = code.match(/.{1,5}/g)!
  for (const variant of [code.toUpperCase(), `  ${code}\n`, chunks.join(' '), chunks.join('-'), chunks.join('\n'), chunks.join(' - ').toUpperCase()]) {
    t.ok(decodeInvite(variant).secret.equals(secret), JSON.stringify(variant.slice(0, 20)))
  }
})

t.test('100 random single-character corruptions are all rejected', async t => {
  const code = encodeInvite(randomBytes(32), 'Atelier Bamako é')
  for (let n = 0; n < 100; n++) {
    const at = Math.floor(Math.random() * code.length)
    let char = code[at]
    while (char === code[at]) char = CORRUPTIONS[Math.floor(Math.random() * CORRUPTIONS.length)]
    t.ok(isRejected(code.slice(0, at) + char + code.slice(at + 1)), `"${char}" at ${at}`)
  }
})

t.test('every truncation is rejected, with the length hint', async t => {
  const code = encodeInvite(randomBytes(32), 'Atelier')
  for (let len = 0; len < code.length; len++) t.ok(isRejected(code.slice(0, len)), `prefix of ${len}`)
  t.throws(() => decodeInvite(code.slice(0, -1)), { message: /starts with "tamtam1" and is \d+ to \d+ characters long/ })
})

t.test('wrong hrp is rejected', async t => {
  const bytes = Buffer.concat([Buffer.from([INVITE_VERSION]), randomBytes(32)])
  t.ok(isRejected(bech32m.encode('tamtan', bech32m.toWords(bytes), 200)), 'hrp tamtan')
  t.ok(isRejected(bech32m.encode('bc', bech32m.toWords(bytes), 200)), 'hrp bc')
})

t.test('other versions are rejected; a newer one asks for an update', async t => {
  const v2 = bech32m.encode('tamtam', bech32m.toWords(Buffer.concat([Buffer.from([2]), randomBytes(40)])), 200)
  t.throws(() => decodeInvite(v2), { code: 'INVITE_INVALID', message: /update tamtam/ })
  const v0 = bech32m.encode('tamtam', bech32m.toWords(Buffer.concat([Buffer.from([0]), randomBytes(32)])), 200)
  t.ok(isRejected(v0), 'version 0')
})

t.test('broken payloads inside a valid checksum are rejected', async t => {
  const encode = (bytes: Buffer) => bech32m.encode('tamtam', bech32m.toWords(bytes), 1000)
  const header = Buffer.concat([Buffer.from([INVITE_VERSION]), randomBytes(32)])
  // Each case has a correct checksum, so only the payload checks can catch it.
  t.throws(() => decodeInvite(encode(Buffer.concat([header, Buffer.from([0xc3, 0x28])]))), { message: /UTF-8/ }, 'bad UTF-8 name')
  t.ok(isRejected(encode(header.subarray(0, 20))), 'secret cut short')
  t.ok(isRejected(encode(Buffer.concat([header, Buffer.alloc(65, 0x61)]))), 'name over 64 bytes')
})

t.test('QR is a non-empty multi-line string', async t => {
  const qr = await inviteQr(encodeInvite(randomBytes(32), 'Atelier Bamako é'))
  t.ok(qr.length > 0)
  t.ok(qr.split('\n').length > 10, 'several lines')
})
