/**
 * The room on the phone page beyond chatting (issue 20, requirement 4), in Debian's
 * Chromium against real nodes: scroll-back through a long history, the members with who
 * is online, "seen by k of n" for the phone's own message, mentions of the phone marked,
 * and a message a moderator hides disappearing from the page as from every peer.
 */
import t from 'tap'
import type { Page } from 'playwright-core'
import { COMMANDS, SILENT } from '../../src/commands/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import { browserMissing, joinAsPhone, launchBrowser } from '../helpers/browser.js'
import { contextOf, eventually, lines, link, nodeOf, peer } from '../helpers/peers.js'
import { requirePrerequisite } from '../helpers/prereq.js'

const run = async (tt: Tamtam, name: string, args: Record<string, unknown>): Promise<any> => await COMMANDS.get(name)!.run(contextOf(tt), args, SILENT)
const shown = async (page: Page): Promise<string[]> => await page.locator('#items li .text').allTextContents()
const waitFor = async (what: () => Promise<boolean>, ms = 15_000): Promise<boolean> => await eventually(what, ms, 100)

t.test('scroll-back, members online, seen by, mentions and moderation on the page', async (t) => {
  if (!requirePrerequisite(t, 'Chromium and the built page', browserMissing())) return
  const awa = await peer(t, 'Awa', { web: { port: 0, host: '127.0.0.1' } })
  const fatou = await peer(t, 'Fatou')
  const { invite } = await awa.createRoom('atelier')
  await fatou.joinRoom(invite)
  // 250 messages: the page shows the latest 100 and brings the rest 100 at a time. Written
  // 50 per 15 s of past time, so the flood limit (100 per 10 s window) shows them all.
  const own = (await fatou.logs(fatou.rooms.resolve('atelier'))).own
  for (let b = 0; b < 5; b++) {
    await own.append(Array.from({ length: 50 }, (_, i) => ({ type: 'msg', text: `ancien ${b * 50 + i}` })), Date.now() - (5 - b) * 15_000)
  }
  const linked = await link(t, awa, fatou)
  t.ok(await waitFor(async () => (await lines(awa, 'atelier')).some((l) => l.includes('ancien 249'))), 'the host has the history')
  const port = (nodeOf(awa).web as { port: number }).port

  const { context, page } = await joinAsPhone(await launchBrowser(t), `http://127.0.0.1:${port}/#${invite}`, 'Moussa')

  t.ok(await waitFor(async () => (await shown(page)).includes('ancien 249')), 'the latest message shows')
  // A page is 100 timeline items; the members' joins are items too.
  const first = await shown(page)
  t.ok(first.length > 90 && first.length <= 100 && !first.includes('ancien 149'), `one page at first (${first.length} messages), older ones not loaded`)
  await page.click('#older')
  t.ok(await waitFor(async () => (await shown(page)).includes('ancien 100')), 'the older button brings the page before')
  const two = await shown(page)
  t.ok(two.length > 190 && two.length <= 200 && !two.includes('ancien 0'), `two pages now (${two.length} messages)`)
  t.same(two.slice(-150), Array.from({ length: 150 }, (_, i) => `ancien ${100 + i}`), 'in order, oldest first, each once')
  await page.click('#older')
  t.ok(await waitFor(async () => (await shown(page))[0] === 'ancien 0'), 'down to the first message')
  t.equal((await shown(page)).length, 250, 'each message once')
  t.ok(await waitFor(async () => await page.locator('#older').isHidden()), 'then the button goes: the start of the room is shown')

  t.ok(await waitFor(async () => /3 en ligne sur 3/.test(await page.textContent('#people-count') ?? '')), 'members: 3 online of 3 (the host, Fatou and the phone itself)')
  t.match(await page.textContent('#people-count'), /3 en ligne sur 3/)
  const people = await page.locator('#people li').allTextContents()
  t.ok(people.some((p) => p.startsWith('● Fatou')), 'Fatou is online')
  t.ok(people.some((p) => p.startsWith('● Moussa')), 'the phone itself is online')

  await page.fill('#message', 'Je suis là')
  await page.click('#send')
  t.ok(await waitFor(async () => (await lines(fatou, 'atelier')).some((l) => l.includes(' Moussa msg Je suis là'))), 'Fatou has the phone\'s message')
  t.ok(await waitFor(async () => /vu par 2 sur 2/.test(await page.textContent('#seen') ?? '')), 'seen by 2 of 2: the host and Fatou hold it')

  linked.destroy()
  t.ok(await waitFor(async () => (await page.locator('#people li').allTextContents()).some((p) => p.startsWith('○ Fatou')), 20_000), 'Fatou shows offline once her link is gone')
  await page.fill('#message', 'encore là ?')
  await page.click('#send')
  t.ok(await waitFor(async () => /vu par 1 sur 2/.test(await page.textContent('#seen') ?? '')), 'a message Fatou has not got: seen by 1 of 2 (the host)')

  await link(t, awa, fatou)
  const room = fatou.rooms.resolve('atelier')
  await fatou.send(room, '@Moussa regarde le document')
  await fatou.send(room, 'un message pour tout le monde')
  t.ok(await waitFor(async () => (await shown(page)).includes('un message pour tout le monde')), 'the later message shows (marker)')
  const marked = await page.locator('#items li.mention .text').allTextContents()
  t.same(marked, ['@Moussa regarde le document'], 'only the message that mentions the phone is marked')

  await fatou.send(room, 'un message à cacher')
  t.ok(await waitFor(async () => (await shown(page)).includes('un message à cacher')), 'the message shows first')
  const id = (await (await awa.timeline(awa.rooms.resolve('atelier'))).page({ limit: 20 })).find((i) => i.text === 'un message à cacher')?.id
  await run(awa, 'mod', { room: 'atelier', action: 'hide', target: id })
  await fatou.send(room, 'après la modération')
  t.ok(await waitFor(async () => (await shown(page)).includes('après la modération')), 'the message after the hide shows (marker)')
  t.notOk((await shown(page)).includes('un message à cacher'), 'the hidden message is gone from the page, as from every peer')

  await page.click('#lang')
  t.match(await page.textContent('#people-count'), /online of 3/, 'the members line follows the language switch')
  await context.close()
})

