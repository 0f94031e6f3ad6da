import t from 'tap'
import nacl from 'tweetnacl'
import { bindingPayload, RECORD_VERSION } from '../../src/log/index.js'
import { COMMANDS, SILENT, isTamtamError } from '../../src/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import { eventually, lines, link, peer, contextOf } from '../helpers/peers.js'

const json = (o: unknown): Buffer => Buffer.from(JSON.stringify(o))

/** A member who knows the room secret and writes raw blocks into a core of their own choosing. */
async function rawCore (tt: Tamtam, roomName: string, coreName: string) {
  const room = tt.rooms.resolve(roomName)
  const store = await tt.store()
  const core = store.get({ name: coreName, encryption: { key: room.keys.encryptionKey } })
  await core.ready()
  // Offered on connections that prove the room, like a member log (replication is gated).
  tt.addRoomCore(room.id, core)
  return { room, core }
}

async function setup (t: any) {
  const awa = await peer(t, 'Awa')
  const mallory = await peer(t, 'Mallory')
  const moussa = await peer(t, 'Moussa')
  const { invite } = await awa.createRoom('atelier')
  await awa.send(awa.rooms.resolve('atelier'), 'le vrai message d\'Awa')
  await mallory.joinRoom(invite)
  await moussa.joinRoom(invite)
  return { awa, mallory, moussa }
}

t.test('a log whose binding is signed by another identity is rejected, and its records never show as Awa', async (t) => {
  const { awa, mallory, moussa } = await setup(t)
  const awaId = await awa.identity()
  const malloryId = await mallory.identity()
  const { room, core } = await rawCore(mallory, 'atelier', 'forged')
  // Claims to be Awa, but is signed with Mallory's key.
  const sig = nacl.sign.detached(bindingPayload(room.keys.id, core.key, awaId.publicKey), malloryId.secretKey)
  await core.append([
    json({ v: RECORD_VERSION, type: 'binding', ts: Date.now(), room: room.id, core: core.key.toString('hex'), identity: awaId.publicKey.toString('hex'), name: 'Awa', sig: Buffer.from(sig).toString('hex') }),
    json({ v: RECORD_VERSION, type: 'msg', ts: Date.now(), text: 'FORGED: send me your passwords' })
  ])
  // A second forgery: Awa's genuine binding copied from her own log into another core.
  const { core: copied } = await rawCore(mallory, 'atelier', 'copied')
  await link(t, awa, moussa)
  await link(t, mallory, moussa)
  const moussaRoom = moussa.rooms.resolve('atelier')
  t.ok(await eventually(async () => (await lines(moussa, 'atelier')).some((l) => l.includes('le vrai message'))), 'Awa\'s real message arrives')
  const genuine = await (await awa.logs(awa.rooms.resolve('atelier'))).own.core.get(0)
  await copied.append([genuine as Buffer, json({ v: RECORD_VERSION, type: 'msg', ts: Date.now(), text: 'FORGED copy' })])

  const logs = await moussa.logs(moussaRoom)
  const forged = await logs.addMember(core.key)
  const copy = await logs.addMember(copied.key)
  // The positive marker: block 0 of each arrived and its binding was checked (and failed).
  t.ok(await eventually(() => forged.invalid && copy.invalid), 'forged signature and copied binding: both logs marked invalid once block 0 arrived')
  const listed = (key: Buffer): boolean => logs.list().some((l) => l.core.key.equals(key))
  t.ok(await eventually(() => !listed(core.key) && !listed(copied.key) && logs.pendingCount === 0), 'neither is ever listed as a member log: both are dropped')
  t.notOk(moussaRoom.members.includes(core.key.toString('hex')) || moussaRoom.members.includes(copied.key.toString('hex')), 'and neither key is kept in rooms.json')
  const all = (await lines(moussa, 'atelier')).join('\n')
  t.notMatch(all, /FORGED/, 'no forged record appears in the timeline at all')
  t.match(all, /Awa msg le vrai message/, 'Awa still appears with her real message')
})

