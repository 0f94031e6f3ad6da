/**
 * The limits of the web server for phones: sessions per host, frames per window, frame
 * size, time to say hello, sockets per address, and the fixed table of paths. Each one
 * fails only the session that crossed it: the others keep working. A real node on
 * 127.0.0.1, real sockets, a phone in Node (phone-client.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'
import t from 'tap'
import WebSocket from 'ws'
import { MAX_FRAME_BYTES } from '../../src/phone/index.js'
import type { Room } from '../../src/room/index.js'
import type { WebOptions } from '../../src/web/index.js'
import { networkOf, nodeOf, peer, tempDir } from '../helpers/peers.js'
import { connectPhone, phoneIdentity, type TestPhone } from './phone-client.js'

interface Host { room: Room, port: number, url: string }

async function host (t: any, web: WebOptions = {}): Promise<Host> {
  const awa = await peer(t, 'Awa', { web: { port: 0, host: '127.0.0.1', ...web } })
  await awa.createRoom('atelier')
  await networkOf(awa)
  const port = nodeOf(awa).web?.port ?? 0
  return { room: awa.rooms.resolve('atelier'), port, url: `ws://127.0.0.1:${port}/ws` }
}

/** A phone that said hello and was welcomed. */
async function welcomed (t: any, h: Host, name: string): Promise<TestPhone> {
  const phone = await connectPhone(h.url, h.room.keys.memberKey)
  t.teardown(() => phone.close())
  const me = phoneIdentity(name)
  const welcome = await phone.ask({ t: 'hello', v: 1, identity: me.hex, name }, 'welcome')
  if (welcome.t !== 'welcome') throw new Error(JSON.stringify(welcome))
  return phone
}

/** The phone still gets answers. */
async function alive (phone: TestPhone): Promise<boolean> {
  const answer = await phone.ask({ t: 'members' }, 'members').catch(() => null)
  return answer?.t === 'members'
}

