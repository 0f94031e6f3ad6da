/**
 * Phones on a real (namespace) LAN (issue 20). Three hosts on one bridge, the "Wi-Fi":
 * `host` runs `tamtam up --web` (member A), `laptop` runs `tamtam up` (member B), and
 * `phone` runs Chromium, so every byte between the page and its host crosses the bridge.
 * The phone opens the link `tamtam web ROOM --json` prints, chats with B through A, and a
 * capture of the bridge (capture.py) shows that the Wi-Fi carries none of what was said,
 * nor the names, nor the invite — while the same search finds what is sent in clear.
 * Then a fourth host, `spy`, sends the phone's recorded WebSocket to the host again: it
 * gets fresh keys and a refusal, and the room gets nothing.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { browserMissing } from '../helpers/browser.js'
import { skipUnlessLan } from '../helpers/lan.js'
import { startNode, tamtam } from '../helpers/lan-nodes.js'
import { requirePrerequisite } from '../helpers/prereq.js'
import { defaultDistDir } from '../../src/web/page.js'
import { decodeInvite } from '../../src/room/invite.js'
import { phoneHandshakeKey } from '../../src/phone/index.js'
import { replay } from './phone-replay.js'
import { captureMissing, explainOnFailure, fingerprintOf, foundIn, itemWithText, logItems, openPhone, phoneBrowser, phoneLink, scene, showsText, startCapture, startWebNode, stopAll, VIEWPORT, WEB_PORT, write } from './phone-lan.js'

t.test('laptop, host, phone: the phone chats through the host, and the Wi-Fi carries none of it in clear', async (t) => {
  if (!skipUnlessLan(t)) return
  if (!requirePrerequisite(t, 'Chromium and the built page', browserMissing())) return
  if (!requirePrerequisite(t, 'python3 (the bridge capture)', captureMissing())) return
  // Random parts make every searched string unique to this run: nothing else on the wire can hold them by chance.
  const tag = randomBytes(3).toString('hex')
  const room = `atelier-${tag}`
  const phoneName = `Moussa Diarra ${tag}`
  const fromPhone = 'Je suis là'
  const fromLaptop = `Bien reçu, on t'attend ${tag}`
  const { lan, dir, homes, invite } = await scene(t, ['host', 'laptop', 'phone', 'spy'], ['host', 'laptop'], room)
  const capture = await startCapture(t, lan, dir)

  const a = await startWebNode(lan, 'host', homes.host!)
  const b = await startNode(lan, 'laptop', homes.laptop!)
  explainOnFailure(t, [a, b])
  const link = await phoneLink(a, room)
  t.ok(link.startsWith(`http://${lan.host('host').ip}:${WEB_PORT}/#tamtam1`), `the link is the host's bridge address with the invite after # (${link.slice(0, 40)}…)`)

  const browser = await phoneBrowser(t, lan, 'phone', dir)
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'fr-FR' })
  const page = await context.newPage()
  await openPhone(page, link, phoneName)
  t.pass('the phone, on its own namespace host, loads the page and joins')
  const me = await page.textContent('#me') ?? ''
  t.match(me, new RegExp(`${phoneName} · [0-9a-f]{4}(-[0-9a-f]{4}){3}`), 'the page shows the name and the fingerprint')

  await write(page, fromPhone)
  const item = await itemWithText(b, room, fromPhone)
  t.ok(item !== undefined, 'B\'s `tamtam log --json` shows the phone\'s message')
  t.equal(item?.name, phoneName, 'under the phone\'s name')
  t.ok(me.endsWith(` · ${String(item?.author)}`), `under the fingerprint the page shows (${String(item?.author)})`)
  t.equal(fingerprintOf(String(item?.authorKey)), item?.author, 'which is the phone\'s own identity\'s')
  await tamtam(b.home, 'send', room, fromLaptop)
  t.ok(await showsText(page, fromLaptop), 'B\'s answer shows on the page')

  // Control, by the same path: a request the page makes in clear, with a marker in it.
  const marker = `controle-en-clair-${randomBytes(8).toString('hex')}`
  await page.evaluate(async (m) => { await fetch(`/${m}`).catch(() => {}) }, marker)
  const captured = await capture.stop()
  t.comment(`capture: ${captured.summary.frames} frames, ${captured.summary.bytes} bytes, TCP payload ${captured.summary.tcpPayload} bytes`)
  t.notOk(captured.summary.full, 'the capture held everything (below its byte bound)')
  const hostIp = lan.host('host').ip
  const flows = captured.summary.flows as string[]
  t.ok(flows.some((f) => f.startsWith(`${lan.host('phone').ip}:`) && f.endsWith(`>${hostIp}:${WEB_PORT}`)), 'it saw the phone talk to the host\'s web port')
  t.ok(flows.some((f) => f.startsWith(`${lan.host('laptop').ip}:`) && f.includes(`>${hostIp}:`)), 'and the laptop talk to the host')

  // The search works: what crossed in clear is found.
  const html = readFileSync(path.join(defaultDistDir()!, 'index.html'), 'utf8')
  const title = /<title>([^<]+)<\/title>/.exec(html)?.[1] ?? ''
  t.ok(title.length > 3 && foundIn(captured, `<title>${title}</title>`) !== null, `control: the page's HTML, served in clear, is found (<title>${title}</title>)`)
  t.ok(foundIn(captured, `GET /${marker} HTTP/1.1`) !== null, 'control: the marker request the page sent in clear is found')
  t.ok(foundIn(captured, 'GET / HTTP/1.1') !== null, 'control: the page\'s own request is found')

  // What the Wi-Fi must not learn.
  const { secret } = decodeInvite(invite)
  const memberKey = Buffer.from(phoneHandshakeKey(secret))
  const secrets: Array<[string, string | Buffer]> = [
    ['the phone\'s message', fromPhone],
    ['the laptop\'s answer', fromLaptop],
    ['the phone\'s name', phoneName],
    ['the room name', room],
    ['the invite', invite],
    ['the invite\'s data part', invite.slice('tamtam1'.length, -6)],
    ['the invite fragment', `#${invite}`],
    ['the start of the invite\'s data', invite.slice(0, 'tamtam1'.length + 12)],
    ['the room secret', secret],
    ['the room secret in hex', secret.toString('hex')],
    ['the member key', memberKey],
    ['the member key in hex', memberKey.toString('hex')]
  ]
  for (const [what, value] of secrets) t.equal(foundIn(captured, value), null, `${what} never crosses the bridge`)
  // "#tamtam1" alone does cross: the page's help text says a link ends with it.

  // An active eavesdropper sends the phone's recorded WebSocket again, from its own host.
  const phoneIp = lan.host('phone').ip
  const ws = captured.flows.find((f) => f.flow.startsWith(`${phoneIp}:`) && f.flow.endsWith(`>${hostIp}:${WEB_PORT}`) && f.bytes.subarray(0, 8).toString() === 'GET /ws ')
  t.ok(ws !== undefined, 'the capture holds the phone\'s whole WebSocket, from its upgrade')
  const answer = await replay(lan, 'spy', hostIp, Number(WEB_PORT), ws?.bytes ?? Buffer.alloc(0))
  t.match(answer.status, /^HTTP\/1\.1 101/, 'the host takes the replayed upgrade (it reads the replay)')
  t.same(answer.messages.filter((m) => m.op === 2).map((m) => [m.length, m.head]), [[99, '740102'], [3, '740104']], 'it replies with fresh keys, then refuses the recorded proof, and reads no frame', { answer })
  t.ok(answer.closed, 'then ends the connection')
  const before = await logItems(b, room)
  const marker2 = `après le rejeu ${tag}`
  await write(page, marker2)
  t.ok(await itemWithText(b, room, marker2) !== undefined, 'the phone still writes (a marker after the replay reaches B)')
  const after = await logItems(b, room)
  t.equal(after.length, before.length + 1, 'and the replay added nothing else to the room')
  t.equal(after.filter((i) => i.text === fromPhone).length, 1, 'the recorded message is there once')

  // A reload is the same member: no name asked, the same fingerprint, the same identity at B.
  await page.reload({ waitUntil: 'load' })
  await page.locator('#chat').waitFor({ state: 'visible', timeout: 30_000 })
  t.ok(await page.locator('#name-form').isHidden(), 'after a reload the page asks no name')
  t.equal(await page.textContent('#me'), me, 'and shows the same name and fingerprint')
  const reloaded = `après rechargement ${tag}`
  await write(page, reloaded)
  t.equal((await itemWithText(b, room, reloaded))?.authorKey, item?.authorKey, 'B has its next message from the same identity')

  await context.close()
  await stopAll(t, [a, b])
})
