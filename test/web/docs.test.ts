/**
 * Documents to and from a phone (issue 20, requirement 5): a real node (Awa) serves phones
 * on 127.0.0.1; a laptop member (Fatou) is a second real node linked to it by a real Noise
 * stream. The phone in Node (phone-client.ts, phone-docs-client.ts) lists, downloads and
 * uploads over the encrypted channel with the page's own checking code (web/src/docs.ts).
 * Hostile cases: wrong bytes, limits, an abandoned upload, an unknown id, a frame flood.
 */
import { createHash, randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import type { Room } from '../../src/room/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import type { WebOptions } from '../../src/web/index.js'
import { contextOf, eventually, link, nodeOf, peer, tempDir } from '../helpers/peers.js'
import { connectPhone, phoneBinding, phoneIdentity, signedMessage, type PhoneIdentity, type TestPhone } from './phone-client.js'
import { downloadDoc, listDocs, uploadDoc, type PhoneLog } from './phone-docs-client.js'

interface Setup { awa: Tamtam, fatou: Tamtam, room: Room, fatouRoom: Room, url: string }

async function setup (t: any, web: WebOptions = {}): Promise<Setup> {
  const awa = await peer(t, 'Awa', { web: { port: 0, host: '127.0.0.1', ...web } })
  const fatou = await peer(t, 'Fatou')
  const { invite } = await awa.createRoom('atelier')
  await fatou.joinRoom(invite)
  await link(t, awa, fatou)
  const server = nodeOf(awa).web
  if (server === null) throw new Error('the node did not start its web server')
  return { awa, fatou, room: awa.rooms.resolve('atelier'), fatouRoom: fatou.rooms.resolve('atelier'), url: `ws://127.0.0.1:${server.port}/ws` }
}

/** A phone that said hello and bound its log; `log.seq` is where its next record goes. */
async function joined (t: any, s: Setup, me: PhoneIdentity): Promise<{ phone: TestPhone, log: PhoneLog }> {
  const phone = await connectPhone(s.url, s.room.keys.memberKey)
  t.teardown(() => phone.close())
  const welcome = await phone.ask({ t: 'hello', v: 1, identity: me.hex, name: me.name }, 'welcome')
  if (welcome.bound !== true) await phone.ask({ t: 'bind', binding: phoneBinding(me, s.room.id, welcome.core as string, welcome.host as string) }, 'bound')
  return { phone, log: { me, room: s.room.id, core: welcome.core as string, seq: Math.max(1, welcome.length as number) } }
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')
const joinParts = (parts: Uint8Array[]): Buffer => Buffer.concat(parts.map((p) => Buffer.from(p)))

/** Fatou shares `bytes` as `name`; returns the document id. */
async function fatouShares (t: any, s: Setup, name: string, bytes: Buffer): Promise<string> {
  const file = path.join(tempDir(t), name)
  await fs.writeFile(file, bytes)
  return (await (await contextOf(s.fatou).documents()).share(s.fatouRoom, file)).id
}

/** The documents Fatou's node lists whose author is the phone. */
async function phoneDocsAtFatou (s: Setup, me: PhoneIdentity): Promise<string[]> {
  return (await (await contextOf(s.fatou).documents()).list(s.fatouRoom)).filter((d) => d.authorKey === me.hex).map((d) => d.name)
}

t.test('a phone lists and downloads a laptop\'s document, and uploads one the laptop fetches', async (t) => {
  const s = await setup(t)
  const bytes = randomBytes(1536 * 1024 + 77)
  const id = await fatouShares(t, s, 'rapport.pdf', bytes)
  const moussa = phoneIdentity('Moussa')
  const { phone, log } = await joined(t, s, moussa)

  let listed = await listDocs(phone)
  t.ok(await eventually(async () => (listed = await listDocs(phone)).some((d) => d.id === id), 15_000), 'the phone lists Fatou\'s document')
  const doc = listed.find((d) => d.id === id)
  t.match(doc, { name: 'rapport.pdf', size: bytes.length, sha256: sha(bytes), authorName: 'Fatou', mime: 'application/pdf' }, 'with its name, size, sha256, type and author')
  t.match(doc?.author, /^[0-9a-f]{4}-/, 'and the author\'s fingerprint')

  const got = await downloadDoc(phone, id)
  t.equal(got.error, null, 'no error')
  t.equal(got.result?.ok, true, 'the phone finds the bytes match the sha256')
  if (got.result?.ok === true) t.ok(joinParts(got.result.parts).equals(bytes), 'and they are Fatou\'s bytes')
  t.equal(got.chunks, Math.ceil(bytes.length / 32768), 'in 32 KiB chunks')

  const photo = { name: 'photo.jpg', mime: 'image/jpeg', bytes: new Uint8Array(randomBytes(200 * 1024 + 5)) }
  const up = await uploadDoc(phone, log, photo)
  t.equal(up.error, null, 'the upload goes through')
  t.match(up.stored, { t: 'doc-stored', size: photo.bytes.length, sha256: sha(photo.bytes) }, 'the host stored exactly those bytes')
  t.match(up.appended, { t: 'appended', seq: log.seq }, 'and the phone\'s doc record is in its hosted log')

  const docs = contextOf(s.fatou).documents()
  t.ok(await eventually(async () => (await phoneDocsAtFatou(s, moussa)).includes('photo.jpg'), 15_000), 'Fatou lists it as the phone member\'s document')
  const view = (await (await docs).list(s.fatouRoom)).find((d) => d.name === 'photo.jpg')
  t.equal(view?.authorName, 'Moussa', 'under the phone\'s name')
  const out = tempDir(t)
  const result = await (await docs).get(s.fatouRoom, view?.id ?? '', { dir: out, stallMs: 15_000 })
  const fetched = await fs.readFile(result.file)
  t.equal(sha(fetched), sha(photo.bytes), 'Fatou fetches it with get, and its sha256 matches')
  t.equal(result.sha256, sha(photo.bytes), 'the sha256 the phone signed')
})

t.test('wrong bytes are refused by the phone, and an unknown id is a coded error', async (t) => {
  const s = await setup(t)
  const bytes = randomBytes(100 * 1024)
  const id = await fatouShares(t, s, 'vrai.bin', bytes)
  // Fatou (hostile) announces the same blocks under another document's sha256.
  const logs = await s.fatou.logs(s.fatouRoom)
  const real = (await (await contextOf(s.fatou).documents()).list(s.fatouRoom)).find((d) => d.id === id)
  const entry = await logs.own.read(Number(id.split('.')[1]))
  const record = { ...(entry?.record as any), name: 'faux.bin', sha256: sha(randomBytes(16)) }
  delete record.v
  delete record.ts
  const [seq] = await logs.own.append([record])
  const lure = `${id.split('.')[0]}.${seq}`
  t.ok(real !== undefined, 'the genuine document is listed')

  const moussa = phoneIdentity('Moussa')
  const { phone } = await joined(t, s, moussa)
  t.ok(await eventually(async () => (await listDocs(phone)).some((d) => d.id === lure), 15_000), 'the phone lists the lure')
  const good = await downloadDoc(phone, id)
  t.equal(good.result?.ok, true, 'the genuine document downloads and checks (positive control)')
  const bad = await downloadDoc(phone, lure)
  t.same(bad.result, { ok: false, reason: 'hash' }, 'the lure\'s bytes do not match its sha256: refused, no file offered')

  const unknown = await downloadDoc(phone, 'abcdabcdabcdabcd.9')
  t.match(unknown.error, { t: 'error', re: 'doc-get', code: 'DOC_NOT_FOUND' }, 'an unknown id: DOC_NOT_FOUND')
  const malformed = await downloadDoc(phone, '../../etc/passwd')
  t.match(malformed.error, { code: 'USAGE' }, 'a malformed id: USAGE')
  t.equal((await downloadDoc(phone, id)).result?.ok, true, 'and the session goes on')
})

t.test('uploads over the per-file limit, over the per-phone cap or with wrong bytes store and announce nothing', async (t) => {
  const s = await setup(t, { phoneDocsBytes: 300 * 1024 })
  await (await contextOf(s.awa).documents()).setLimits(s.room, { maxFileBytes: 250 * 1024 })
  const moussa = phoneIdentity('Moussa')
  const { phone, log } = await joined(t, s, moussa)
  const file = (name: string, size: number): { name: string, mime: string, bytes: Uint8Array } => ({ name, mime: 'application/octet-stream', bytes: new Uint8Array(randomBytes(size)) })

  const tooLarge = await uploadDoc(phone, log, file('gros.bin', 260 * 1024))
  t.match(tooLarge.error, { re: 'doc-put', code: 'DOC_TOO_LARGE' }, 'over the room\'s per-file limit: DOC_TOO_LARGE')

  // The phone declares one sha256 and sends other bytes.
  const liar = file('menteur.bin', 40 * 1024)
  const put = await phone.ask({ t: 'doc-put', name: 'menteur.bin', size: liar.bytes.length, mime: 'x/y', sha256: sha(randomBytes(8)) }, 'doc-accept')
  t.equal(put.t, 'doc-accept', 'a declared upload is accepted')
  phone.send({ t: 'doc-data', data: Buffer.from(liar.bytes.subarray(0, 32768)).toString('base64') })
  phone.send({ t: 'doc-data', data: Buffer.from(liar.bytes.subarray(32768)).toString('base64') })
  t.match(await phone.next((m) => m.t === 'error' || m.t === 'doc-stored'), { re: 'doc-data', code: 'DOC_HASH_MISMATCH' }, 'bytes that do not hash to the declared sha256: DOC_HASH_MISMATCH')

  const first = await uploadDoc(phone, log, file('un.bin', 200 * 1024))
  t.equal(first.error, null, 'an upload within both limits goes through')
  t.match(first.stored?.blob, { blockOffset: 1 }, 'right after the header: nothing of the refused uploads was stored')
  log.seq++
  const overCap = await uploadDoc(phone, log, file('deux.bin', 150 * 1024))
  t.match(overCap.error, { re: 'doc-put', code: 'PHONE_QUOTA_EXCEEDED' }, 'past the per-phone cap: PHONE_QUOTA_EXCEEDED')

  const marker = await phone.ask({ t: 'append', seq: log.seq, block: signedMessage(moussa, s.room.id, log.core, log.seq, 'après les refus') }, 'appended')
  t.equal(marker.t, 'appended', 'the session goes on: a message after the refusals is stored')
  t.ok(await eventually(async () => (await (await s.fatou.timeline(s.fatouRoom)).page({ limit: 20 })).some((i) => i.text === 'après les refus'), 15_000), 'Fatou sees the marker sent after them')
  t.same(await phoneDocsAtFatou(s, moussa), ['un.bin'], 'and only the upload that fit is announced')
})

t.test('a phone that disconnects mid-upload leaves nothing stored or announced', async (t) => {
  const s = await setup(t)
  const moussa = phoneIdentity('Moussa')
  const first = await joined(t, s, moussa)
  const big = { name: 'abandon.bin', mime: 'x/y', bytes: new Uint8Array(randomBytes(600 * 1024)) }
  await uploadDoc(first.phone, first.log, big, (frames) => frames < 4)
  await first.phone.next((m) => m.t === 'doc-got')
  first.phone.close()
  await first.phone.closed
  const server = nodeOf(s.awa).web as { sessionCount: number }
  t.ok(await eventually(() => server.sessionCount === 0, 10_000, 50), 'the host ends the session')
  const uploads = path.join(s.awa.home, 'phone-uploads')
  t.ok(await eventually(async () => (await fs.readdir(uploads).catch(() => [])).length === 0, 10_000, 50), 'its partial upload is deleted')

  const second = await joined(t, s, moussa)
  const small = { name: 'après.txt', mime: 'text/plain', bytes: new Uint8Array(Buffer.from('bonjour')) }
  const up = await uploadDoc(second.phone, second.log, small)
  t.match(up.stored?.blob, { blockOffset: 1 }, 'the next upload lands right after the header: nothing of the abandoned one was stored')
  t.ok(await eventually(async () => (await phoneDocsAtFatou(s, moussa)).includes('après.txt'), 15_000), 'Fatou lists the later document (positive marker)')
  t.same(await phoneDocsAtFatou(s, moussa), ['après.txt'], 'and never the abandoned one')
})

t.test('upload frames are outside the frame quota only within an accepted upload', async (t) => {
  const s = await setup(t, { limits: { framesPerWindow: 20, windowMs: 10_000 } })
  const moussa = phoneIdentity('Moussa')
  const { phone, log } = await joined(t, s, moussa)
  const bytes = new Uint8Array(randomBytes(40 * 32768))
  const up = await uploadDoc(phone, log, { name: 'long.bin', mime: 'x/y', bytes })
  t.equal(up.error, null, 'an upload of 40 data frames passes a quota of 20 frames')
  t.match(up.stored, { sha256: sha(bytes) }, 'whole')

  const flood = await connectPhone(s.url, s.room.keys.memberKey)
  t.teardown(() => flood.close())
  await flood.ask({ t: 'hello', v: 1, identity: phoneIdentity('Flot').hex, name: 'Flot' }, 'welcome')
  for (let i = 0; i < 30; i++) flood.send({ t: 'doc-data', data: 'AAAA' })
  const closed = await Promise.race([flood.closed, new Promise((resolve) => setTimeout(() => resolve('still open after 15 s'), 15_000))])
  t.same(closed, { code: 1008, reason: 'too many frames' }, 'data frames with no upload count, and a flood is closed')
})

t.test('a phone that stops reading mid-download is paced, never dropped, and its download ends', async (t) => {
  const s = await setup(t, { docStallMs: 3_000 })
  const bytes = randomBytes(12 * 1024 * 1024)
  const id = await fatouShares(t, s, 'lourd.bin', bytes)
  const moussa = phoneIdentity('Moussa')
  const { phone } = await joined(t, s, moussa)
  t.ok(await eventually(async () => (await listDocs(phone)).some((d) => d.id === id), 15_000), 'the phone lists the 12 MiB document')
  const tcp = (phone.ws as any)._socket as { pause: () => void, resume: () => void }
  phone.send({ t: 'doc-get', id })
  await phone.next((m) => m.t === 'doc-chunk', 30_000)
  tcp.pause()
  // The host waits for the phone to read; after the stall time (3 s) it gives the download up.
  await new Promise((resolve) => setTimeout(resolve, 8_000))
  tcp.resume()
  const ended = await phone.next((m) => m.t === 'doc-end' || (m.t === 'error' && m.re === 'doc-get'), 30_000)
  t.match(ended, { t: 'error', code: 'DOC_UNAVAILABLE' }, 'the download ends with DOC_UNAVAILABLE')
  t.equal(phone.ws.readyState, phone.ws.OPEN, 'the socket was never closed as a slow reader (the host kept under 1 MiB queued)')
  phone.inbox.length = 0
  const again = await downloadDoc(phone, id)
  t.ok(again.result?.ok === true && Buffer.concat(again.result.parts.map((p) => Buffer.from(p))).equals(bytes), 'the session goes on: the whole 12 MiB download then checks')
})
