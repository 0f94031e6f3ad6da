/**
 * The handshake wire: every malformed or truncated message is refused with PHONE_HANDSHAKE
 * and a message saying what was wrong, and no byte string makes either side throw.
 */
import t from 'tap'
import fc from 'fast-check'
import { isTamtamError } from '../../src/errors/index.js'
import { decodeHello, decodeProof, decodeReply, encodeHello } from '../../src/phone/wire.js'
import { isPhoneRefusal, PhoneClientHandshake, PhoneServerHandshake, phoneRefusal, type HandshakeStep, type PhoneSession } from '../../src/phone/index.js'
import { newRoomKey } from './helpers.js'

const field = (byte: number): Uint8Array => new Uint8Array(32).fill(byte)
const HELLO = encodeHello({ ephemeral: field(1), nonce: field(2), roomTag: field(3) })

t.test('a hello round-trips, 99 bytes, header 74 01 01', async (t) => {
  t.equal(HELLO.length, 99)
  t.equal(Buffer.from(HELLO.subarray(0, 3)).toString('hex'), '740101')
  const hello = decodeHello(HELLO)
  t.same([hello.ephemeral, hello.nonce, hello.roomTag].map((f) => f[0]), [1, 2, 3])
})

// Each case: bytes given to a decoder, and the words its error must contain.
const MALFORMED: Array<{ name: string, decode: (b: unknown) => unknown, bytes: unknown, says: RegExp }> = [
  { name: 'empty', decode: decodeHello, bytes: new Uint8Array(0), says: /99 bytes, got 0/ },
  { name: 'header only', decode: decodeReply, bytes: Uint8Array.of(0x74, 1, 2), says: /99 bytes, got 3/ },
  { name: 'truncated hello', decode: decodeHello, bytes: HELLO.subarray(0, 98), says: /99 bytes, got 98/ },
  { name: 'hello with a byte too many', decode: decodeHello, bytes: Uint8Array.of(...HELLO, 0), says: /99 bytes, got 100/ },
  { name: 'wrong magic', decode: decodeHello, bytes: Uint8Array.of(0x47, ...HELLO.subarray(1)), says: /not a tamtam phone message/ },
  { name: 'a future version', decode: decodeHello, bytes: Uint8Array.of(0x74, 2, ...HELLO.subarray(2)), says: /version 2 is not known here/ },
  { name: 'a reply where a hello is expected', decode: decodeHello, bytes: Uint8Array.of(0x74, 1, 2, ...HELLO.subarray(3)), says: /expected a hello/ },
  { name: 'a refusal where a proof is expected', decode: decodeProof, bytes: phoneRefusal(), says: /expected a proof/ },
  { name: 'truncated proof', decode: decodeProof, bytes: Uint8Array.of(0x74, 1, 3, 9), says: /35 bytes, got 4/ },
  { name: 'text, not bytes', decode: decodeHello, bytes: 'tamtam', says: /binary/ },
  { name: 'nothing', decode: decodeReply, bytes: undefined, says: /binary/ }
]

for (const c of MALFORMED) {
  t.test(`malformed: ${c.name}`, async (t) => {
    t.throws(() => c.decode(c.bytes), { code: 'PHONE_HANDSHAKE', message: c.says })
  })
}

t.test('decoded fields are copies: changing the input later changes nothing', async (t) => {
  const bytes = HELLO.slice()
  const hello = decodeHello(bytes)
  bytes.fill(0)
  t.equal(hello.ephemeral[0], 1)
})

t.test('the refusal is three fixed bytes, recognised exactly', async (t) => {
  t.equal(Buffer.from(phoneRefusal()).toString('hex'), '740104')
  t.ok(isPhoneRefusal(phoneRefusal()))
  t.notOk(isPhoneRefusal(Uint8Array.of(0x74, 1, 4, 0)))
  t.notOk(isPhoneRefusal(Uint8Array.of(0x74, 2, 4)))
})

t.test('random and mutated bytes never make either side throw', async (t) => {
  const room = newRoomKey()
  const validHello = new PhoneClientHandshake(room).hello
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 200 }),
    fc.tuple(fc.nat(98), fc.integer({ min: 0, max: 255 })).map(([at, v]) => { const b = validHello.slice(); b[at] = v; return b }),
    fc.nat(99).map((n) => validHello.subarray(0, n))
  )
  fc.assert(fc.property(bytes, bytes, (first, second) => {
    const server = new PhoneServerHandshake([room])
    const steps: Array<HandshakeStep<PhoneSession>> = [server.receive(first), server.receive(second)]
    const client = new PhoneClientHandshake(room)
    steps.push(client.receive(first))
    for (const step of steps) {
      if (step.session !== undefined) return false // random bytes never complete an exchange
      if (step.error !== undefined && !isTamtamError(step.error)) return false
    }
    return true
  }), { numRuns: 500 })
  t.pass('500 runs, every outcome a step with a TamtamError or a reply')
})
