/**
 * Private messages to and from a phone (issue 20, "DMs to a phone are for the phone"). Awa
 * hosts the phone Moussa; Fatou and Mallory are real nodes of the room, linked by real
 * Noise streams. The phone is the Node phone of phone-client.ts running the page's own DM
 * code (web/src/dms.ts). Checked: a laptop's DM reaches the phone, which opens it; the
 * phone's reply reaches the laptop; the host forwards only ciphertext and cannot read
 * either (its own `dms`, its store decrypted with every room key it holds, its files, and
 * every frame it sent); a DM for someone else does not show on the phone; forged DMs show
 * with their true author or not at all, even when the host lies about the author; the
 * feed is incremental from the cursor and bounded per answer and per frame.
 */
import nacl from 'tweetnacl'
import t from 'tap'
import { dm, dms as dmsCommand } from '../../src/commands/dm.js'
import { DmKeys, sealDm } from '../../src/dm/index.js'
import type { NewRecord } from '../../src/log/records.js'
import { MAX_FRAME_PLAINTEXT } from '../../src/phone/frames.js'
import type { Room } from '../../src/room/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import { MAX_DM_RECORDS } from '../../src/web/dm-feed.js'
import type { HostedLog } from '../../web/src/signing.js'
import { contextOf, eventually, lines, link, nodeOf, peer } from '../helpers/peers.js'
import { connectPhone, phoneBinding, phoneIdentity, type PhoneIdentity, type TestPhone } from './phone-client.js'
import { filesContaining, phoneDms, pullDms, sendPhoneDm } from './phone-dms.js'

interface Setup { awa: Tamtam, fatou: Tamtam, mallory: Tamtam, room: (tt: Tamtam) => Room, url: string }

const hex = async (tt: Tamtam): Promise<string> => (await tt.identity()).publicKey.toString('hex')

/** Awa hosts phones for 'atelier'; Fatou and Mallory are in the room, both linked to Awa. */
async function setup (t: any): Promise<Setup> {
  const awa = await peer(t, 'Awa', { web: { port: 0, host: '127.0.0.1' } })
  const fatou = await peer(t, 'Fatou')
  const mallory = await peer(t, 'Mallory')
  const { invite } = await awa.createRoom('atelier')
  await fatou.joinRoom(invite)
  await mallory.joinRoom(invite)
  await link(t, awa, fatou)
  await link(t, awa, mallory)
  const web = nodeOf(awa).web
  if (web === null) throw new Error('the node did not start its web server')
  return { awa, fatou, mallory, room: (tt) => tt.rooms.resolve('atelier'), url: `ws://127.0.0.1:${web.port}/ws` }
}

/** A phone that said hello and bound its log; `log` is where it signs, `next` its next position. */
async function joined (t: any, s: Setup, me: PhoneIdentity): Promise<{ phone: TestPhone, log: HostedLog, next: number }> {
  const room = s.room(s.awa)
  const phone = await connectPhone(s.url, room.keys.memberKey)
  t.teardown(() => phone.close())
  const welcome = await phone.ask({ t: 'hello', v: 1, identity: me.hex, name: me.name }, 'welcome')
  const log = { room: room.id, core: welcome.core as string, host: welcome.host as string }
  const bound = await phone.ask({ t: 'bind', binding: phoneBinding(me, room.id, log.core, log.host) }, 'bound')
  return { phone, log, next: bound.length as number }
}

/** Whether `tt` holds a verified log of `identity` in the room (then it can send to it). */
async function holds (tt: Tamtam, identity: string): Promise<boolean> {
  for (const log of (await tt.logs(tt.rooms.resolve('atelier'))).list()) if ((await log.verifyBinding())?.identity === identity) return true
  return false
}

/** Every block of every log `tt` holds in the room, decrypted with the room's keys, that contains `needle`. */
async function blocksContaining (tt: Tamtam, needle: string): Promise<number> {
  let n = 0
  for (const log of (await tt.logs(tt.rooms.resolve('atelier'))).list()) {
    for (let i = 0; i < log.core.length; i++) {
      const block = await log.core.get(i, { wait: false })
      if (block !== null && block.includes(Buffer.from(needle))) n++
    }
  }
  return n
}

