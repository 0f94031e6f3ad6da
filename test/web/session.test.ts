/**
 * Phones join from a browser (issue 20): a real node serves its room on 127.0.0.1, and a
 * phone in Node (phone-client.ts) runs the §16 handshake over a real WebSocket, then the
 * §17 session: hello, bind, append. Another peer, linked to the host by a real Noise
 * stream, sees what the phone wrote under the phone's identity. Real stores, no mocks.
 */
import t from 'tap'
import WebSocket from 'ws'
import { derivePhoneRoomKeys, PhoneClientHandshake } from '../../src/phone/index.js'
import type { Room } from '../../src/room/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import { eventually, lines, link, nodeOf, peer } from '../helpers/peers.js'
import { connectPhone, phoneBinding, phoneIdentity, signedMessage, TestPhone, type PhoneIdentity } from './phone-client.js'

interface Setup { awa: Tamtam, fatou: Tamtam, room: Room, url: string }

/** Awa hosts phones for 'atelier'; Fatou is in the room too, linked to Awa. */
async function setup (t: any, web: Record<string, unknown> = {}): Promise<Setup> {
  const awa = await peer(t, 'Awa', { web: { port: 0, host: '127.0.0.1', ...web } })
  const fatou = await peer(t, 'Fatou')
  const { invite } = await awa.createRoom('atelier')
  await fatou.joinRoom(invite)
  await link(t, awa, fatou)
  const web2 = nodeOf(awa).web
  if (web2 === null) throw new Error('the node did not start its web server')
  return { awa, fatou, room: awa.rooms.resolve('atelier'), url: `ws://127.0.0.1:${web2.port}/ws` }
}

/** A phone that said hello and bound its log; returns the welcome. */
async function joined (t: any, s: Setup, me: PhoneIdentity): Promise<{ phone: TestPhone, welcome: Record<string, any> }> {
  const phone = await connectPhone(s.url, s.room.keys.memberKey)
  t.teardown(() => phone.close())
  const welcome = await phone.ask({ t: 'hello', v: 1, identity: me.hex, name: me.name }, 'welcome')
  if (welcome.t !== 'welcome') throw new Error(`no welcome: ${JSON.stringify(welcome)}`)
  if (welcome.bound !== true) {
    const bound = await phone.ask({ t: 'bind', binding: phoneBinding(me, s.room.id, welcome.core as string, welcome.host as string) }, 'bound')
    if (bound.t !== 'bound') throw new Error(`not bound: ${JSON.stringify(bound)}`)
  }
  return { phone, welcome }
}

const says = async (phone: TestPhone, me: PhoneIdentity, s: Setup, core: string, seq: number, text: string): Promise<Record<string, unknown>> =>
  await phone.ask({ t: 'append', seq, block: signedMessage(me, s.room.id, core, seq, text) }, 'appended')

const texts = async (tt: Tamtam): Promise<string[]> => (await lines(tt, 'atelier')).filter((l) => l.includes(' msg ')).map((l) => l.split(' msg ')[1])

t.test('a phone joins, writes, reads history and hears about new messages', async (t) => {
  const s = await setup(t)
  const moussa = phoneIdentity('Moussa')
  const { phone, welcome } = await joined(t, s, moussa)
  t.match(welcome, { v: 1, room: { id: s.room.id, name: 'atelier' }, host: (await s.awa.identity()).publicKey.toString('hex'), length: 0, bound: false }, 'welcome names the room, the host and an empty log')
  t.equal(welcome.core.length, 64, 'and the hosted log\'s key')
  t.same(await says(phone, moussa, s, welcome.core, 1, 'Je suis là'), { t: 'appended', seq: 1 }, 'the host appends the signed record at 1')

  t.ok(await eventually(async () => (await texts(s.fatou)).includes('Je suis là'), 15_000), 'Fatou sees the phone\'s message')
  const line = (await lines(s.fatou, 'atelier')).find((l) => l.includes('Je suis là')) ?? ''
  t.match(line, / Moussa msg /, 'under the phone\'s name')
  const fatouLine = (await (await s.fatou.timeline(s.fatou.rooms.resolve('atelier'))).page({ limit: 50 })).find((i) => i.text === 'Je suis là')
  t.equal(fatouLine?.authorKey, moussa.hex, 'and the phone\'s identity')

  const members = await phone.next((m) => m.t === 'members' && (m.members as any[]).some((p) => p.identity === moussa.hex))
  t.ok((members.members as any[]).some((p) => p.name === 'Moussa' && typeof p.fingerprint === 'string'), 'the phone is told the members, itself included')

  const history = await phone.ask({ t: 'history', limit: 20 }, 'items')
  t.equal(history.last, true, 'one frame of history')
  t.ok((history.items as any[]).some((i) => i.text === 'Je suis là' && i.name === 'Moussa'), 'history holds the phone\'s message')

  phone.inbox.length = 0
  await s.fatou.send(s.fatou.rooms.resolve('atelier'), 'Bienvenue Moussa')
  t.ok(await phone.next((m) => m.t === 'update', 15_000), 'an update nudge arrives when Fatou writes')
  const after = await phone.ask({ t: 'history', limit: 20 }, 'items')
  t.ok((after.items as any[]).some((i) => i.text === 'Bienvenue Moussa' && i.name === 'Fatou'), 'and history then has Fatou\'s message')

  const unknown = await phone.ask({ t: 'dance' }, 'error')
  t.equal(unknown.code, 'USAGE', 'an unknown frame type is a USAGE error')
  t.same(await says(phone, moussa, s, welcome.core, 2, 'toujours là'), { t: 'appended', seq: 2 }, 'and the session goes on')
})

