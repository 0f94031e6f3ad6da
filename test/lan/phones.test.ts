/**
 * Phones on a real (namespace) LAN (issue 20). Three hosts on one bridge, the "Wi-Fi":
 * `host` runs `tamtam up --web` (member A), `laptop` runs `tamtam up` (member B), and
 * `phone` runs Chromium, so every byte between the page and its host crosses the bridge.
 * The phone opens the link `tamtam web ROOM --json` prints, chats with B through A, and a
 * capture of the bridge (capture.py) shows that the Wi-Fi carries none of what was said,
 * nor the names, nor the invite — while the same search finds what is sent in clear.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { browserMissing } from '../helpers/browser.js'
import { createLan, skipUnlessLan, type Lan } from '../helpers/lan.js'
import { FAST, makeHome, startNode, tamtam, type LanNode } from '../helpers/lan-nodes.js'
import { tempDir } from '../helpers/peers.js'
import { requirePrerequisite } from '../helpers/prereq.js'
import { defaultDistDir } from '../../src/web/page.js'
import { decodeInvite } from '../../src/room/invite.js'
import { phoneHandshakeKey } from '../../src/phone/index.js'
import { fingerprintOf, foundIn, itemWithText, openPhone, phoneBrowser, phoneLink, showsText, startCapture, VIEWPORT, write } from './phone-lan.js'

const WEB_PORT = '8080'

/** Print what the nodes said when a test fails, to see why. */
function explainOnFailure (t: any, nodes: LanNode[]): void {
  t.teardown(() => {
    if (t.passing()) return
    for (const n of nodes) t.comment(`--- ${n.host} ---\n${n.events.map((e) => JSON.stringify(e)).join('\n').slice(-4000)}`)
  })
}

/** A LAN of `hosts` on one bridge, a home for each of `members`, the first creating `room`, the others joining. */
async function scene (t: any, hosts: string[], members: string[], room: string): Promise<{ lan: Lan, dir: string, homes: Record<string, string>, invite: string }> {
  const lan = await createLan({ segments: { wifi: hosts } })
  t.teardown(() => lan.destroy())
  const dir = tempDir(t)
  const homes: Record<string, string> = {}
  for (const m of members) homes[m] = await makeHome(dir, m)
  const { invite } = JSON.parse(await tamtam(homes[members[0]!]!, 'room', 'create', room, '--json'))
  for (const m of members.slice(1)) await tamtam(homes[m]!, 'room', 'join', invite)
  return { lan, dir, homes, invite }
}

const stop = async (t: any, nodes: LanNode[]): Promise<void> => {
  for (const n of nodes) t.equal(await n.stop(), 0, `${n.host} stops cleanly`)
}

t.test('laptop, host, phone: the phone chats through the host, and the Wi-Fi carries none of it in clear', async (t) => {
  if (!skipUnlessLan(t)) return
  if (!requirePrerequisite(t, 'Chromium and the built page', browserMissing())) return
  // Random parts make every searched string unique to this run: nothing else on the wire can hold them by chance.
  const tag = randomBytes(3).toString('hex')
  const room = `atelier-${tag}`
  const phoneName = `Moussa Diarra ${tag}`
  const fromPhone = 'Je suis là'
  const fromLaptop = `Bien reçu, on t'attend ${tag}`
  const { lan, dir, homes, invite } = await scene(t, ['host', 'laptop', 'phone'], ['host', 'laptop'], room)
  const capture = await startCapture(t, lan, dir)

  const a = await startNode(lan, 'host', homes.host!, ['--lan-only', ...FAST, '--web', '--web-port', WEB_PORT])
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
  t.ok(me.endsWith(fingerprintOf(String(item?.authorKey))), `and the phone's fingerprint (${fingerprintOf(String(item?.authorKey))})`)
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

  await context.close()
  await stop(t, [a, b])
})