/** The phone's member list, as the host sends it, given to its DM state. */
async function learnMembers (phone: TestPhone, dms: ReturnType<typeof phoneDms>, want: string[]): Promise<void> {
  const m = await phone.next((m) => m.t === 'members' && want.every((id) => (m.members as Array<{ identity: string }>).some((p) => p.identity === id)), 15_000)
  dms.setMembers((m.members as Array<{ identity: string }>).map((p) => p.identity))
}

t.test('laptop → phone and phone → laptop: the phone opens and seals; the host forwards what it cannot read', async (t) => {
  const s = await setup(t)
  const moussa = phoneIdentity('Moussa')
  const { phone, log, next } = await joined(t, s, moussa)
  const [idf, ida] = [await hex(s.fatou), await hex(s.awa)]
  t.ok(await eventually(async () => await holds(s.fatou, moussa.hex), 15_000), 'Fatou holds the phone\'s hosted log')

  // Requirement 1: the laptop command resolves the phone by name and by fingerprint, and seals to its identity.
  const secret = 'le code du portail est 4711'
  const sent = await dm.run(contextOf(s.fatou), { room: 'atelier', member: 'Moussa', text: secret }) as { to: { identity: string } }
  t.equal(sent.to.identity, moussa.hex, '`dm atelier Moussa` seals to the phone\'s identity (from the hosted binding)')
  const fingerprint = (await contextOf(s.fatou).dms().conversations(s.room(s.fatou)))[0].fingerprint
  await dm.run(contextOf(s.fatou), { room: 'atelier', member: fingerprint.slice(0, 9), text: 'par empreinte' })
  // A room message sent the same way: the control of every "cannot read" search below.
  const openly = 'message public du salon 9182'
  await s.fatou.send(s.room(s.fatou), openly)
  t.ok(await eventually(async () => (await lines(s.awa, 'atelier')).some((l) => l.includes(openly))), 'the host has the room message, so it has the DMs before it')

  const dms = phoneDms(moussa)
  await learnMembers(phone, dms, [idf])
  const pulled = await pullDms(phone, dms)
  t.same(pulled.opened.map((m) => [m.peer, m.mine, m.text]), [[idf, false, secret], [idf, false, 'par empreinte']], 'the phone opens both, from Fatou')

  // Requirement 3: the phone answers; Fatou's `dms` shows it, and the phone reads its own sent message back.
  const reply = 'reçu, merci Fatou 5523'
  t.same(await sendPhoneDm(phone, moussa, dms, log, next, idf, reply), { t: 'appended', seq: next }, 'the host appends the sealed, signed record')
  const fatouSees = async (): Promise<boolean> => {
    const out = await dmsCommand.run(contextOf(s.fatou), { room: 'atelier', member: moussa.hex }) as { messages: Array<{ text: string, from: string }> }
    return out.messages.some((m) => m.text === reply && m.from === moussa.hex)
  }
  t.ok(await eventually(fatouSees, 15_000), 'Fatou\'s `dms` shows the phone\'s reply, from the phone')
  const back = await pullDms(phone, dms)
  t.same(back.opened.map((m) => [m.peer, m.mine, m.text]), [[idf, true, reply]], 'the phone reads back its own message (only the new one: the cursor moved)')
  t.same(dms.with(idf).map((m) => m.text), [secret, 'par empreinte', reply], 'the conversation in order')

  // The host cannot read them.
  const awaDms = contextOf(s.awa).dms()
  t.same(await awaDms.conversations(s.room(s.awa)), [], 'the host\'s `dms` lists no conversation')
  t.same(await awaDms.messages(s.room(s.awa), moussa.hex), [], 'and nothing between it and the phone')
  t.equal(await blocksContaining(s.awa, openly), 1, 'control: the host\'s decrypted blocks do hold the room message')
  for (const text of [secret, reply]) t.equal(await blocksContaining(s.awa, text), 0, `the host's blocks, decrypted with every room key it holds, do not hold "${text}"`)
  t.ok(filesContaining(s.awa.home, 'atelier').length > 0, 'control: a raw search of the host\'s home finds what is stored in clear (the room name)')
  for (const text of [secret, reply, openly]) t.same(filesContaining(s.awa.home, text), [], `no file of the host's home holds "${text}" in clear`)
  const everyFrame = JSON.stringify([...pulled.frames, ...back.frames])
  t.ok(everyFrame.includes(idf), 'control: the frames the host sent name the author')
  for (const text of [secret, reply]) t.notOk(everyFrame.includes(text), `no frame the host sent holds "${text}"`)
  t.ok(ida.length === 64, 'the host is a member with its own keys, and they open nothing of this')
})

