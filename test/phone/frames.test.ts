/**
 * Frames after a real handshake: they flow both ways, and a tampered, replayed, reordered,
 * dropped, reflected or oversized frame is refused with a stable code.
 */
import t from 'tap'
import nacl from 'tweetnacl'
import { isTamtamError } from '../../src/errors/index.js'
import { MAX_FRAME_BYTES, MAX_FRAME_PLAINTEXT, PhoneChannel, phoneRefusal, type PhoneSession } from '../../src/phone/index.js'
import { frameNonce } from '../../src/phone/frames.js'
import { exchange, newRoomKey } from './helpers.js'

/** A phone channel and a host channel from a real exchange. */
function pair (): { phone: PhoneChannel, host: PhoneChannel, phoneSession: PhoneSession } {
  const room = newRoomKey()
  const { phone, host } = exchange(room, [room])
  if (phone.session === undefined || host?.session === undefined) throw new Error('the exchange failed')
  return { phone: new PhoneChannel(phone.session), host: new PhoneChannel(host.session), phoneSession: phone.session }
}

/** The code `open` throws, or 'opened'. */
function openCode (channel: PhoneChannel, frame: Uint8Array): string {
  try {
    channel.open(frame)
    return 'opened'
  } catch (err) {
    return isTamtamError(err) ? err.code : `plain error: ${String(err)}`
  }
}

t.test('frames flow both ways, in order, with their JSON intact', async (t) => {
  const { phone, host } = pair()
  for (let i = 0; i < 5; i++) {
    t.same(host.open(phone.seal({ t: 'msg', text: `salut ${i}`, n: i })), { t: 'msg', text: `salut ${i}`, n: i })
    t.same(phone.open(host.seal({ t: 'ack', n: i })), { t: 'ack', n: i })
  }
  const text = 'é☕'.repeat(10)
  t.same(host.open(phone.seal({ t: 'msg', text })).text, text, 'UTF-8 survives')
})

t.test('a frame does not show its content, and two equal messages seal differently', async (t) => {
  const { phone } = pair()
  const a = phone.seal({ t: 'msg', text: 'secret words' })
  const b = phone.seal({ t: 'msg', text: 'secret words' })
  t.notOk(Buffer.from(a).toString('latin1').includes('secret'))
  t.not(Buffer.from(a).toString('hex'), Buffer.from(b).toString('hex'), 'the counter changes the nonce')
})

// Each case does something to the phone's frames before the host opens them.
const ATTACKS: Array<{ name: string, frames: (f: Uint8Array[]) => Uint8Array[] }> = [
  { name: 'a flipped tag byte', frames: ([a]) => [flip(a, 0)] },
  { name: 'a flipped ciphertext byte', frames: ([a]) => [flip(a, a.length - 1)] },
  { name: 'a truncated frame', frames: ([a]) => [a.subarray(0, a.length - 1)] },
  { name: 'a replayed frame', frames: ([a]) => [a, a] },
  { name: 'reordered frames', frames: ([a, b]) => [b, a] },
  { name: 'a dropped frame', frames: ([a, , c]) => [a, c] }
]

function flip (bytes: Uint8Array, at: number): Uint8Array {
  const copy = bytes.slice()
  copy[at] ^= 0x80
  return copy
}

for (const attack of ATTACKS) {
  t.test(`${attack.name} is refused with PHONE_FRAME`, async (t) => {
    const { phone, host } = pair()
    const sent = [phone.seal({ t: 'msg', n: 0 }), phone.seal({ t: 'msg', n: 1 }), phone.seal({ t: 'msg', n: 2 })]
    const codes = attack.frames(sent).map((frame) => openCode(host, frame))
    t.equal(codes.at(-1), 'PHONE_FRAME', `codes: ${codes.join(', ')}`)
    t.equal(openCode(host, sent[2]), 'PHONE_FRAME', 'the channel stays failed, even for a good frame after')
  })
}

t.test('a reflected frame (the phone\'s own frame sent back to it) is refused', async (t) => {
  const { phone, host } = pair()
  const mine = phone.seal({ t: 'msg' })
  t.equal(openCode(phone, mine), 'PHONE_FRAME')
  t.equal(openCode(host, mine), 'opened', 'the frame itself was good')
})

t.test('a frame from another session (same room) is refused', async (t) => {
  const a = pair()
  const b = pair()
  t.equal(openCode(b.host, a.phone.seal({ t: 'msg' })), 'PHONE_FRAME')
})

t.test('size limits: the limit fits, one byte more is refused on both sides', async (t) => {
  const { phone, host } = pair()
  const skeleton = JSON.stringify({ t: 'msg', text: '' }).length
  const fits = { t: 'msg', text: 'x'.repeat(MAX_FRAME_PLAINTEXT - skeleton) }
  const frame = phone.seal(fits)
  t.equal(frame.length, MAX_FRAME_BYTES, 'a full frame is exactly the wire limit')
  t.same(host.open(frame), fits)
  t.throws(() => phone.seal({ t: 'msg', text: 'x'.repeat(MAX_FRAME_PLAINTEXT - skeleton + 1) }), { code: 'PHONE_FRAME_TOO_LARGE' })
  t.same(host.open(phone.seal({ t: 'msg', n: 1 })), { t: 'msg', n: 1 }, 'a refused seal uses no counter')
  t.equal(openCode(host, new Uint8Array(MAX_FRAME_BYTES + 1)), 'PHONE_FRAME_TOO_LARGE', 'an oversized frame is refused before decrypting')
})

t.test('an authentic frame that is not a JSON object with a type is refused', async (t) => {
  const cases = ['not json', '[1,2]', 'null', '{"text":"no type"}', '{"t":""}', '{"t":3}']
  for (const content of cases) {
    const { host, phoneSession } = pair()
    const frame = nacl.secretbox(new TextEncoder().encode(content), frameNonce(0), phoneSession.sendKey)
    t.equal(openCode(host, frame), 'PHONE_FRAME', content)
  }
  const { host, phoneSession } = pair()
  const badUtf8 = nacl.secretbox(Uint8Array.of(0x7b, 0xff, 0x7d), frameNonce(0), phoneSession.sendKey)
  t.equal(openCode(host, badUtf8), 'PHONE_FRAME', 'invalid UTF-8')
})

t.test('the host\'s refusal, arriving where a frame was expected, says PHONE_REFUSED', async (t) => {
  const { phone } = pair()
  t.equal(openCode(phone, phoneRefusal()), 'PHONE_REFUSED')
  t.equal(openCode(phone, new Uint8Array(0)), 'PHONE_REFUSED', 'and the channel stays failed')
})

t.test('a frame that is not binary is refused, not crashed on', async (t) => {
  const { host } = pair()
  t.equal(openCode(host, 'hello' as unknown as Uint8Array), 'PHONE_FRAME')
})

t.test('the frame nonce is the counter, uint64 little-endian, then zeros', async (t) => {
  t.equal(Buffer.from(frameNonce(0)).toString('hex'), '00'.repeat(24))
  t.equal(Buffer.from(frameNonce(0x0102030405)).toString('hex'), '0504030201000000' + '00'.repeat(16))
  t.equal(Buffer.from(frameNonce(Number.MAX_SAFE_INTEGER)).toString('hex'), 'ffffffffffff1f00' + '00'.repeat(16))
  t.throws(() => frameNonce(-1))
})
