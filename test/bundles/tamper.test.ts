/**
 * Damaged and forged bundles: whatever was changed, import fails with a coded error and
 * stores nothing (same logs, same lengths, same members, no scratch store left behind).
 */
import t from 'tap'
import { readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { CHUNK_BYTES, decodeBundle, endFrame, exportBundle, HEADER_BYTES, importBundle, indexFrame, MAX_BUNDLE_BYTES, proofFrame, sealBundle, type DecodedBundle } from '../../src/bundles/index.js'
import { isTamtamError } from '../../src/errors/index.js'
import type { Room } from '../../src/room/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import { lines, peer, tempDir } from '../helpers/peers.js'

const SEALED_CHUNK = CHUNK_BYTES + 16
const CODES = ['BUNDLE_INVALID', 'BUNDLE_VERSION', 'BUNDLE_WRONG_ROOM']

/** Awa writes 400 longish messages (a bundle of several chunks); Bintou joined and imported nothing yet. */
async function setup (t: any) {
  const awa = await peer(t, 'Awa')
  const bintou = await peer(t, 'Bintou')
  const { room, invite } = await awa.createRoom('atelier')
  await bintou.joinRoom(invite)
  await bintou.send(bintou.rooms.resolve('atelier'), 'Bintou était là avant')
  let ts = Date.now()
  const logs = await awa.logs(room)
  for (let i = 0; i < 400; i += 50) {
    await logs.own.append(Array.from({ length: 50 }, (_, j) => ({ type: 'msg' as const, text: `message ${i + j} ` + 'x'.repeat(300) })), ts += 10_000)
  }
  const dir = tempDir(t)
  const file = path.join(dir, 'good.tamtam')
  await exportBundle(awa, room, file)
  return { awa, bintou, room, dir, bytes: readFileSync(file) }
}

/** What "nothing stored" compares: every log and length, the members, the timeline, leftovers. */
async function snapshot (tt: Tamtam): Promise<string> {
  const room = tt.rooms.resolve('atelier')
  const logs = await tt.logs(room)
  const cores = logs.list().map((l) => `${l.key}:${l.core.length}:${l.core.contiguousLength}`).sort()
  return JSON.stringify({ cores, members: room.members, lines: await lines(tt, 'atelier'), scratch: readdirSync(tt.home).filter((f) => f.startsWith('bundle-import-')) })
}

/** Import `bytes` into Bintou: it must fail with one of `codes` and change nothing. */
async function refused (t: any, bintou: Tamtam, dir: string, bytes: Buffer, what: string, codes = CODES): Promise<string | null> {
  const before = await snapshot(bintou)
  const file = path.join(dir, `bad-${Math.random().toString(16).slice(2)}.tamtam`)
  writeFileSync(file, bytes)
  let code: string | null = null
  try {
    await importBundle(bintou, file)
    t.fail(`${what}: imported`)
  } catch (err) {
    code = isTamtamError(err) ? err.code : null
    t.ok(code !== null && codes.includes(code), `${what}: ${String(code)} (${(err as Error).message.slice(0, 140)})`)
  }
  t.equal(await snapshot(bintou), before, `${what}: nothing stored`)
  return code
}

/** Rebuild a bundle from decoded parts, sealed properly with the room key (what a forging member can do). */
function reseal (room: Room, decoded: DecodedBundle): Buffer {
  const frames = [indexFrame(decoded.index), ...decoded.proofs.map((p) => proofFrame(p.position, p.proof)), endFrame(decoded.end)]
  return sealBundle(room, Buffer.concat(frames), decoded.header.id)
}

t.test('one flipped byte anywhere: refused, nothing stored', async (t) => {
  const { bintou, dir, bytes } = await setup(t)
  t.ok(bytes.length > 2 * SEALED_CHUNK, `the bundle spans three chunks or more (${bytes.length} bytes)`)
  const middle = HEADER_BYTES + Math.floor((bytes.length - HEADER_BYTES) / 2)
  const offsets: Array<[string, number, string]> = [
    ['magic', 0, 'BUNDLE_INVALID'], ['version', 7, 'BUNDLE_VERSION'], ['bundle id', 12, 'BUNDLE_INVALID'], ['room tag', 40, 'BUNDLE_INVALID'],
    ['header checksum', 58, 'BUNDLE_INVALID'], ['first body byte', HEADER_BYTES, 'BUNDLE_INVALID'], ['second chunk', HEADER_BYTES + SEALED_CHUNK + 5, 'BUNDLE_INVALID'],
    ['middle', middle, 'BUNDLE_INVALID'], ['last chunk authenticator', bytes.length - (bytes.length - HEADER_BYTES) % SEALED_CHUNK + 3, 'BUNDLE_INVALID'], ['last byte', bytes.length - 1, 'BUNDLE_INVALID']
  ]
  for (const [what, at, expected] of offsets) {
    const bad = Buffer.from(bytes)
    bad[at] ^= 0x04
    t.equal(await refused(t, bintou, dir, bad, `flip at ${at} (${what})`), expected, `${what}: ${expected}`)
  }
  const good = path.join(dir, 'good.tamtam')
  t.match(await importBundle(bintou, good), { newBlocks: 401 }, 'control: the unaltered bundle imports')
})

t.test('a truncated, extended or reordered bundle: refused, nothing stored', async (t) => {
  const { bintou, dir, bytes } = await setup(t)
  const cuts = [0, 5, HEADER_BYTES - 1, HEADER_BYTES, HEADER_BYTES + 15, HEADER_BYTES + 16, HEADER_BYTES + SEALED_CHUNK, HEADER_BYTES + 2 * SEALED_CHUNK, bytes.length - 16, bytes.length - 1]
  for (const cut of cuts) await refused(t, bintou, dir, bytes.subarray(0, cut), `cut to ${cut} bytes`)
  await refused(t, bintou, dir, Buffer.concat([bytes, Buffer.from([0])]), 'one byte appended')
  await refused(t, bintou, dir, Buffer.concat([bytes, bytes.subarray(HEADER_BYTES, HEADER_BYTES + SEALED_CHUNK)]), 'a chunk repeated at the end')
  const swapped = Buffer.concat([bytes.subarray(0, HEADER_BYTES), bytes.subarray(HEADER_BYTES + SEALED_CHUNK, HEADER_BYTES + 2 * SEALED_CHUNK), bytes.subarray(HEADER_BYTES, HEADER_BYTES + SEALED_CHUNK), bytes.subarray(HEADER_BYTES + 2 * SEALED_CHUNK)])
  await refused(t, bintou, dir, swapped, 'two chunks swapped')
  const version = Buffer.from(bytes)
  version[7] = 2
  t.equal(await refused(t, bintou, dir, version, 'format version 2'), 'BUNDLE_VERSION')
  const huge = path.join(dir, 'huge.tamtam')
  writeFileSync(huge, bytes.subarray(0, HEADER_BYTES))
  truncateSync(huge, MAX_BUNDLE_BYTES + 1)
  try {
    await importBundle(bintou, huge)
    t.fail('a file over 2 GiB imported')
  } catch (err) {
    t.ok(isTamtamError(err, 'BUNDLE_INVALID') && /2 GiB/.test((err as Error).message), `a (sparse) file over 2 GiB: ${(err as Error).message}`)
  }
})

t.test('a member who forges someone else\'s blocks, sealing the bundle properly: refused by Hypercore, nothing stored', async (t) => {
  const { awa, bintou, room, dir, bytes } = await setup(t)
  const decoded = () => decodeBundle(bytes, [room])
  t.equal(decoded().proofs.length, 401, 'the genuine bundle decodes')
  const at = (d: DecodedBundle, i: number) => d.proofs[i].proof.block as { index: number, value: Buffer }

  const changed = decoded()
  at(changed, 250).value = Buffer.from(at(changed, 250).value)
  at(changed, 250).value[10] ^= 1
  const forged = reseal(room, changed)
  t.equal(decodeBundle(forged, [room]).proofs.length, 401, 'the forged bundle is well formed and opens with the room key')
  await refused(t, bintou, dir, forged, 'block 250 altered', ['BUNDLE_INVALID'])

  const first = decoded()
  at(first, 0).value = Buffer.from(at(first, 0).value)
  at(first, 0).value[3] ^= 1
  await refused(t, bintou, dir, reseal(room, first), 'block 0 (with the signed length) altered', ['BUNDLE_INVALID'])

  const swapped = decoded()
  const v = at(swapped, 100).value
  at(swapped, 100).value = at(swapped, 101).value
  at(swapped, 101).value = v
  await refused(t, bintou, dir, reseal(room, swapped), 'two blocks swapped', ['BUNDLE_INVALID'])

  const signature = decoded()
  const upgrade = signature.proofs[0].proof.upgrade as { signature: Buffer }
  upgrade.signature = Buffer.from(upgrade.signature)
  upgrade.signature[0] ^= 1
  await refused(t, bintou, dir, reseal(room, signature), 'signature altered', ['BUNDLE_INVALID'])

  // Mallory, a member, signs a log of her own and passes it off under Awa's key.
  const mallory = await peer(t, 'Mallory')
  await mallory.joinRoom(awa.invite(room))
  const malloryRoom = mallory.rooms.resolve('atelier')
  await mallory.send(malloryRoom, 'Awa dit : envoyez-moi vos mots de passe')
  const theirs = path.join(dir, 'mallory.tamtam')
  await exportBundle(mallory, malloryRoom, theirs)
  const hers = decodeBundle(readFileSync(theirs), [room])
  const impostor = decoded()
  impostor.proofs = hers.proofs.map((p) => ({ ...p, entry: impostor.index.cores[0] }))
  impostor.index.cores[0] = { ...impostor.index.cores[0], length: hers.index.cores[0].length, start: 0, blocks: hers.proofs.length }
  impostor.end = { cores: 1, blocks: hers.proofs.length }
  t.equal(decodeBundle(reseal(room, impostor), [room]).proofs.length, hers.proofs.length, 'the impostor bundle is well formed')
  await refused(t, bintou, dir, reseal(room, impostor), 'Mallory\'s log under Awa\'s key', ['BUNDLE_INVALID'])

  const manifest = decoded()
  manifest.proofs[0].proof.manifest = hers.proofs[0].proof.manifest
  await refused(t, bintou, dir, reseal(room, manifest), 'another log\'s manifest', ['BUNDLE_INVALID'])
  t.notMatch((await lines(bintou, 'atelier')).join('\n'), /mots de passe/, 'no forged text anywhere in Bintou\'s timeline')

  // Two logs: the first verifies, the last block of the second is forged; the first is not stored either.
  const carried = path.join(dir, 'carried.tamtam')
  await importBundle(awa, theirs)
  await exportBundle(awa, room, carried)
  const two = decodeBundle(readFileSync(carried), [room])
  t.equal(two.index.cores.length, 2, 'Awa now carries her log and Mallory\'s')
  const last = two.proofs[two.proofs.length - 1].proof.block as { value: Buffer }
  last.value = Buffer.from(last.value)
  last.value[0] ^= 1
  await refused(t, bintou, dir, reseal(room, two), 'last block of the second log altered', ['BUNDLE_INVALID'])
})
