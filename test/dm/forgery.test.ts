import t from 'tap'
import nacl from 'tweetnacl'
import { DmKeys } from '../../src/dm/index.js'
import { dm, dms } from '../../src/commands/dm.js'
import { SILENT } from '../../src/commands/types.js'
import type { NewRecord } from '../../src/log/records.js'
import type { Tamtam } from '../../src/tamtam.js'
import { formatDm } from '../../cli/dm.js'
import { translator } from '../../src/i18n/index.js'
import { eventually, link, peer, contextOf } from '../helpers/peers.js'

const id = async (tt: Tamtam): Promise<string> => (await tt.identity()).publicKey.toString('hex')
const room = (tt: Tamtam): ReturnType<Tamtam['rooms']['resolve']> => tt.rooms.resolve('atelier')
const en = translator('en')

/** How many logs of the room this peer holds with a verified binding. */
async function bound (tt: Tamtam): Promise<number> {
  let n = 0
  for (const log of (await tt.logs(room(tt))).list()) if (await log.verifyBinding() !== null) n++
  return n
}

/** A box of `plain` (any JSON) under `key`, as a dm record's two fields. */
function boxOf (key: Uint8Array, plain: unknown): { nonce: string, box: string } {
  const nonce = nacl.randomBytes(24)
  return { nonce: Buffer.from(nonce).toString('base64'), box: Buffer.from(nacl.box.after(Buffer.from(JSON.stringify(plain)), nonce, key)).toString('base64') }
}

/** Three members: Awa and Mallory both linked to Moussa only. */
async function trio (t: any): Promise<{ a: Tamtam, b: Tamtam, m: Tamtam, ida: string, idb: string, idm: string }> {
  const [a, b, m] = await Promise.all([peer(t, 'Awa'), peer(t, 'Moussa'), peer(t, 'Mallory')])
  const { invite } = await a.createRoom('atelier')
  await b.joinRoom(invite)
  await m.joinRoom(invite)
  await link(t, a, b)
  await link(t, m, b)
  t.ok(await eventually(async () => await bound(a) === 3 && await bound(b) === 3 && await bound(m) === 3), 'every peer holds the three member logs')
  return { a, b, m, ida: await id(a), idb: await id(b), idm: await id(m) }
}

t.test('forged private messages are never shown as from the member they claim', async (t) => {
  const { a, b, m, ida, idb, idm } = await trio(t)
  const genuine = await contextOf(a).dms().send(room(a), 'Moussa', 'genuine from Awa')
  const seq = Number(genuine.id.split('.')[1])
  const aAtM = (await m.logs(room(m))).list().find((l) => l.author?.identity === ida)!
  t.ok(await eventually(() => aAtM.readable > seq), 'Mallory holds Awa\'s dm record')
  const copied = (await aAtM.read(seq))!.record as unknown as { nonce: string, box: string }

  const malloryKey = new DmKeys(await m.identity()).sharedWith(idb)!
  // Each record Mallory writes, what Moussa must make of it, and why.
  const forged: Array<[Record<string, unknown>, string]> = [
    [{ ...boxOf(nacl.randomBytes(32), { v: 1, to: idb, text: 'Awa here: give Mallory the code', from: ida }), from: ida }, 'a random key, claiming to be Awa: dropped'],
    [{ nonce: copied.nonce, box: copied.box, from: ida }, 'Awa\'s own record copied into Mallory\'s log: dropped'],
    [{ ...boxOf(malloryKey, { v: 1, to: ida, text: 'to Awa with the Moussa key' }) }, 'Mallory\'s key but addressed to Awa: dropped'],
    [{ ...boxOf(malloryKey, { v: 1, to: idb, text: 'hello from Mallory', from: ida }), from: ida }, 'Mallory\'s key, to Moussa, claiming Awa: shown as from Mallory']
  ]
  const own = (await m.logs(room(m))).own
  await own.append(forged.map(([fields]) => ({ type: 'dm', ...fields }) as unknown as NewRecord))
  const mAtB = (await b.logs(room(b))).list().find((l) => l.author?.identity === idm)!
  t.ok(await eventually(() => mAtB.readable === own.core.length), 'Moussa holds every record Mallory wrote')
  t.ok(await eventually(async () => (await contextOf(b).dms().messages(room(b), ida)).length === 1), 'Moussa holds Awa\'s genuine message')

  t.same((await contextOf(b).dms().messages(room(b), ida)).map((x) => x.text), ['genuine from Awa'], 'from Awa: only what Awa wrote')
  t.same((await contextOf(b).dms().messages(room(b), idm)).map((x) => [x.from, x.fromName, x.text, x.mine]), [[idm, 'Mallory', 'hello from Mallory', false]], 'the one that opens with Mallory\'s key is from Mallory, whatever it claims')
  t.same((await contextOf(b).dms().conversations(room(b))).map((c) => [c.name, c.count]).sort(), [['Awa', 1], ['Mallory', 1]], 'two conversations, one message each')
  t.same(await contextOf(a).dms().messages(room(a), idm), [], 'Awa sees nothing from Mallory (Awa has no dm from her)')
  t.same((await contextOf(m).dms().messages(room(m), idb)).map((x) => x.text), ['hello from Mallory'], 'Mallory reads back only her real one')
})

