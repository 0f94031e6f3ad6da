import t from 'tap'
import ed2curve from 'ed2curve'
import nacl from 'tweetnacl'
import { generateIdentity } from '../../src/identity/index.js'
import { DmKeys, openDm, sealDm } from '../../src/dm/index.js'
import { parsePlaintext } from '../../src/dm/envelope.js'
import { MAX_DM_BOX_CHARS, validateRecord } from '../../src/log/records.js'

const awa = generateIdentity('Awa')
const moussa = generateIdentity('Moussa')
const hex = (b: Buffer): string => b.toString('hex')

t.test('ed2curve: the converted secret matches the converted public key', async (t) => {
  const secret = ed2curve.convertSecretKey(awa.secretKey)
  t.same(Buffer.from(nacl.scalarMult.base(secret)), Buffer.from(ed2curve.convertPublicKey(awa.publicKey)!), 'X25519(secret) = converted public key')
})

t.test('the shared key is the same from both ends, and differs for another pair', async (t) => {
  const a = new DmKeys(awa)
  const m = new DmKeys(moussa)
  const other = new DmKeys(generateIdentity('C'))
  t.same(a.sharedWith(hex(moussa.publicKey)), m.sharedWith(hex(awa.publicKey)), 'box.before is symmetric')
  t.notSame(a.sharedWith(hex(moussa.publicKey)), other.sharedWith(hex(moussa.publicKey)), 'a third member gets another key')
})

t.test('keys with no safe X25519 form give no shared key', async (t) => {
  const a = new DmKeys(awa)
  // y = 0 is a point of order 4: its shared secret is all zeros, so anyone could compute it.
  const cases: Array<[string, string]> = [
    ['0'.repeat(64), 'low-order point'],
    ['zz'.repeat(32), 'not hex'],
    ['ab', 'too short']
  ]
  let notOnCurve = ''
  for (let i = 1; i < 256 && notOnCurve === ''; i++) if (ed2curve.convertPublicKey(Buffer.alloc(32, i)) === null) notOnCurve = Buffer.alloc(32, i).toString('hex')
  t.not(notOnCurve, '', 'found a 32-byte string that is not a curve point')
  cases.push([notOnCurve, 'not a curve point'])
  for (const [key, why] of cases) t.equal(a.sharedWith(key), null, why)
})

t.test('seal and open', async (t) => {
  const shared = new DmKeys(awa).sharedWith(hex(moussa.publicKey))!
  const to = hex(moussa.publicKey)
  const sealed = sealDm(shared, to, 'on se voit à 17 h ?')
  t.ok(validateRecord({ v: 1, type: 'dm', ts: 1, ...sealed }).ok, 'the sealed fields make a valid dm record')
  t.same(openDm(shared, sealed), { v: 1, to, text: 'on se voit à 17 h ?' }, 'round trip')
  t.notSame(sealDm(shared, to, 'x').nonce, sealDm(shared, to, 'x').nonce, 'a fresh random nonce each time')

  const flipped = Buffer.from(sealed.box, 'base64')
  flipped[flipped.length - 1] ^= 1
  // Each case: a box that must not open, and why.
  const cases: Array<[Uint8Array, { nonce: string, box: string }, string]> = [
    [nacl.randomBytes(32), sealed, 'wrong key'],
    [shared, { nonce: sealed.nonce, box: flipped.toString('base64') }, 'one bit flipped'],
    [shared, { nonce: Buffer.alloc(23).toString('base64'), box: sealed.box }, 'short nonce'],
    [shared, { nonce: sealed.nonce, box: '' }, 'empty box']
  ]
  for (const [key, s, why] of cases) t.equal(openDm(key, s), null, why)
})

t.test('text limits', async (t) => {
  const shared = nacl.randomBytes(32)
  const to = hex(moussa.publicKey)
  t.throws(() => sealDm(shared, to, '   '), { code: 'MESSAGE_EMPTY' }, 'blank text')
  t.throws(() => sealDm(shared, to, 'x'.repeat(8 * 1024 + 1)), { code: 'MESSAGE_TOO_LONG' }, '8 KiB + 1 byte')
  t.ok(sealDm(shared, to, 'x'.repeat(8 * 1024)).box.length <= MAX_DM_BOX_CHARS, 'exactly 8 KiB fits')
  t.ok(sealDm(shared, to, 'é'.repeat(4 * 1024)), '8 KiB of two-byte characters fits')
  t.throws(() => sealDm(shared, to, '"'.repeat(8 * 1024)), { code: 'MESSAGE_TOO_LONG' }, '8 KiB that doubles once JSON-escaped is refused, not written')
})

t.test('plaintext schema: anything off it is dropped', async (t) => {
  const to = 'a'.repeat(64)
  const cases: Array<[unknown, boolean, string]> = [
    [{ v: 1, to, text: 'hi' }, true, 'valid'],
    [{ v: 1, to, text: 'hi', from: 'b'.repeat(64) }, true, 'extra fields are ignored (and never read)'],
    [{ v: 2, to, text: 'hi' }, false, 'unknown version'],
    [{ v: 1, to: to.toUpperCase(), text: 'hi' }, false, 'recipient not lowercase hex'],
    [{ v: 1, to: to.slice(2), text: 'hi' }, false, 'recipient too short'],
    [{ v: 1, to, text: 7 }, false, 'text not a string'],
    [{ v: 1, to, text: 'x'.repeat(8 * 1024 + 1) }, false, 'text over 8 KiB'],
    [[1, to, 'hi'], false, 'an array'],
    [null, false, 'null']
  ]
  for (const [value, ok, why] of cases) t.equal(parsePlaintext(Buffer.from(JSON.stringify(value))) !== null, ok, why)
  t.equal(parsePlaintext(Buffer.from([0x7b, 0xff, 0x7d])), null, 'invalid UTF-8')
  t.equal(parsePlaintext(Buffer.from('{"v":1,')), null, 'truncated JSON')
})