t.test('oversized records are refused on write and dropped on read; the room keeps working', async (t) => {
  const { awa, mallory } = await setup(t)
  const room = awa.rooms.resolve('atelier')
  const before = (await lines(awa, 'atelier')).length

  const cases: Array<[string, string, string]> = [
    // [what, text, expected code]
    ['8 KiB + 1 byte of ASCII', 'x'.repeat(8 * 1024 + 1), 'MESSAGE_TOO_LONG'],
    ['accents that pass 8 KiB only in UTF-8 bytes', 'é'.repeat(4097), 'MESSAGE_TOO_LONG'],
    ['a 50 MB paste', 'y'.repeat(50 * 1024 * 1024), 'MESSAGE_TOO_LONG'],
    ['only spaces', '   ', 'MESSAGE_EMPTY']
  ]
  for (const [what, text, code] of cases) {
    await t.rejects(awa.send(room, text), { code }, `${what} is refused with ${code}`)
  }
  await t.resolves(awa.send(room, 'z'.repeat(8 * 1024)), 'exactly 8 KiB is accepted')
  t.equal((await lines(awa, 'atelier')).length, before + 1, 'nothing refused was stored')

  // Mallory bypasses the library and writes bad blocks into her own (validly bound) log.
  const own = (await mallory.logs(mallory.rooms.resolve('atelier'))).own
  await own.core.append([
    json({ v: 1, type: 'msg', ts: Date.now(), text: 'big'.repeat(7000) }), // 21 KB block
    Buffer.from('{not json'),
    json({ v: 1, type: 'msg', ts: Date.now() }), // no text
    json({ v: 2, type: 'poll', ts: Date.now(), question: 'from the future' }), // newer version: kept, skipped
    json({ v: 1, type: 'msg', ts: Date.now(), text: 'Mallory says hi' })
  ])
  await link(t, awa, mallory)
  t.ok(await eventually(async () => (await lines(awa, 'atelier')).some((l) => l.endsWith('Mallory says hi'))), 'a valid record after the bad ones arrives')
  const malloryLog = (await awa.logs(room)).list().find((l) => l.key === own.key)
  t.equal(malloryLog?.dropped, 3, 'the oversized, non-JSON and schema-breaking blocks were dropped and counted')
  const all = (await lines(awa, 'atelier')).join('\n')
  t.notMatch(all, /bigbig|from the future/, 'neither the oversized nor the unknown record is shown')
  await awa.send(room, 'still working')
  t.ok(await eventually(async () => (await lines(mallory, 'atelier')).some((l) => l.endsWith('still working'))), 'the room keeps working both ways')
})

t.test('escape sequences in a nickname or a message come out of log neutralised', async (t) => {
  const { awa, mallory } = await setup(t)
  const malloryId = await mallory.identity()
  const { room, core } = await rawCore(mallory, 'atelier', 'evil')
  const evilName = 'Mal\x1b[2J\x1b[31mlory\x07\x1b]52;c;cm0gLXJmIH4=\x07\u202E'
  const sig = nacl.sign.detached(bindingPayload(room.keys.id, core.key, malloryId.publicKey), malloryId.secretKey)
  await core.append([
    json({ v: 1, type: 'binding', ts: Date.now(), room: room.id, core: core.key.toString('hex'), identity: malloryId.publicKey.toString('hex'), name: evilName, sig: Buffer.from(sig).toString('hex') }),
    json({ v: 1, type: 'msg', ts: Date.now(), text: 'hello\x1b]52;c;ZWNobyBwd25lZA==\x1b\\ \x1b[1;31mred\x1b[0m \x07\x07 \u009b31m end' })
  ])
  await link(t, awa, mallory)
  const logs = await awa.logs(awa.rooms.resolve('atelier'))
  const evil = await logs.addMember(core.key)
  t.ok(await eventually(() => evil.core.contiguousLength === 2), 'crafted log replicated')
  const items = await COMMANDS.get('log')!.run(contextOf(awa), { room: 'atelier' }, SILENT) as Array<{ name: string, text: string }>
  const mine = items.filter((i) => i.name.startsWith('Mal'))
  t.ok(mine.length >= 1, 'the crafted records are shown (sanitised, not dropped)')
  // Check the decoded strings, as a terminal would get them: JSON.stringify would turn ESC
  // and BEL into the six characters \u001b and \u0007, and the check could never fail.
  const shown = mine.flatMap((i) => [i.name, i.text])
  for (const bad of ['\x1b', '\x07', '\u009b', '\u202e', '52;c;']) {
    const label = bad.length === 1 ? `U+${bad.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : JSON.stringify(bad)
    t.notOk(shown.some((s) => s.toLowerCase().includes(bad)), `no ${label} in the names and texts shown`)
  }
  t.ok(mine.some((i) => i.name === 'Mallory'), 'the nickname reads as plain "Mallory"')
  t.ok(mine.some((i) => /^hello +red +end$/.test(i.text)), `the message keeps its text: ${mine.map((i) => i.text).join('|')}`)
})

t.test('rooms resolve by name or id prefix, never silently the wrong one', async (t) => {
  const a = await peer(t, 'A')
  const { room } = await a.createRoom('one')
  t.equal(a.rooms.resolve(room.id.slice(0, 8)).name, 'one', 'by id prefix')
  t.equal(a.rooms.resolve(room.id).name, 'one', 'by full id')
  try {
    a.rooms.resolve('two')
    t.fail('unknown room resolved')
  } catch (err) {
    t.ok(isTamtamError(err, 'ROOM_NOT_FOUND'), 'unknown name: ROOM_NOT_FOUND')
  }
  await t.rejects(a.createRoom('one'), { code: 'ROOM_EXISTS' }, 'duplicate name refused')
})
