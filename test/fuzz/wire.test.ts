/** Fuzz of the wire decoders (issue 8, item 4): invites, room protocol messages, LAN beacons. */
import t from 'tap'
import fc from 'fast-check'
import { fuzz, RUNS } from '../helpers/fuzz.js'
import c from 'compact-encoding'
import { randomBytes } from 'node:crypto'
import { decodeInvite, encodeInvite } from '../../src/room/invite.js'
import { helloEncoding, membersEncoding, selfEncoding, MAX_PROOFS, MAX_CORES, type Encoding } from '../../src/replication/messages.js'
import { decodeMessage } from '../../src/replication/decode.js'
import { decodeBeacon, encodeBeacon, BEACON_SIZE } from '../../src/discovery/beacon-wire.js'
import { TamtamError } from '../../src/errors/index.js'


const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
const interesting = fc.constantFrom('\ufeff', '\u200b', '\u202e', '\u0000', '\u001b[31m', '\ud800', 'é', '𝄞', ' ', '-', '\n')
const roomName = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.array(fc.oneof(interesting, fc.string({ maxLength: 3 })), { maxLength: 10 }).map((a) => a.join('')))
const validInvite = fc.tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), roomName).map(([s, n]) => encodeInvite(Buffer.from(s), n))

/** A typo: replace, delete, insert or swap characters; change case; add separators; cut. */
const typo = (code: string) => fc.array(fc.tuple(fc.nat(7), fc.nat(), fc.oneof(fc.constantFrom(...BECH32), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }))), { minLength: 1, maxLength: 3 }).map((ops) => {
  let s = code
  for (const [op, at, ch] of ops) {
    const i = s.length === 0 ? 0 : at % s.length
    if (op === 0) s = s.slice(0, i) + ch + s.slice(i + 1)
    else if (op === 1) s = s.slice(0, i) + s.slice(i + 1)
    else if (op === 2) s = s.slice(0, i) + ch + s.slice(i)
    else if (op === 3 && i + 1 < s.length) s = s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2)
    else if (op === 4) s = s.toUpperCase()
    else if (op === 5) s = s.slice(0, i) + (at % 2 === 0 ? '-' : ' \n') + s.slice(i)
    else if (op === 6) s = s.slice(0, i)
    else s = s.slice(0, i) + s.slice(i, i + 1).toUpperCase() + s.slice(i + 1)
  }
  return s
})

t.test('decodeInvite: random strings and typos of valid invites', async (t) => {
  // A valid invite decodes to its secret and (cut) name and re-encodes to the same code.
  fuzz(t, 'decodeInvite round trip', fc.tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), roomName), ([secret, name]) => {
    const code = encodeInvite(Buffer.from(secret), name)
    const invite = decodeInvite(code)
    return invite.secret.equals(Buffer.from(secret)) && encodeInvite(invite.secret, invite.name) === code
  })
  const input = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.string({ unit: fc.constantFrom(...BECH32), minLength: 50, maxLength: 200 }).map((s) => `tamtam1${s}`),
    fc.string({ unit: fc.constantFrom(...BECH32), minLength: 900, maxLength: 1100 }).map((s) => `tamtam1${s}`),
    validInvite.chain(typo),
    validInvite.chain(typo),
    validInvite.chain(typo)
  )
  fuzz(t, 'decodeInvite', input, (code) => {
    let invite
    try {
      invite = decodeInvite(code)
    } catch (err) {
      if (err instanceof TamtamError && err.code === 'INVITE_INVALID') return true
      throw err
    }
    // Whatever is accepted is a real invite: re-encoding gives the code, cleaned of case and separators.
    return invite.version === 1 && invite.secret.length === 32 && encodeInvite(invite.secret, invite.name) === code.replace(/[\s-]+/g, '').toLowerCase()
  })
})

/** Decode hostile bytes: a message, or PROTOCOL_INVALID; an accepted message re-encodes and decodes to itself. */
function protocolCheck<T> (encoding: Encoding<T>) {
  return (bytes: Uint8Array): boolean => {
    let message: T
    try {
      message = decodeMessage(encoding, bytes)
    } catch (err) {
      if (err instanceof TamtamError && err.code === 'PROTOCOL_INVALID') return true
      throw err
    }
    const again = c.encode(encoding as never, message)
    return Buffer.from(again).equals(Buffer.from(c.encode(encoding as never, decodeMessage(encoding, again))))
  }
}

const key = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b))
/** Bytes that look like a message: a count, then some 32-byte keys, maybe cut or extended. */
const framed = (prefix: number) => fc.tuple(fc.uint8Array({ minLength: prefix, maxLength: prefix }), fc.oneof(fc.nat(300), fc.constantFrom(0xfd, 0xfe, 0xff)), fc.array(key, { maxLength: 12 }), fc.integer({ min: -40, max: 8 })).map(([head, count, keys, cut]) => {
  const body = Buffer.concat([Buffer.from(head), Buffer.from(c.encode(c.uint, count)), ...keys])
  return cut < 0 ? body.subarray(0, Math.max(0, body.length + cut)) : Buffer.concat([body, randomBytes(cut)])
})
/** encode, decode, encode again: the same bytes (the encoding is one-to-one, so the same message). */
function sameMessage<T> (encoding: Encoding<T>, m: T): boolean {
  const bytes = Buffer.from(c.encode(encoding as never, m))
  return Buffer.from(c.encode(encoding as never, decodeMessage(encoding, bytes))).equals(bytes)
}
const asUint8 = (b: Buffer) => new Uint8Array(b)

