/**
 * Known answers for the phone channel: the document's vectors (docs/protocol.md §16) equal
 * what src/phone computes, and an independent recomputation with node:crypto, following
 * only the formulas of §16, gives the same bytes. A browser build can be checked against
 * the same list.
 */
import t from 'tap'
import { documentedVectors } from '../helpers/protocol-doc.js'
import { createHash, createHmac, createPrivateKey, createPublicKey, diffieHellman, hkdfSync } from 'node:crypto'
import nacl from 'tweetnacl'
import { computePhoneVectors } from './vectors.js'

/** The vectors under §16's "Test vectors" (the only level-3 heading of that name). */
const phoneVectors = (): Map<string, string> => documentedVectors(/^### Test vectors$/m, '§16 "Test vectors"')


t.test('src/phone gives exactly the bytes the protocol document lists', async (t) => {
  const documented = phoneVectors()
  const computed = computePhoneVectors()
  t.same([...documented.keys()], [...computed.keys()], 'the same names, in the same order')
  for (const [name, value] of computed) t.equal(value, documented.get(name), name)
})

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const hmac = (key: Buffer, ...parts: Array<Buffer | string>): Buffer => {
  const h = createHmac('sha256', key)
  for (const p of parts) h.update(p)
  return h.digest()
}

/** X25519 with node:crypto (OpenSSL), not tweetnacl: our public key, and the shared secret with theirs. */
function x25519 (secret: Buffer, theirPublic?: Buffer): { shared?: Buffer, publicKey: Buffer } {
  const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), secret]), format: 'der', type: 'pkcs8' })
  const publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-32)
  if (theirPublic === undefined) return { publicKey }
  const them = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), theirPublic]), format: 'der', type: 'spki' })
  return { shared: diffieHellman({ privateKey, publicKey: them }), publicKey }
}

t.test('the §16 formulas, recomputed with node:crypto, give the documented bytes', async (t) => {
  const v = phoneVectors()
  const get = (name: string): Buffer => Buffer.from(v.get(name) ?? '', 'hex')
  const memberKey = hmac(get('room secret'), 'tamtam/member-proof/v1')
  t.equal(hex(memberKey), v.get('member key'))
  const hostPublic = x25519(get('host ephemeral secret')).publicKey
  const phone = x25519(get('phone ephemeral secret'), hostPublic)
  const shared = phone.shared as Buffer
  const tag = hmac(memberKey, 'tamtam/phone/1/room-tag', phone.publicKey, get('phone nonce'))
  const hello = Buffer.concat([Buffer.from([0x74, 1, 1]), phone.publicKey, get('phone nonce'), tag])
  t.equal(hex(hello), v.get('hello'))
  const head = Buffer.concat([Buffer.from([0x74, 1, 2]), hostPublic, get('host nonce')])
  const transcript = createHash('sha256').update('tamtam/phone/1/transcript').update(hello).update(head).digest()
  t.equal(hex(transcript), v.get('transcript hash'))
  t.equal(hex(Buffer.concat([head, hmac(memberKey, 'tamtam/phone/1/proof', transcript, 'server')])), v.get('reply'))
  t.equal(hex(Buffer.concat([Buffer.from([0x74, 1, 3]), hmac(memberKey, 'tamtam/phone/1/proof', transcript, 'client')])), v.get('proof'))
  t.equal(hex(shared), v.get('x25519 shared secret'))
  const okm = Buffer.from(hkdfSync('sha256', shared, Buffer.concat([memberKey, transcript]), 'tamtam/phone/1/keys', 64))
  t.equal(hex(okm.subarray(0, 32)), v.get('phone-to-host key'))
  t.equal(hex(okm.subarray(32)), v.get('host-to-phone key'))
  const zeroNonce = new Uint8Array(24) // frame 0: counter 0, then zeros
  t.equal(hex(nacl.secretbox(Buffer.from(v.get('phone message') ?? ''), zeroNonce, okm.subarray(0, 32))), v.get('phone frame 0'))
  t.equal(hex(nacl.secretbox(Buffer.from(v.get('host message') ?? ''), zeroNonce, okm.subarray(32))), v.get('host frame 0'))
  t.equal(v.get('refusal'), '740104')
})
