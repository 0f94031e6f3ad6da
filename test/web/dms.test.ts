/**
 * The page's DM code (web/src/dms.ts) against the node's (src/dm): the same boxes both
 * ways, the same refusals (§12 "Keys", limits), and a phone's own sent message that opens
 * only once its recipient is listed. Real keys, no network.
 */
import nacl from 'tweetnacl'
import t from 'tap'
import { DmKeys, openDm, sealDm } from '../../src/dm/index.js'
import { PhoneDms } from '../../web/src/dms.js'

const keys = (): { publicKey: Buffer, secretKey: Buffer, hex: string } => {
  const k = nacl.sign.keyPair()
  return { publicKey: Buffer.from(k.publicKey), secretKey: Buffer.from(k.secretKey), hex: Buffer.from(k.publicKey).toString('hex') }
}
const CORE = 'ab'.repeat(32)

t.test('the page and the node open each other\'s boxes', async (t) => {
  const phone = keys()
  const laptop = keys()
  const dms = new PhoneDms(phone)
  const sealed = dms.seal(laptop.hex, 'du téléphone')
  if (typeof sealed === 'string') throw new Error(sealed)
  t.same(openDm(new DmKeys(laptop).sharedWith(phone.hex) as Uint8Array, sealed), { v: 1, to: laptop.hex, text: 'du téléphone' }, 'the node opens what the page sealed')
  const fromLaptop = sealDm(new DmKeys(laptop).sharedWith(phone.hex) as Uint8Array, phone.hex, 'du portable\u001b[31m rouge')
  const opened = dms.take([{ core: CORE, seq: 3, ts: 5, author: laptop.hex, ...fromLaptop }])
  t.same(opened.map((m) => [m.peer, m.mine, m.text, m.id]), [[laptop.hex, false, 'du portable rouge', `${CORE.slice(0, 16)}.3`]], 'the page opens what the node sealed, with escape sequences cleaned')
})

t.test('a sent message opens once its recipient is listed', async (t) => {
  const phone = keys()
  const laptop = keys()
  const writer = new PhoneDms(phone)
  const sealed = writer.seal(laptop.hex, 'à toi') as { nonce: string, box: string }
  const reader = new PhoneDms(phone)
  t.same(reader.take([{ core: CORE, seq: 1, ts: 1, author: phone.hex, ...sealed }]), [], 'no member listed: kept, not shown')
  t.same(reader.setMembers([keys().hex]).length, 0, 'another member\'s key does not open it')
  t.same(reader.setMembers([laptop.hex]).map((m) => [m.peer, m.mine, m.text]), [[laptop.hex, true, 'à toi']], 'the recipient listed: it opens, as ours')
})

t.test('the page refuses what §12 refuses', async (t) => {
  const phone = keys()
  const dms = new PhoneDms(phone)
  const laptop = keys().hex
  t.equal(dms.seal(laptop, '   '), 'empty', 'an empty text')
  t.equal(dms.seal(laptop, 'x'.repeat(8 * 1024 + 1)), 'tooLong', 'over 8 KiB')
  t.equal(dms.seal(laptop, '"'.repeat(6000)), 'tooLong', 'under 8 KiB but over the box limit once escaped')
  t.equal(typeof dms.seal(laptop, 'x'.repeat(8 * 1024)), 'object', '8 KiB exactly is sealed (positive control)')
  t.equal(dms.seal(phone.hex, 'à moi'), 'badKey', 'not to ourselves')
  t.equal(dms.seal('01' + '00'.repeat(31), 'basse'), 'badKey', 'not to a low-order point (anyone could compute the key)')
  t.equal(dms.seal('zz', 'x'), 'badKey', 'not to a malformed identity')
  const hostile = [null, 3, { core: 'x' }, { core: CORE, seq: 1, ts: 1, author: laptop, nonce: 'a'.repeat(65), box: '' }]
  t.same(dms.take(hostile), [], 'malformed records from the host are dropped')
})
