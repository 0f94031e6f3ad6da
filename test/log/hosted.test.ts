/**
 * Hosted logs (issue 20, "the host cannot forge"): a node keeps a member log for a phone,
 * whose binding and records the phone signs. A tampering host writes straight into that
 * log: a record it signed itself, a phone record with its text changed, one signed for
 * another place in the log, one repeated, one from another room, and a plain unsigned one.
 * The other peer, and the host's own reader, show none of them, and show the phone's real
 * records under its own identity. Real stores, a real Noise link, real signatures.
 */
import t from 'tap'
import { generateIdentity, sign, type Identity } from '../../src/identity/index.js'
import { hostedBindingPayload, signHostedBlock } from '../../src/log/hosted.js'
import { HostedWriter } from '../../src/log/hosted-writer.js'
import { encodeRecord, type BindingRecord } from '../../src/log/records.js'
import { roomMembers } from '../../src/members/index.js'
import { encodeInvite, type Room } from '../../src/room/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import { eventually, lines, link, peer } from '../helpers/peers.js'

/** What the browser does: sign a binding of `core` in `room`, naming the host. */
function phoneBinding (phone: Identity, room: Room, core: Buffer, host: string, signer = phone): BindingRecord {
  const sig = sign(hostedBindingPayload(room.keys.id, core, phone.publicKey, Buffer.from(host, 'hex')), signer.secretKey)
  return { v: 1, type: 'binding', ts: Date.now(), room: room.id, core: core.toString('hex'), identity: phone.publicKey.toString('hex'), name: phone.name, sig: sig.toString('hex'), host }
}

/** A phone hosted by `host` in its room 'atelier', bound, its log announced to the room. */
async function hostPhone (host: Tamtam, phone: Identity): Promise<HostedWriter> {
  const room = host.rooms.resolve('atelier')
  const writer = await HostedWriter.open(await host.store(), room, phone.publicKey.toString('hex'))
  await writer.bind(phoneBinding(phone, room, writer.key, (await host.identity()).publicKey.toString('hex')), (await host.identity()).publicKey.toString('hex'))
  await (await host.logs(room)).addMember(writer.key)
  return writer
}

/** The phone writes `text` at the next place of its hosted log. */
function phoneSays (writer: HostedWriter, phone: Identity, text: string, seq = writer.length, roomId = writer.room.keys.id): Buffer {
  return signHostedBlock({ type: 'msg', text, ts: Date.now() }, seq, roomId, writer.key, phone.secretKey)
}

const texts = async (tt: Tamtam): Promise<string[]> => (await lines(tt, 'atelier')).filter((l) => l.includes(' msg ')).map((l) => l.split(' msg ')[1])

async function room (t: any): Promise<{ awa: Tamtam, fatou: Tamtam, phone: Identity, writer: HostedWriter }> {
  const awa = await peer(t, 'Awa')
  const fatou = await peer(t, 'Fatou')
  const { invite } = await awa.createRoom('atelier')
  await fatou.joinRoom(invite)
  await link(t, awa, fatou)
  const phone = generateIdentity('Moussa')
  const writer = await hostPhone(awa, phone)
  return { awa, fatou, phone, writer }
}

t.test('a phone\'s signed records reach every peer under the phone\'s identity', async (t) => {
  const { fatou, phone, writer } = await room(t)
  t.equal(await writer.append(phoneSays(writer, phone, 'Je suis là')), 1, 'the host appends the phone\'s first record at 1')
  t.ok(await eventually(async () => (await texts(fatou)).includes('Je suis là'), 15_000), 'Fatou sees the phone\'s message')
  const line = (await lines(fatou, 'atelier')).find((l) => l.includes('Je suis là')) ?? ''
  t.match(line, / Moussa msg /, 'under the phone\'s name')
  const members = await roomMembers(fatou, fatou.rooms.resolve('atelier'))
  t.ok(members.some((m) => m.name === 'Moussa' && m.identity === phone.publicKey.toString('hex')), 'and the phone\'s identity is a member')
})

