/**
 * `room leave ROOM --wipe` (issue 21), in process on real stores linked by real Noise
 * streams: A is in two rooms, one with B (messages, a document each way) and one with C.
 * A also hosts a phone in the wiped room (its hosted log and its documents core). Before the
 * wipe, a raw search of A's store files finds raw (still encrypted) blocks of every kind of
 * core of the wiped room, and the room id and phone identity in the names of A's own
 * cores: the search works. After the wipe through the node's command, and once A is closed, none of
 * them is in any file of the store, rooms.json no longer holds the room, and the other room
 * still sends, shows and replicates both ways.
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import type { Hypercore } from 'hypercore'
import { COMMANDS, SILENT } from '../../src/commands/index.js'
import { scrubStore } from '../../src/home/scrub.js'
import type { Tamtam } from '../../src/tamtam.js'
import { contextOf, eventually, lines, link, nodeOf, peer, tempDir } from '../helpers/peers.js'
import { findInFiles, text } from '../helpers/store-search.js'
import { randomFile } from '../documents/helpers.js'
import { generateIdentity, sign } from '../../src/identity/index.js'
import { hostedBindingPayload, signHostedBlock } from '../../src/log/hosted.js'
import { HostedWriter } from '../../src/log/hosted-writer.js'
import type { Room } from '../../src/room/index.js'
import { PhoneBlobs } from '../../src/web/phone-blobs.js'

const WIPED = 'Vide-Salle'
const KEPT = 'Garde-Salle'

const run = async (tt: Tamtam, name: string, args: Record<string, unknown>): Promise<any> => await COMMANDS.get(name)!.run(contextOf(tt), args, SILENT)
const has = async (tt: Tamtam, room: string, needle: string): Promise<boolean> => (await lines(tt, room)).some((l) => l.includes(needle))

/** 48 bytes from the middle of block `seq` of `core`, as stored (encrypted, not decrypted). */
async function rawSlice (core: Hypercore, seq: number): Promise<Buffer> {
  const block = await core.get(seq, { wait: false, decrypt: false } as any) as Buffer
  const at = Math.floor(block.length / 2) - 24
  return Buffer.from(block.subarray(at, at + 48))
}

/** A phone hosted by `host` in `room` (what the web server does): its hosted log with two records, and a document in its blobs core. */
async function hostPhone (host: Tamtam, room: Room, dir: string): Promise<{ phone: string, log: HostedWriter, blobs: PhoneBlobs }> {
  const phone = generateIdentity('Telephone-Vide')
  const hex = phone.publicKey.toString('hex')
  const hostHex = (await host.identity()).publicKey.toString('hex')
  const log = await HostedWriter.open(await host.store(), room, hex)
  const sig = sign(hostedBindingPayload(room.keys.id, log.key, phone.publicKey, Buffer.from(hostHex, 'hex')), phone.secretKey)
  await log.bind({ v: 1, type: 'binding', ts: Date.now(), room: room.id, core: log.key.toString('hex'), identity: hex, name: phone.name, sig: sig.toString('hex'), host: hostHex }, hostHex)
  for (const text of ['le téléphone parle', 'et encore']) await log.append(signHostedBlock({ type: 'msg', text, ts: Date.now() }, log.length, room.keys.id, log.key, phone.secretKey))
  const blobs = await PhoneBlobs.open(await host.store(), room, hex, log.key.toString('hex'))
  const { file, sha256 } = await randomFile(dir, 'phone.bin', 150_000)
  await blobs.put(file, 150_000, sha256, () => {})
  return { phone: hex, log, blobs }
}