t.test('session cap: the fourth phone gets "host full", the three others keep working', async (t) => {
  const h = await host(t, { maxSessions: 3 })
  const phones = [await welcomed(t, h, 'Un'), await welcomed(t, h, 'Deux'), await welcomed(t, h, 'Trois')]
  const fourth = new WebSocket(h.url)
  fourth.on('error', () => {})
  const got: Buffer[] = []
  fourth.on('message', (d: Buffer) => got.push(d))
  fourth.on('open', () => fourth.send(Buffer.alloc(99)))
  const closed = await new Promise<{ code: number, reason: string }>((resolve) => fourth.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  t.same(closed, { code: 1013, reason: 'host full' }, 'close 1013, "host full"')
  t.equal(got.length, 0, 'and no handshake reply')
  for (const [i, p] of phones.entries()) t.ok(await alive(p), `phone ${i + 1} still works`)
  phones[0].close()
  await phones[0].closed
  const again = await welcomed(t, h, 'Quatre')
  t.ok(await alive(again), 'once one leaves, a new phone gets in')
})

t.test('a flood of frames closes that session only', async (t) => {
  const h = await host(t)
  const calm = await welcomed(t, h, 'Calme')
  const noisy = await welcomed(t, h, 'Bruyant')
  for (let i = 0; i < 80; i++) noisy.send({ t: 'members' })
  t.same(await noisy.closed, { code: 1008, reason: 'too many frames' }, 'the flooding phone is closed with a reason')
  t.ok(await alive(calm), 'the other phone still works')
})

t.test('an oversized frame closes that session', async (t) => {
  const h = await host(t)
  const calm = await welcomed(t, h, 'Calme')
  const big = await welcomed(t, h, 'Gros')
  big.ws.send(Buffer.alloc(MAX_FRAME_BYTES + 1))
  t.equal((await big.closed).code, 1009, 'close 1009 (message too big)')
  t.ok(await alive(calm), 'the other phone still works')
})

t.test('a socket that never says hello is closed after the timeout', async (t) => {
  const h = await host(t, { limits: { helloTimeoutMs: 300 } })
  const started = Date.now()
  const silent = new WebSocket(h.url)
  silent.on('error', () => {})
  const opened = new Promise((resolve) => silent.on('open', resolve))
  const closed = new Promise<{ code: number, reason: string }>((resolve) => silent.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  await opened
  t.pass('the socket opened (positive marker)')
  t.same(await closed, { code: 1008, reason: 'too slow to say hello' }, 'closed with a reason')
  t.ok(Date.now() - started >= 250, 'after the timeout, not before')
  // A phone that finished the handshake but never says hello is closed too.
  const mute = await connectPhone(h.url, h.room.keys.memberKey)
  t.equal((await mute.closed).reason, 'too slow to say hello', 'so is one that shook hands but never said hello')
  const phone = await welcomed(t, h, 'Moussa')
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.ok(await alive(phone), 'a welcomed phone stays past the timeout')
})

/** One raw HTTP request; the path is sent as written. */
async function request (port: number, method: string, where: string): Promise<{ status: number, headers: http.IncomingHttpHeaders, body: string }> {
  return await new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: where }, (res) => {
      let body = ''
      res.on('data', (c) => { body += String(c) })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

t.test('paths: a fixed table, security headers, nothing else', async (t) => {
  const dist = tempDir(t)
  mkdirSync(path.join(dist, 'sub'))
  writeFileSync(path.join(dist, 'app.js'), 'console.log("tamtam")\n')
  writeFileSync(path.join(dist, 'secret.txt'), 'not served\n')
  const h = await host(t, { distDir: dist })
  const page = await request(h.port, 'GET', '/')
  t.equal(page.status, 200, '/ is served')
  t.match(page.headers['content-security-policy'], /default-src 'self'/, 'with the CSP')
  t.equal(page.headers['referrer-policy'], 'no-referrer', 'no referrer')
  t.equal(page.headers['x-content-type-options'], 'nosniff', 'nosniff')
  t.match(page.body, /La page pour téléphone arrive/, 'the placeholder, in French')
  t.match(page.body, /The phone page is coming/, 'and in English')
  t.notMatch(page.body, /https?:\/\//, 'with no external resource')
  const js = await request(h.port, 'GET', '/app.js')
  t.equal(js.status, 200, '/app.js from the dist folder')
  t.match(js.headers['content-type'], /javascript/)
  t.equal((await request(h.port, 'GET', '/app.css')).status, 404, '/app.css is 404 when not built')
  for (const where of ['/etc/passwd', '/../../../../etc/passwd', '/..%2f..%2fetc%2fpasswd', '/secret.txt', '/sub/../app.js', '/app.js/..', '//app.js', '/index.html']) {
    const r = await request(h.port, 'GET', where)
    t.equal(r.status, 404, `${where} is 404`)
    t.equal(r.headers['x-content-type-options'], 'nosniff', `${where} refusal has the headers`)
  }
  t.equal((await request(h.port, 'POST', '/')).status, 405, 'POST is 405')
  t.equal((await request(h.port, 'DELETE', '/app.js')).status, 405, 'DELETE is 405')
  const notWs = new WebSocket(`ws://127.0.0.1:${h.port}/other`)
  const failed = await new Promise<string>((resolve) => { notWs.on('error', (err) => resolve(err.message)); notWs.on('open', () => resolve('open')) })
  t.match(failed, /404/, 'a WebSocket anywhere but /ws is refused with 404')
})

t.test('sockets per address are capped', async (t) => {
  const h = await host(t, { maxPerAddress: 2 })
  const held = await Promise.all([0, 1].map(async () => await new Promise<net.Socket>((resolve) => { const s = net.connect(h.port, '127.0.0.1', () => resolve(s)) })))
  t.teardown(() => held.forEach((s) => s.destroy()))
  await new Promise((resolve) => setTimeout(resolve, 100))
  const third = await request(h.port, 'GET', '/')
  t.equal(third.status, 503, 'a third socket from one address gets 503')
  held.forEach((s) => s.destroy())
  t.ok(await (async () => { for (let i = 0; i < 50; i++) { if ((await request(h.port, 'GET', '/')).status === 200) return true; await new Promise((resolve) => setTimeout(resolve, 50)) } return false })(), 'and gets in once the others close')
})

t.test('a node closing with phones connected tells them and closes cleanly', async (t) => {
  const awa = await peer(t, 'Awa', { web: { port: 0, host: '127.0.0.1' } })
  await awa.createRoom('atelier')
  await networkOf(awa)
  const port = nodeOf(awa).web?.port ?? 0
  const phone = await welcomed(t, { room: awa.rooms.resolve('atelier'), port, url: `ws://127.0.0.1:${port}/ws` }, 'Moussa')
  t.ok(await alive(phone), 'the phone is in (positive marker)')
  await nodeOf(awa).close()
  t.same(await phone.closed, { code: 1001, reason: 'host stopping' }, 'the phone is told the host stops')
  t.equal(nodeOf(awa).web?.sessionCount, 0, 'no session is left')
})
