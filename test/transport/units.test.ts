/**
 * Pure parts of the transport: backoff, the duplicate rule, the handshake frame guard.
 */
import { PassThrough } from 'node:stream'
import t from 'tap'
import { backoffDelay, keepFirst } from '../../src/transport/index.js'
import { guardHandshake } from '../../src/transport/handshake-guard.js'

const opts = { initialMs: 500, maxMs: 30_000 }

t.test('backoff: doubling, capped, ±20% jitter', async (t) => {
  const cases: Array<{ attempt: number, random: number, want: number, why: string }> = [
    { attempt: 0, random: 0.5, want: 500, why: 'first retry is initialMs with neutral jitter' },
    { attempt: 1, random: 0.5, want: 1000, why: 'doubles' },
    { attempt: 4, random: 0.5, want: 8000, why: '500 * 2^4' },
    { attempt: 6, random: 0.5, want: 30_000, why: '32000 is capped at maxMs' },
    { attempt: 1000, random: 0.5, want: 30_000, why: 'huge attempt counts do not overflow' },
    { attempt: 0, random: 0, want: 400, why: 'lowest jitter is -20%' },
    { attempt: 0, random: 0.999999, want: 600, why: 'highest jitter is just under +20%' },
    { attempt: 6, random: 0, want: 24_000, why: 'jitter applies to the cap too' },
    { attempt: -3, random: 0.5, want: 500, why: 'negative attempts count as 0' }
  ]
  for (const c of cases) t.equal(backoffDelay(c.attempt, opts, () => c.random), c.want, c.why)
  const fixed = (): number => 0.5
  for (let a = 0; a < 6; a++) t.ok(backoffDelay(a + 1, opts, fixed) > backoffDelay(a, opts, fixed), `delay grows from attempt ${a} to ${a + 1}`)
})

t.test('duplicate rule: the connection whose initiator has the lower key wins, at both ends', async (t) => {
  const low = Buffer.alloc(32, 1)
  const high = Buffer.alloc(32, 2)
  const h1 = Buffer.alloc(32, 0xa0)
  const h2 = Buffer.alloc(32, 0xb0)
  const cases: Array<{ local: Buffer, remote: Buffer, a: { initiator: boolean, handshakeHash: Buffer }, b: { initiator: boolean, handshakeHash: Buffer }, want: boolean, why: string }> = [
    { local: low, remote: high, a: { initiator: true, handshakeHash: h2 }, b: { initiator: false, handshakeHash: h1 }, want: true, why: 'low end: its own dial beats the incoming one' },
    { local: high, remote: low, a: { initiator: false, handshakeHash: h2 }, b: { initiator: true, handshakeHash: h1 }, want: true, why: 'high end: the incoming dial of the low key beats its own' },
    { local: high, remote: low, a: { initiator: true, handshakeHash: h1 }, b: { initiator: false, handshakeHash: h2 }, want: false, why: 'high end: its own dial loses even if it came first' },
    { local: low, remote: high, a: { initiator: true, handshakeHash: h2 }, b: { initiator: true, handshakeHash: h1 }, want: false, why: 'same initiator: the lower handshake hash wins' },
    { local: high, remote: low, a: { initiator: false, handshakeHash: h1 }, b: { initiator: false, handshakeHash: h2 }, want: true, why: 'same initiator seen from the other end: same winner' }
  ]
  for (const c of cases) {
    t.equal(keepFirst(c.local, c.remote, c.a, c.b), c.want, c.why)
    t.equal(keepFirst(c.local, c.remote, c.b, c.a), !c.want, `${c.why} (order swapped)`)
  }
})

t.test('handshake guard: reports an oversized frame, ignores normal ones and stops after N frames', async (t) => {
  const frame = (length: number): Buffer => Buffer.concat([Buffer.from([length & 255, (length >> 8) & 255, length >> 16]), Buffer.alloc(Math.min(length, 64))])
  const cases: Array<{ chunks: Buffer[], frames: number, want: number | null, why: string }> = [
    { chunks: [frame(32)], frames: 1, want: null, why: 'a 32-byte XX message passes' },
    { chunks: [frame(5000)], frames: 1, want: 5000, why: 'a 5000-byte first frame is reported' },
    { chunks: [frame(32), frame(2000)], frames: 2, want: 2000, why: 'the second handshake frame is checked too' },
    { chunks: [frame(32), frame(2000)], frames: 1, want: null, why: 'frames after the handshake are not the guard\'s business' },
    { chunks: [Buffer.from([0xff]), Buffer.from([0xff]), Buffer.from([0x00])], frames: 1, want: 65_535, why: 'a length prefix split over chunks is reassembled' }
  ]
  for (const c of cases) {
    const raw = new PassThrough()
    let got: number | null = null
    guardHandshake(raw, c.frames, (length) => { got = length })
    for (const chunk of c.chunks) raw.write(chunk)
    await new Promise((resolve) => setImmediate(resolve))
    t.equal(got, c.want, c.why)
    raw.destroy()
  }
})