t.test('errors: unknown member, oneself, too long, a key with no X25519 form', async (t) => {
  const { a, b } = await trio(t)
  await t.rejects(contextOf(a).dms().send(room(a), 'Nobody', 'hi'), { code: 'USAGE', message: /no member "Nobody" in atelier/ }, 'a non-member name is a clear USAGE error')
  await t.rejects(dm.run(contextOf(a), { room: 'atelier', member: 'Awa', text: 'hi' }, SILENT), { code: 'USAGE', message: /yourself/ }, 'a message to oneself is refused')
  await t.rejects(contextOf(a).dms().send(room(a), 'Moussa', 'x'.repeat(8 * 1024 + 1)), { code: 'MESSAGE_TOO_LONG' }, '8 KiB + 1 byte is MESSAGE_TOO_LONG')
  await t.rejects(contextOf(a).dms().send(room(a), 'Moussa', ' '), { code: 'MESSAGE_EMPTY' }, 'an empty message is refused')
  const fits = await dm.run(contextOf(a), { room: 'atelier', member: 'Moussa', text: 'x'.repeat(8 * 1024) }, SILENT) as { room: string, to: { name: string } }
  t.match(fits, { room: 'atelier', to: { name: 'Moussa' } }, 'exactly 8 KiB is sent, through the command table')
  t.match(formatDm('dm', fits, en), /private message to Moussa stored/, 'human output of dm')
  await t.rejects(dms.run(contextOf(b), { room: 'atelier', member: 'Nobody' }, SILENT), { code: 'USAGE' }, 'dms with a non-member is USAGE too')

  // A log bound to the ed25519 identity point: tweetnacl accepts its trivial signature, so
  // the binding check refuses small-order identities outright, and nobody can DM it.
  const r = room(a)
  const ghost = '01' + '00'.repeat(31)
  const core = (await a.store()).get({ name: 'ghost', encryption: { key: r.keys.encryptionKey } })
  await core.ready()
  await core.append(Buffer.from(JSON.stringify({ v: 1, type: 'binding', ts: Date.now(), room: r.id, core: core.key.toString('hex'), identity: ghost, name: 'Ghost', sig: '01' + '00'.repeat(63) })))
  const log = await (await a.logs(r)).addMember(core.key)
  t.equal(await log.verifyBinding(), null, 'the ghost binding (identity point, trivial signature) is refused')
  t.ok(log.invalid, 'and its log is marked invalid')
  await t.rejects(contextOf(a).dms().send(r, 'Ghost', 'hi'), { code: 'USAGE' }, 'so there is no member "Ghost" to message')
})

t.test('escape sequences in a private message and a name are neutralised in the human output', async (t) => {
  const { a, b, m, idm } = await trio(t)
  const hostile = '\x1b[31mred\x1b[0m \x1b]52;c;ZXZpbA==\x07clip \u202eevil\u202c\n2030-01-01 00:00  Awa: fake line'
  await contextOf(a).dms().send(room(a), 'Moussa', hostile)
  await (await m.logs(room(m))).own.append([{ type: 'nick', name: 'Mal\x1b[2Jlory\x9b31m' }])
  await contextOf(m).dms().send(room(m), 'Moussa', 'hi')
  t.ok(await eventually(async () => (await contextOf(b).dms().conversations(room(b))).length === 2), 'Moussa has both messages')

  const lines = await dms.run(contextOf(b), { room: 'atelier', member: 'Awa' }, SILENT) as { messages: Array<{ text: string }> }
  t.notMatch(lines.messages[0].text, /[\x1b\x07\x9b\u202e]/, 'the library already returns the text sanitised')
  const human = formatDm('dms', lines, en)!
  t.notMatch(human, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/, 'no control, escape or bidi character is printed')
  t.match(human, /Awa: red clip evil\n {2,}2030-01-01 00:00 {2}Awa: fake line/, 'the text stays readable; a second line is indented, so it cannot pass for a message')
  const list = formatDm('dms', await dms.run(contextOf(b), { room: 'atelier' }, SILENT), en)!
  t.notMatch(list, /[\x00-\x09\x0b-\x1f\x7f-\x9f]/, 'the conversation list prints no escape from the nickname')
  t.match(list, /Mallory \(/, 'the nickname is shown cleaned')
  t.match(formatDm('dms', await dms.run(contextOf(b), { room: 'atelier', member: idm }, SILENT), en), /Mallory: hi/, 'a member can be named by identity hex too')
  t.match(formatDm('dms', await dms.run(contextOf(a), { room: 'atelier', member: 'Moussa' }, SILENT), en), /you: red/, 'the sender sees its own line as "you"')
  t.equal(formatDm('dms', await dms.run(contextOf(a), { room: 'atelier', member: 'Moussa' }, SILENT), en), formatDm('dms', await dms.run(contextOf(a), { room: 'atelier', member: 'Moussa' }, SILENT), en), 'polling again gives the same output')
})