t.test('leave --wipe removes every core of the room from the store; the other room keeps working', async (t) => {
  const [a, b, c] = await Promise.all(['homea', 'homeb', 'homec'].map(async (n) => await peer(t, n)))
  await b.setNick('Brunehilde-Vide')
  const wiped = await a.createRoom(WIPED)
  const kept = await a.createRoom(KEPT)
  await b.joinRoom(wiped.invite)
  await c.joinRoom(kept.invite)
  await link(t, a, b)
  await link(t, a, c)
  const dir = tempDir(t)
  for (let i = 0; i < 5; i++) {
    await a.send(a.rooms.resolve(WIPED), `A dans la salle vidée ${i}`)
    await b.send(b.rooms.resolve(WIPED), `B dans la salle vidée ${i}`)
  }
  await a.send(a.rooms.resolve(KEPT), 'A dans la salle gardée')
  const docB = await (await contextOf(b).documents()).share(b.rooms.resolve(WIPED), (await randomFile(dir, 'b.bin', 200_000)).file)
  const docA = await (await contextOf(a).documents()).share(a.rooms.resolve(WIPED), (await randomFile(dir, 'a.bin', 200_000)).file)
  t.ok(await eventually(async () => await has(a, WIPED, 'B dans la salle vidée 4') && await has(c, KEPT, 'A dans la salle gardée'), 15_000, 50), 'both rooms replicated')
  const roomA = a.rooms.resolve(WIPED)
  t.ok(await eventually(async () => (await (await contextOf(a).documents()).list(roomA)).some((d) => d.id === docB.id), 10_000, 50), 'A knows B\'s document')
  await (await contextOf(a).documents()).get(roomA, docB.id, { dir, stallMs: 10_000 })

  const hosted = await hostPhone(a, roomA, dir)

  // What the wiped room left in A's store: raw blocks of each kind of core, and names.
  const logs = await a.logs(roomA)
  const bLog = logs.list().find((l) => !l.core.writable)!
  const rd = await (await contextOf(a).documents()).open(roomA)
  const bBlobs = rd.blobs.cores().find((core) => !core.writable)!
  const needles: Record<string, Buffer> = {
    'A\'s log block': await rawSlice(logs.own.core, 3),
    'B\'s log block': await rawSlice(bLog.core, 3),
    'A\'s document block': await rawSlice(rd.blobs.own, 2),
    'B\'s document block': await rawSlice(bBlobs, 2),
    'hosted log block': await rawSlice(hosted.log.core, 2),
    'phone document block': await rawSlice(hosted.blobs.core, 1)
  }
  t.ok(docA.id.length > 0 && bBlobs !== undefined, 'A holds both blobs cores')
  // In table files, as after any restart (not only in the memtable and its log, which a
  // flush alone would fold away).
  await scrubStore(await a.store())
  t.same(findInFiles(a.paths.store, needles).map((f) => f.split(' (')[0]), Object.keys(needles), 'control: before the wipe the search finds each of them')
  // No core name is stored (src/home/core-names.ts): the room id and the phone identity were in them.
  t.same(findInFiles(a.paths.store, { 'room id': text(roomA.id), 'phone identity': text(hosted.phone) }), [], 'no store file holds the room id or the phone identity, even before the wipe')
  const identityB = (await b.identity()).publicKey
  const secret = roomA.secret.toString('hex')

  const result = await run(a, 'room.leave', { room: WIPED, wipe: true })
  t.match(result, { room: WIPED, left: true, wiped: true }, 'the command reports the wipe')
  t.ok(result.cores >= 6, `${String(result.cores)} cores purged (two member logs, two blobs cores, a hosted log and its blobs core)`)
  t.ok(result.bytesAfter < result.bytesBefore, `store ${String(result.bytesBefore)} → ${String(result.bytesAfter)} bytes`)
  t.notOk(a.rooms.list().some((r) => r.id === roomA.id), 'the room left the list')

  // The other room still sends, shows and replicates both ways.
  await a.send(a.rooms.resolve(KEPT), 'A après le ménage')
  await c.send(c.rooms.resolve(KEPT), 'C répond après le ménage')
  t.ok(await eventually(async () => await has(c, KEPT, 'A après le ménage') && await has(a, KEPT, 'C répond après le ménage'), 15_000, 50), 'the kept room replicates both ways after the wipe')

  await nodeOf(a).close()
  const after = { ...needles, 'B\'s nickname': text('Brunehilde-Vide'), 'B\'s identity (hex)': text(identityB.toString('hex')), 'B\'s identity (raw)': identityB }
  t.same(findInFiles(a.paths.store, after), [], 'after the wipe no file of A\'s store holds any of them')
  const rooms = readFileSync(a.paths.rooms, 'utf8')
  t.ok(!rooms.includes(secret) && !rooms.includes(WIPED) && rooms.includes(kept.room.secret.toString('hex')), 'rooms.json keeps the other room, and neither the wiped one\'s secret nor its name')
})
