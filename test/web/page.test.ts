/**
 * The phone page in a real browser (issue 20): Debian's Chromium, driven by playwright-core,
 * headless at 360×740, opens the page a real node serves from web/dist on 127.0.0.1, with
 * the invite in the fragment. A second node, linked to the host by a real Noise stream,
 * plays the laptop. Checked: the name is asked once, history and live messages show, the
 * phone's message reaches the laptop under its name, a reload is the same member, hostile
 * peer text is shown as text and never run, a wrong invite is refused, and the page weight.
 */
import { randomBytes } from 'node:crypto'
import t from 'tap'
import { browserMissing, launchBrowser } from '../helpers/browser.js'
import type { Browser, Page } from 'playwright-core'
import { roomMembers } from '../../src/members/index.js'
import { encodeInvite } from '../../src/room/invite.js'
import { eventually, lines, link, networkOf, nodeOf, peer } from '../helpers/peers.js'
import { requirePrerequisite } from '../helpers/prereq.js'

const VIEWPORT = { width: 360, height: 740 }
const MAX_FIRST_LOAD = 200 * 1024
const HOSTILE_NAME = 'Fatou <img src=x onerror="window.__pwned=1">'
const HOSTILE_TEXTS = ['<img src=x onerror="window.__pwned=1">', '<script>window.__pwned=2</script>']

const missing = browserMissing
const launch = launchBrowser

/** The texts of the messages the page shows. */
const shown = async (page: Page): Promise<string[]> => await page.locator('#items li .text').allTextContents()
const showsText = async (page: Page, text: string, ms = 15_000): Promise<boolean> =>
  await eventually(async () => (await shown(page)).includes(text), ms, 100)

t.test('a phone joins from the page, chats, reloads as the same member, and shows hostile text as text', async (t) => {
  if (!requirePrerequisite(t, 'Chromium and the built page', missing())) return
  const awa = await peer(t, 'Awa', { web: { port: 0, host: '127.0.0.1' } })
  const fatou = await peer(t, HOSTILE_NAME)
  const { invite } = await awa.createRoom('atelier')
  await fatou.joinRoom(invite)
  await link(t, awa, fatou)
  const room = fatou.rooms.resolve('atelier')
  await fatou.send(room, 'Bonjour du portable')
  t.ok(await eventually(async () => (await lines(awa, 'atelier')).some((l) => l.includes('Bonjour du portable'))), 'the host has the laptop\'s message')
  const port = (nodeOf(awa).web as { port: number }).port

  const browser = await launch(t)
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'fr-FR' })
  const page = await context.newPage()
  const bytes: Promise<number>[] = []
  page.on('requestfinished', (req) => bytes.push(req.sizes().then((s) => s.responseBodySize + s.responseHeadersSize)))
  await page.goto(`http://127.0.0.1:${port}/#${invite}`, { waitUntil: 'load' })

  await page.locator('#name-form').waitFor({ state: 'visible' })
  t.pass('the page asks the name')
  await page.fill('#name-input', 'Moussa')
  await page.click('#name-form button[type=submit]')
  t.ok(await showsText(page, 'Bonjour du portable'), 'the page shows the history: the laptop\'s earlier message')
  const weight = (await Promise.all(bytes)).reduce((a, b) => a + b, 0)
  t.comment(`first load: ${weight} bytes (${(weight / 1024).toFixed(1)} KiB) in ${bytes.length} responses`)
  t.ok(weight > 0 && weight < MAX_FIRST_LOAD, `first load under ${MAX_FIRST_LOAD / 1024} KiB`)
  t.match(await page.textContent('#room'), /atelier/, 'the room name shows')

  await page.fill('#message', 'Je suis là')
  await page.click('#send')
  t.ok(await eventually(async () => (await lines(fatou, 'atelier')).some((l) => l.includes(' Moussa msg Je suis là'))), 'the laptop sees the phone\'s message under its name')
  const phoneKey = (await (await fatou.timeline(room)).page({ limit: 50 })).find((i) => i.text === 'Je suis là')?.authorKey ?? ''
  t.equal(phoneKey.length, 64, 'written by the phone\'s own identity')
  t.ok(await showsText(page, 'Je suis là'), 'and the page shows it back')

  await fatou.send(room, 'Bienvenue Moussa')
  t.ok(await showsText(page, 'Bienvenue Moussa'), 'a message the laptop writes shows live')

  for (const text of HOSTILE_TEXTS) await fatou.send(room, text)
  await fatou.send(room, 'marqueur après les pièges')
  t.ok(await showsText(page, 'marqueur après les pièges'), 'the marker after the hostile messages shows (positive control)')
  const texts = await shown(page)
  for (const text of HOSTILE_TEXTS) t.ok(texts.includes(text), `shown as text: ${text}`)
  t.ok((await page.locator('#items .name').allTextContents()).includes(HOSTILE_NAME), 'the hostile name is shown as text')
  t.equal(await page.evaluate(() => (window as any).__pwned), undefined, 'no hostile code ran')
  t.equal(await page.locator('#items img, #items script').count(), 0, 'no element made from peer text')

  const fingerprint = await page.textContent('#me')
  t.match(fingerprint, /Moussa · [0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}/, 'the page shows the phone\'s name and short fingerprint')
  await page.reload({ waitUntil: 'load' })
  t.ok(await showsText(page, 'marqueur après les pièges'), 'after a reload the history is back')
  t.ok(await page.locator('#name-form').isHidden(), 'the name is not asked again')
  t.equal(await page.textContent('#me'), fingerprint, 'the same name and fingerprint')
  await page.fill('#message', 'rechargé')
  await page.click('#send')
  t.ok(await eventually(async () => (await lines(fatou, 'atelier')).some((l) => l.includes(' Moussa msg rechargé'))), 'the laptop sees the message sent after the reload')
  const after = (await (await fatou.timeline(room)).page({ limit: 50 })).find((i) => i.text === 'rechargé')
  t.equal(after?.authorKey, phoneKey, 'from the same identity')
  t.equal((await roomMembers(fatou, room)).filter((m) => m.identity === phoneKey).length, 1, 'the laptop still has one member for the phone')
  await context.close()
})