t.test('a busy room does not get a phone cut for asking too often', async (t) => {
  if (!requirePrerequisite(t, 'Chromium and the built page', browserMissing())) return
  const awa = await peer(t, 'Awa', { web: { port: 0, host: '127.0.0.1' } })
  const fatou = await peer(t, 'Fatou')
  const { invite } = await awa.createRoom('atelier')
  await fatou.joinRoom(invite)
  await link(t, awa, fatou)
  const port = (nodeOf(awa).web as { port: number }).port
  const browser = await launchBrowser(t)
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'fr-FR' })
  const page = await context.newPage()
  // Count the frames the page sends (WebSocket.send), to say how close it came to the limit.
  await page.addInitScript(() => {
    const send = WebSocket.prototype.send
    const w = window as any
    w.__sent = []
    WebSocket.prototype.send = function (data: any) { w.__sent.push(Date.now()); return send.call(this, data) }
  })
  await page.goto(`http://127.0.0.1:${port}/#${invite}`, { waitUntil: 'load' })
  await page.fill('#name-input', 'Moussa')
  await page.click('#name-form button[type=submit]')
  await page.locator('#chat').waitFor({ state: 'visible' })

  // 12 s of a room changing 10 times a second (the host nudges 4 times a second), while
  // the phone writes 12 messages: 50 frames in 10 s would get it cut (§17 limits).
  const room = fatou.rooms.resolve('atelier')
  const end = Date.now() + 12_000
  let n = 0
  let written = 0
  while (Date.now() < end) {
    await fatou.send(room, `rafale ${n++}`)
    if (n % 10 === 0 && written < 12) {
      await page.fill('#message', `du téléphone ${written++}`)
      await page.click('#send')
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await fatou.send(room, 'fin de la rafale')
  t.ok(await waitFor(async () => (await shown(page)).includes('fin de la rafale')), 'the page shows the last message of the burst')
  t.ok(await page.locator('#status').isHidden(), 'and says nothing of a lost connection')
  const sent: number[] = await page.evaluate(() => (window as any).__sent)
  const busiest = Math.max(...sent.map((at) => sent.filter((x) => x >= at && x < at + 10_000).length))
  t.comment(`frames the page sent: ${sent.length}; most in any 10 s: ${busiest}`)
  t.ok(busiest <= 42, `at most 42 frames in any 10 s, under the host's 50 (${busiest})`)
  const fromPhone = (await lines(fatou, 'atelier')).filter((l) => l.includes(' Moussa msg du téléphone'))
  t.equal(fromPhone.length, written, `every message the phone wrote reached the laptop (${written})`)
  await context.close()
})