t.test('protocol messages: random bytes decode or fail with PROTOCOL_INVALID', async (t) => {
  const hello = fc.array(key, { maxLength: 20 }).map((proofs) => ({ proofs }))
  const members = fc.record({ tag: key, cores: fc.array(key, { maxLength: 20 }) })
  const self = fc.record({ tag: key, core: key })
  fuzz(t, 'helloEncoding round trip', hello, (m) => sameMessage(helloEncoding, m), RUNS / 10)
  fuzz(t, 'membersEncoding round trip', members, (m) => sameMessage(membersEncoding, m), RUNS / 10)
  fuzz(t, 'selfEncoding round trip', self, (m) => sameMessage(selfEncoding, m), RUNS / 10)
  const bytes = (prefix: number) => fc.oneof(fc.uint8Array({ maxLength: 200 }), framed(prefix).map(asUint8), framed(prefix))
  fuzz(t, 'helloEncoding', bytes(0), protocolCheck(helloEncoding))
  fuzz(t, 'membersEncoding', bytes(32), protocolCheck(membersEncoding))
  fuzz(t, 'selfEncoding', bytes(0), protocolCheck(selfEncoding))
})

t.test('bounded arrays refuse huge counts before allocating', async (t) => {
  const counts = [MAX_PROOFS + 1, MAX_CORES + 1, 0xffff, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, 2 ** 64 - 1]
  for (const [name, encoding, prefix, max] of [['hello', helloEncoding, 0, MAX_PROOFS], ['members', membersEncoding, 32, MAX_CORES]] as const) {
    for (const count of counts) {
      if (count <= max) continue
      const head = count >= 2 ** 53 ? Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) : Buffer.from(c.encode(c.uint, count))
      const buf = Buffer.concat([Buffer.alloc(prefix), head, randomBytes(64)])
      const heap = process.memoryUsage().heapUsed
      const started = process.hrtime.bigint()
      let error: unknown = null
      for (let i = 0; i < 1000; i++) {
        try { decodeMessage(encoding as Encoding<unknown>, buf) } catch (err) { error = err }
      }
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      t.ok(error instanceof TamtamError && error.code === 'PROTOCOL_INVALID' && (count >= 2 ** 53 || /over the limit/.test(error.message)), `${name}: a count of ${count} is refused with PROTOCOL_INVALID`)
      t.ok(ms < 200, `${name}: 1000 refusals of count ${count} took ${ms.toFixed(1)} ms`)
      t.ok(process.memoryUsage().heapUsed - heap < 32 * 1024 * 1024, `${name}: no large allocation for count ${count}`)
    }
  }
  t.comment('fuzz: bounded arrays refuse counts up to 2^64 (including 2^32) without allocating')
})

t.test('decodeBeacon: random packets give null or fields, and beacons round trip', async (t) => {
  const magic = Buffer.from('TTBC')
  const packet = fc.oneof(
    fc.uint8Array({ maxLength: 120 }),
    fc.tuple(fc.nat(3), fc.uint8Array({ minLength: 50, maxLength: 64 })).map(([v, rest]) => { const b = Buffer.concat([magic, Buffer.from(rest)]); b[4] = v; return b }),
    fc.tuple(fc.uint8Array({ minLength: BEACON_SIZE - 4, maxLength: BEACON_SIZE - 4 }), fc.constantFrom(0, 1, 2, 255), fc.constantFrom(0, 1, 0xffff)).map(([rest, v, port]) => { const b = Buffer.concat([magic, Buffer.from(rest)]); b[4] = v; b.writeUInt16BE(port, 6); return b })
  )
  fuzz(t, 'decodeBeacon', packet, (buf) => {
    const f = decodeBeacon(buf)
    if (f === null) return true
    if (f.version < 1 || f.port < 1 || f.port > 0xffff || f.instanceId.length !== 16 || f.publicKey.length !== 32 || f.flags < 0 || f.flags > 255) return false
    // A version 1 beacon is exactly what encodeBeacon writes for its fields.
    return f.version !== 1 || encodeBeacon(f).equals(Buffer.from(buf))
  })
  const fields = fc.record({ port: fc.integer({ min: 1, max: 0xffff }), instanceId: fc.uint8Array({ minLength: 16, maxLength: 16 }), publicKey: fc.uint8Array({ minLength: 32, maxLength: 32 }), flags: fc.nat(255) })
  fuzz(t, 'encodeBeacon round trip', fields, (f) => {
    const d = decodeBeacon(encodeBeacon(f))
    return d !== null && d.version === 1 && d.port === f.port && d.flags === f.flags && d.instanceId.equals(Buffer.from(f.instanceId)) && d.publicKey.equals(Buffer.from(f.publicKey))
  })
})