t.test('a DM for someone else does not show on the phone; forged ones show with their true author or not at all', async (t) => {
  const s = await setup(t)
  const moussa = phoneIdentity('Moussa')
  const { phone } = await joined(t, s, moussa)
  const [idf, idm] = [await hex(s.fatou), await hex(s.mallory)]
  t.ok(await eventually(async () => await holds(s.mallory, moussa.hex) && await holds(s.mallory, idf) && await holds(s.fatou, idm), 15_000), 'everyone holds everyone\'s log')

  await contextOf(s.mallory).dms().send(s.room(s.mallory), idf, 'pour Fatou seulement')
  const genuine = await contextOf(s.fatou).dms().send(s.room(s.fatou), moussa.hex, 'le vrai de Fatou')
  const fAtM = (await s.mallory.logs(s.room(s.mallory))).list().find((l) => l.author?.identity === idf)
  const seq = Number(genuine.id.split('.')[1])
  t.ok(await eventually(() => (fAtM?.readable ?? 0) > seq), 'Mallory holds Fatou\'s DM to the phone')
  const copied = (await fAtM?.read(seq))?.record as unknown as { nonce: string, box: string }

  const toPhone = new DmKeys(await s.mallory.identity()).sharedWith(moussa.hex) as Uint8Array
  const box = (key: Uint8Array, plain: unknown): { nonce: string, box: string } => {
    const nonce = nacl.randomBytes(24)
    return { nonce: Buffer.from(nonce).toString('base64'), box: Buffer.from(nacl.box.after(Buffer.from(JSON.stringify(plain)), nonce, key)).toString('base64') }
  }
  // What Mallory writes in her own log, each claiming to come from Fatou.
  const forged = [
    { ...box(nacl.randomBytes(32), { v: 1, to: moussa.hex, text: 'Fatou: clé aléatoire', from: idf }), from: idf },
    { nonce: copied.nonce, box: copied.box, from: idf },
    { ...box(toPhone, { v: 1, to: idf, text: 'clé du téléphone, adressé à Fatou' }) },
    { ...box(toPhone, { v: 1, to: moussa.hex, text: 'de Mallory, prétend Fatou', from: idf }), from: idf }
  ]
  await (await s.mallory.logs(s.room(s.mallory))).own.append(forged.map((f) => ({ type: 'dm', ...f }) as unknown as NewRecord))
  await s.mallory.send(s.room(s.mallory), 'marqueur après les faux')
  t.ok(await eventually(async () => (await lines(s.awa, 'atelier')).some((l) => l.includes('marqueur après les faux'))), 'the host has Mallory\'s records up to the marker after them')

  const dms = phoneDms(moussa)
  await learnMembers(phone, dms, [idf, idm])
  const pulled = await pullDms(phone, dms)
  const shown = pulled.opened.map((m) => [m.peer, m.text])
  t.ok(pulled.frames.some((f) => (f.records as unknown[]).length >= 6), 'the phone was sent every dm record (positive: it tried them all)')
  t.same(shown.sort(), [[idf, 'le vrai de Fatou'], [idm, 'de Mallory, prétend Fatou']].sort(), 'only the genuine one from Fatou, and Mallory\'s under Mallory\'s name')
  t.notOk(shown.some(([, text]) => text === 'pour Fatou seulement'), 'Mallory\'s DM to Fatou does not show on the phone')
  // The copy of Fatou's record is skipped rather than counted when the genuine one opened first.
  t.ok(dms.unreadable >= 3, `the others are counted unreadable (${dms.unreadable})`)

  // The host lies about authors: the author it names picks the key, so a relabelled box does not open.
  const genuineRecord = pulled.frames.flatMap((f) => f.records as Array<Record<string, unknown>>).find((r) => r.author === idf && r.nonce === copied.nonce)
  t.ok(genuineRecord !== undefined, 'the genuine record as the host forwarded it')
  const liar = phoneDms(moussa)
  liar.setMembers([idf, idm])
  t.same(liar.take([{ ...genuineRecord, author: idm }, { ...genuineRecord, author: moussa.hex }]), [], 'Fatou\'s box labelled as Mallory\'s or as the phone\'s own does not open')
  t.same(liar.take([genuineRecord]).map((m) => m.peer), [idf], 'with its true author it does (positive control)')
  t.same(liar.take([{ ...genuineRecord, seq: 99 }]), [], 'the same box again, at another position, shows once')
})

