/**
 * Sockets that open /ws and never finish the §16 handshake cannot fill the host: at most a
 * quarter of the session slots are handshaking at once, a newcomer takes the place of one
 * of them, and a phone still gets in (src/web/handshaking.ts). Loopback, a real node, raw
 * WebSockets and a phone in Node; test/lan/web-hostile-handshake.test.ts is the same on a
 * namespace Wi-Fi with an attacker on several addresses. Also: the `--web-max-sessions` flag.
 */
import path from 'node:path'
import t from 'tap'
import WebSocket from 'ws'
import { cli } from '../helpers/cli.js'
import { eventually, networkOf, nodeOf, peer, tempDir } from '../helpers/peers.js'
import { connectPhone, phoneIdentity } from './phone-client.js'

t.test('silent sockets hold at most a quarter of the slots; a phone still gets in', async (t) => {
  const awa = await peer(t, 'Awa', { web: { port: 0, host: '127.0.0.1', maxSessions: 8, maxPerAddress: 100 } })
  await awa.createRoom('atelier')
  await networkOf(awa)
  const web = nodeOf(awa).web as { port: number, sessionCount: number }
  const url = `ws://127.0.0.1:${web.port}/ws`
  const memberKey = awa.rooms.resolve('atelier').keys.memberKey

  const silent = Array.from({ length: 10 }, () => new WebSocket(url))
  const ended: string[] = []
  silent.forEach((ws) => {
    ws.on('error', () => {})
    ws.on('close', (code, reason) => ended.push(`${code} ${reason.toString()}`))
  })
  t.teardown(() => silent.forEach((ws) => ws.terminate()))
  await Promise.all(silent.map(async (ws) => await new Promise((resolve) => { ws.once('open', resolve); ws.once('close', resolve) })))
  t.ok(await eventually(() => ended.length >= 8, 5_000, 20), 'eight of the ten silent sockets were closed')
  t.same(ended, Array(8).fill('1013 host busy'), 'each to make way for a newer one (1013 host busy)')
  t.equal(web.sessionCount, 2, 'the two left hold the only handshaking slots')

  const phone = await connectPhone(url, memberKey)
  t.teardown(() => phone.close())
  const me = phoneIdentity('Binta')
  const welcome = await phone.ask({ t: 'hello', v: 1, identity: me.hex, name: 'Binta' }, 'welcome')
  t.equal(welcome.t, 'welcome', 'a phone arriving now finishes its handshake and is welcomed')
  await eventually(() => ended.length >= 9, 5_000, 20)
  t.same(ended.slice(8), ['1013 host busy'], 'one of the two silent ones made way for it')
})

t.test('up --web-max-sessions takes a whole number from 1 to 4096', async (t) => {
  const home = path.join(tempDir(t), 'h')
  t.equal((await cli(['--home', home, 'init', '--name', 'Awa'])).code, 0, 'an identity')
  for (const bad of ['0', '-3', '2.5', 'many', '4097']) {
    const r = await cli(['--home', home, 'up', '--lan-only', '--web', '--web-port', '0', '--web-max-sessions', bad])
    t.match([r.code, r.stderr], [2, /USAGE: --web-max-sessions must be a whole number from 1 to 4096/], `${bad} is refused before anything starts`)
  }
})
