/**
 * Fuzz of the bundle decoder: random bytes, mutations of a valid bundle, and mutated or
 * random plaintext bodies sealed properly with the room key (so the frame and proof
 * decoders are reached, not only the authenticator). decodeBundle must return a checked
 * bundle or throw a coded TamtamError, never anything else. Then a smaller async run sends
 * well-formed forgeries through importBundle: each is refused with a code and stores nothing,
 * or is genuinely valid.
 */
import t from 'tap'
import fc from 'fast-check'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fuzz, mutateBytes } from '../helpers/fuzz.js'
import { decodeBundle, exportBundle, FRAME, frame, HEADER_BYTES, importBundle, openBundle, sealBundle } from '../../src/bundles/index.js'
import { TamtamError } from '../../src/errors/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import { peer, tempDir } from '../helpers/peers.js'

const CODES = new Set(['BUNDLE_INVALID', 'BUNDLE_VERSION', 'BUNDLE_WRONG_ROOM'])

const mutate = (buf: Buffer) => mutateBytes(buf)

/** Awa's room with two member logs (hers and Bintou's, carried to her by an earlier bundle). */
async function setup (t: any) {
  const awa = await peer(t, 'Awa')
  const bintou = await peer(t, 'Bintou')
  const { room, invite } = await awa.createRoom('atelier')
  await bintou.joinRoom(invite)
  const { room: other } = await awa.createRoom('autre')
  for (let i = 0; i < 10; i++) await awa.send(room, `message ${i} de Awa`)
  for (let i = 0; i < 5; i++) await bintou.send(bintou.rooms.resolve('atelier'), `message ${i} de Bintou`)
  const dir = tempDir(t)
  await exportBundle(bintou, bintou.rooms.resolve('atelier'), path.join(dir, 'bintou.tamtam'))
  await importBundle(awa, path.join(dir, 'bintou.tamtam'))
  const file = path.join(dir, 'valid.tamtam')
  await exportBundle(awa, room, file)
  const bytes = readFileSync(file)
  return { awa, bintou, room, other, dir, bytes, ...openBundle(bytes, [room]) }
}

/** decodeBundle returns a checked bundle or throws a coded error; anything else is a crash. */
function decodes (bytes: Buffer, rooms: any[]): boolean {
  try {
    const d = decodeBundle(bytes, rooms)
    return d.proofs.length === d.index.cores.reduce((sum, c) => sum + c.blocks, 0) && d.end.blocks === d.proofs.length
  } catch (err) {
    if (err instanceof TamtamError && CODES.has(err.code)) return true
    throw err
  }
}

t.test('decodeBundle: random bytes, mutated bundles, mutated and random bodies', async (t) => {
  const { room, other, bytes, header, body } = await setup(t)
  const rooms = [other, room]
  t.ok(decodes(bytes, rooms) && decodeBundle(bytes, rooms).proofs.length === 17, 'the valid bundle decodes (11 + 6 blocks)')
  const head = bytes.subarray(0, HEADER_BYTES)
  const seal = (plain: Buffer): Buffer => sealBundle(room, plain, header.id)

  fuzz(t, 'bundle random bytes', fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.from(b)), (b) => decodes(b, rooms))
  fuzz(t, 'bundle valid header + random body', fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.concat([head, b])), (b) => decodes(b, rooms))
  fuzz(t, 'bundle mutated file', mutate(bytes), (b) => decodes(b, rooms))
  fuzz(t, 'bundle mutated body, sealed', mutate(body).map(seal), (b) => decodes(b, rooms))
  const frames = fc.array(fc.tuple(fc.constantFrom(0, FRAME.index, FRAME.proof, FRAME.end, 9), fc.uint8Array({ maxLength: 200 })), { maxLength: 6 })
    .map((list) => Buffer.concat(list.map(([type, payload]) => frame(type, Buffer.from(payload)))))
  // The genuine index frame, then random frames: reaches the proof and end decoders.
  const indexLength = 5 + body.readUInt32LE(1)
  fuzz(t, 'bundle index + random frames, sealed', frames.map((f) => seal(Buffer.concat([body.subarray(0, indexLength), f]))), (b) => decodes(b, rooms))
})

/** Every log and length of Bintou's room, the members, and leftovers, for "nothing stored". */
async function snapshot (tt: Tamtam): Promise<string> {
  const room = tt.rooms.resolve('atelier')
  const logs = await tt.logs(room)
  return JSON.stringify({ cores: logs.list().map((l) => `${l.key}:${l.core.length}`).sort(), members: room.members })
}

t.test('importBundle: well-formed forgeries are refused with a code and store nothing', async (t) => {
  const { awa, room, dir, header, body } = await setup(t)
  const target = await peer(t, 'Coumba')
  await target.joinRoom(awa.invite(room))
  const candidates = fc.sample(mutate(body).map((b) => sealBundle(room, b, header.id)), { numRuns: 400, seed: 42 })
  let wellFormed = 0
  let refused = 0
  let accepted = 0
  for (const bytes of candidates) {
    try {
      decodeBundle(bytes, [room])
    } catch {
      continue
    }
    wellFormed++
    const file = path.join(dir, 'candidate.tamtam')
    writeFileSync(file, bytes)
    const before = await snapshot(target)
    try {
      await importBundle(target, file)
      accepted++
    } catch (err) {
      t.ok(err instanceof TamtamError && CODES.has(err.code), `refused with a code: ${(err as Error).message.slice(0, 100)}`)
      t.equal(await snapshot(target), before, 'nothing stored')
      refused++
    }
    if (wellFormed >= 60) break
  }
  t.ok(wellFormed >= 20, `${wellFormed} well-formed forgeries tried`)
  t.comment(`fuzz: bundle forgeries ${wellFormed} well formed, ${refused} refused, ${accepted} harmless (e.g. a changed creation time)`)
})