t.test('a wrong invite is refused and shows nothing of the room; no invite says so', async (t) => {
  if (!requirePrerequisite(t, 'Chromium and the built page', missing())) return
  const awa = await peer(t, 'Awa', { web: { port: 0, host: '127.0.0.1' } })
  await awa.createRoom('atelier')
  await networkOf(awa) // opens the node, and so its web server
  const port = (nodeOf(awa).web as { port: number }).port
  const browser = await launch(t)
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US' })
  let page = await context.newPage()

  await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: 'load' })
  await page.locator('#status-text').waitFor({ state: 'visible' })
  t.match(await page.textContent('#status-text'), /holds no invite/, 'no invite in the link: said in English for an English browser')

  await page.close()
  page = await context.newPage()
  await page.goto(`http://127.0.0.1:${port}/#${encodeInvite(randomBytes(32), 'ailleurs')}`, { waitUntil: 'load' })
  await page.fill('#name-input', 'Intrus')
  await page.click('#name-form button[type=submit]')
  t.ok(await eventually(async () => /refused this invite/.test(await page.textContent('#status-text') ?? ''), 15_000, 100), 'the refusal is shown')
  t.ok(await page.locator('#chat').isHidden(), 'no chat')
  t.equal(await page.textContent('#room'), '', 'no room name')
  t.equal(await page.locator('#items li').count(), 0, 'no message')
  await page.click('#lang')
  t.match(await page.textContent('#status-text'), /refusé cette invitation/, 'the switch shows it in French')
  await context.close()
})

t.test('a full host and a lost connection say so, with a retry that works', async (t) => {
  if (!requirePrerequisite(t, 'Chromium and the built page', missing())) return
  const awa = await peer(t, 'Awa', { web: { port: 0, host: '127.0.0.1', maxSessions: 1 } })
  const { invite } = await awa.createRoom('atelier')
  await networkOf(awa)
  const web = nodeOf(awa).web as { port: number, sessionCount: number, close: () => Promise<void> }
  const browser = await launch(t)
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'fr-FR' })
  const url = `http://127.0.0.1:${web.port}/#${invite}`
  const first = await context.newPage()
  await first.goto(url, { waitUntil: 'load' })
  await first.fill('#name-input', 'Moussa')
  await first.click('#name-form button[type=submit]')
  await first.locator('#chat').waitFor({ state: 'visible' })
  t.pass('the first phone takes the one slot')

  const second = await context.newPage()
  await second.goto(url, { waitUntil: 'load' })
  t.ok(await eventually(async () => /L'hôte est plein/.test(await second.textContent('#status-text') ?? ''), 15_000, 100), 'the second is told the host is full (1013)')
  t.ok(await second.locator('#retry').isVisible(), 'with a retry button')
  await first.close()
  t.ok(await eventually(() => web.sessionCount === 0, 15_000, 50), 'the host frees the slot when the first page closes')
  await second.click('#retry')
  await second.locator('#chat').waitFor({ state: 'visible' })
  t.ok(await second.locator('#status').isHidden(), 'the retry connects once the slot is free')

  await web.close()
  t.ok(await eventually(async () => /Connexion perdue/.test(await second.textContent('#status-text') ?? ''), 15_000, 100), 'a host that stops: connection lost')
  t.ok(await second.locator('#retry').isVisible(), 'with a retry button')
  await context.close()
})