t.test('a tampering host: every forged, altered, moved, repeated or foreign record is dropped by every reader', async (t) => {
  const { awa, fatou, phone, writer } = await room(t)
  const hostKey = await awa.identity()
  const genuine = phoneSays(writer, phone, 'Je suis là')
  await writer.append(genuine)

  // What a tampering host writes, straight into the core (what HostedWriter would refuse).
  const at = (): number => writer.core.length
  const forged = signHostedBlock({ type: 'msg', text: 'forged by the host', ts: Date.now() }, at(), writer.room.keys.id, writer.key, hostKey.secretKey)
  await writer.core.append(forged)
  const altered = JSON.parse(phoneSays(writer, phone, 'Je viens demain').toString())
  altered.body = altered.body.replace('Je viens demain', 'Je ne viens pas')
  await writer.core.append(Buffer.from(JSON.stringify(altered)))
  await writer.core.append(phoneSays(writer, phone, 'signed for another place', at() + 5))
  await writer.core.append(genuine)
  await writer.core.append(phoneSays(writer, phone, 'from another room', at(), Buffer.alloc(32, 7)))
  await writer.core.append(encodeRecord({ v: 1, type: 'msg', ts: Date.now(), text: 'plain, unsigned, from the host' }))
  // The positive marker: a genuine record after the tampering.
  await writer.append(phoneSays(writer, phone, 'marker after the tampering'))

  for (const [who, tt] of [['Fatou', fatou], ['Awa, the host', awa]] as const) {
    t.ok(await eventually(async () => (await texts(tt)).includes('marker after the tampering'), 15_000), `${who} sees the genuine marker`)
    const seen = await texts(tt)
    for (const bad of ['forged by the host', 'Je ne viens pas', 'Je viens demain', 'signed for another place', 'from another room', 'plain, unsigned, from the host']) {
      t.notOk(seen.includes(bad), `${who} does not show "${bad}"`)
    }
    t.equal(seen.filter((s) => s === 'Je suis là').length, 1, `${who} shows the repeated record once`)
  }
})

t.test('the host refuses what the phone did not sign, and a log bound by the host alone is no member', async (t) => {
  const { awa, fatou, phone, writer } = await room(t)
  const hostKey = await awa.identity()
  const forged = signHostedBlock({ type: 'msg', text: 'forged', ts: Date.now() }, writer.length, writer.room.keys.id, writer.key, hostKey.secretKey)
  await t.rejects(writer.append(forged), { code: 'HOSTED_INVALID' }, 'HostedWriter refuses a record the phone did not sign')
  await t.rejects(writer.append(phoneSays(writer, phone, 'elsewhere', writer.length + 1)), { code: 'HOSTED_INVALID' }, 'and one signed for another place')

  // A host that binds a log to a phone identity with its own key.
  const victim = generateIdentity('Aminata')
  const room2 = awa.rooms.resolve('atelier')
  const fake = await HostedWriter.open(await awa.store(), room2, victim.publicKey.toString('hex'))
  const host = hostKey.publicKey.toString('hex')
  await t.rejects(fake.bind(phoneBinding(victim, room2, fake.key, host, hostKey), host), { code: 'HOSTED_INVALID' }, 'HostedWriter refuses a binding the phone did not sign')
  await fake.core.append(encodeRecord(phoneBinding(victim, room2, fake.key, host, hostKey)))
  await fake.core.append(signHostedBlock({ type: 'msg', text: 'Aminata, faked', ts: Date.now() }, 1, room2.keys.id, fake.key, hostKey.secretKey))
  await (await awa.logs(room2)).addMember(fake.key).catch(() => {})
  await writer.append(phoneSays(writer, phone, 'marker after the fake binding'))
  t.ok(await eventually(async () => (await texts(fatou)).includes('marker after the fake binding'), 15_000), 'Fatou sees the marker')
  t.notOk((await texts(fatou)).includes('Aminata, faked'), 'and nothing of the log the host bound alone')
  t.notOk((await roomMembers(fatou, fatou.rooms.resolve('atelier'))).some((m) => m.name === 'Aminata'), 'nor a member named Aminata')
})

t.test('a phone hosted by two nodes is one member', async (t) => {
  const { fatou, phone, writer } = await room(t)
  const ibrahim = await peer(t, 'Ibrahim')
  const atelier = fatou.rooms.resolve('atelier')
  await ibrahim.joinRoom(encodeInvite(atelier.secret, atelier.name))
  await link(t, ibrahim, fatou)
  const second = await hostPhone(ibrahim, phone)
  await writer.append(phoneSays(writer, phone, 'via Awa'))
  await second.append(phoneSays(second, phone, 'via Ibrahim'))
  t.ok(await eventually(async () => { const s = await texts(fatou); return s.includes('via Awa') && s.includes('via Ibrahim') }, 15_000), 'Fatou sees the phone through both hosts')
  const named = (await roomMembers(fatou, fatou.rooms.resolve('atelier'))).filter((m) => m.identity === phone.publicKey.toString('hex'))
  t.equal(new Set(named.map((m) => m.identity)).size, 1, 'one identity')
  const lines2 = (await lines(fatou, 'atelier')).filter((l) => l.includes('via '))
  t.ok(lines2.every((l) => / Moussa msg /.test(l)), 'both under the same name', { lines2 })
})