t.test('the feed is incremental from the cursor, bounded per answer and per frame, and nudged by updates', async (t) => {
  const s = await setup(t)
  const moussa = phoneIdentity('Moussa')
  const { phone } = await joined(t, s, moussa)
  const idf = await hex(s.fatou)
  t.ok(await eventually(async () => await holds(s.fatou, moussa.hex), 15_000), 'Fatou holds the phone\'s log')
  const count = MAX_DM_RECORDS + 20
  const dmsOf = contextOf(s.fatou).dms()
  // Sealed as `dm` does, appended in one batch: the test is about the feed, not about sending.
  const toPhone = new DmKeys(await s.fatou.identity()).sharedWith(moussa.hex) as Uint8Array
  const big = 'é'.repeat(4000)
  const texts = [...Array.from({ length: count }, (_, i) => `petit ${i}`), ...Array.from({ length: 6 }, (_, i) => `${big}${i}`)]
  await (await s.fatou.logs(s.room(s.fatou))).own.append(texts.map((text) => ({ type: 'dm', ...sealDm(toPhone, moussa.hex, text) }) as NewRecord))
  // (A room message after 226 records would fall to the timeline's flood limit: wait for the log's length instead.)
  const length = (await s.fatou.logs(s.room(s.fatou))).own.core.length
  const fAtA = async (): Promise<number> => (await s.awa.logs(s.room(s.awa))).list().find((l) => l.author?.identity === idf)?.readable ?? 0
  t.ok(await eventually(async () => await fAtA() === length, 60_000), 'the host has them all')

  const dms = phoneDms(moussa)
  await learnMembers(phone, dms, [idf])
  const pulled = await pullDms(phone, dms)
  t.equal(pulled.opened.length, count + 6, 'every DM opens')
  t.ok(pulled.requests >= 2, `more than ${MAX_DM_RECORDS} records take more than one request (${pulled.requests})`)
  const per = pulled.frames.reduce<number[]>((acc, f) => { acc[acc.length - 1] += (f.records as unknown[]).length; if (f.last === true) acc.push(0); return acc }, [0])
  t.ok(per.every((n) => n <= MAX_DM_RECORDS), `no answer carries more than ${MAX_DM_RECORDS} records (${per.join(', ')})`)
  const sizes = pulled.frames.map((f) => Buffer.byteLength(JSON.stringify(f)))
  t.ok(sizes.every((n) => n <= MAX_FRAME_PLAINTEXT), `every frame fits the channel (largest ${Math.max(...sizes)} bytes)`)
  t.ok(pulled.frames.length > pulled.requests, 'big messages are cut into several frames')

  const again = await pullDms(phone, dms)
  t.same([again.opened.length, again.frames.length, (again.frames[0].records as unknown[]).length], [0, 1, 0], 'from the cursor, nothing is sent again')

  phone.inbox.length = 0
  await dmsOf.send(s.room(s.fatou), moussa.hex, 'un de plus')
  t.ok(await phone.next((m) => m.t === 'update', 15_000), 'an update nudge arrives')
  const news = await pullDms(phone, dms)
  t.same(news.opened.map((m) => m.text), ['un de plus'], 'and the next request brings only the new one')

  const bad = await phone.ask({ t: 'dms', since: { nothex: 1 } }, 'dm-records')
  t.match(bad, { t: 'error', code: 'USAGE', re: 'dms' }, 'a malformed cursor is a USAGE error')
  t.equal((await pullDms(phone, dms)).opened.length, 0, 'and the session goes on')
})