t.test('the same phone reconnecting gets the same hosted log', async (t) => {
  const s = await setup(t)
  const moussa = phoneIdentity('Moussa')
  const first = await joined(t, s, moussa)
  await says(first.phone, moussa, s, first.welcome.core, 1, 'premier')
  first.phone.close()
  await first.phone.closed
  const second = await joined(t, s, moussa)
  t.equal(second.welcome.core, first.welcome.core, 'same core key')
  t.equal(second.welcome.bound, true, 'already bound')
  t.equal(second.welcome.length, 2, 'the length continues')
  t.same(await says(second.phone, moussa, s, second.welcome.core, 2, 'second'), { t: 'appended', seq: 2 }, 'and appending continues at 2')
  t.ok(await eventually(async () => { const x = await texts(s.fatou); return x.includes('premier') && x.includes('second') }, 15_000), 'Fatou sees both')
})

t.test('an outsider with a wrong invite is refused, and phones still work', async (t) => {
  const s = await setup(t)
  const wrongKey = derivePhoneRoomKeys(new Uint8Array(32).fill(9)).memberKey
  const outsider = new TestPhone(s.url, wrongKey)
  t.equal(await outsider.handshake, 'PHONE_REFUSED', 'the outsider finds the host\'s proof wrong (a decoy)')
  t.ok((await outsider.closed).code >= 1000, 'and the connection closes')
  t.equal(outsider.inbox.length, 0, 'with no frame received')

  // One that ignores the decoy and sends a made-up proof: the host must refuse it itself.
  const raw = new WebSocket(s.url)
  raw.on('error', () => {})
  const got: Buffer[] = []
  raw.on('message', (data: Buffer) => got.push(data))
  const rawClosed = new Promise<number>((resolve) => raw.on('close', (code) => resolve(code)))
  await new Promise((resolve) => raw.on('open', resolve))
  raw.send(new PhoneClientHandshake(wrongKey).hello)
  t.ok(await eventually(() => got.length === 1, 5_000), 'the host answers the hello (positive marker)')
  t.equal(got[0].length, 99, 'with a reply that looks like any other')
  raw.send(Buffer.concat([Buffer.from([0x74, 0x01, 0x03]), Buffer.alloc(32, 1)]))
  t.equal(await rawClosed, 1008, 'then closes on the made-up proof')
  t.equal(got.length, 2, 'having sent one more message')
  t.same([...got[1]], [0x74, 0x01, 0x04], 'the refusal, and no frame')

  const moussa = phoneIdentity('Moussa')
  const { phone, welcome } = await joined(t, s, moussa)
  t.same(await says(phone, moussa, s, welcome.core, 1, 'après l\'intrus'), { t: 'appended', seq: 1 }, 'a real phone still joins and writes')
})

t.test('a forged append is refused and nothing is stored', async (t) => {
  const s = await setup(t)
  const moussa = phoneIdentity('Moussa')
  const mallory = phoneIdentity('Mallory')
  const { phone, welcome } = await joined(t, s, moussa)
  const forged = await phone.ask({ t: 'append', seq: 1, block: signedMessage(moussa, s.room.id, welcome.core, 1, 'forged text', mallory.secretKey) }, 'appended')
  t.match(forged, { t: 'error', code: 'HOSTED_INVALID', re: 'append', length: 1 }, 'HOSTED_INVALID, and where the next block goes')
  const moved = await phone.ask({ t: 'append', seq: 3, block: signedMessage(moussa, s.room.id, welcome.core, 3, 'moved') }, 'appended')
  t.match(moved, { t: 'error', code: 'HOSTED_INVALID' }, 'a block signed for another position too')
  t.same(await says(phone, moussa, s, welcome.core, 1, 'marker'), { t: 'appended', seq: 1 }, 'the genuine block after them lands at 1')
  t.ok(await eventually(async () => (await texts(s.fatou)).includes('marker'), 15_000), 'Fatou sees the marker')
  t.notOk((await texts(s.fatou)).includes('forged text'), 'and not the forged text')
  t.notOk((await texts(s.awa)).includes('forged text'), 'nor does the host')
})
