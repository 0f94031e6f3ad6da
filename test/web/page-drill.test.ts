/**
 * Drills with a phone (issue 20, item 6): the phone page, open in Debian's Chromium against
 * a real node, acknowledges drill probes through its hosted log, with `via` naming the
 * host's log. Reports count the phone like any member, with its hops: 2 when a laptop
 * behind the host runs the drill (laptop → host → phone), 1 when the host runs it. A probe
 * already in the history when the page loads is not acknowledged (only live probes are).
 */
import t from 'tap'
import { browserMissing, launchBrowser } from '../helpers/browser.js'
import type { Browser } from 'playwright-core'
import type { Tamtam } from '../../src/tamtam.js'
import { contextOf, eventually, link, lines, nodeOf, peer, replicator } from '../helpers/peers.js'
import { requirePrerequisite } from '../helpers/prereq.js'

const PHONE = 'Moussa'

const missing = browserMissing
const launch = launchBrowser

/** Start the automatic responder on a peer, as a node does (test peers run without it). */
async function respond (tt: Tamtam): Promise<void> {
  const r = await replicator(tt)
  await contextOf(tt).drills().respond(() => r.list())
}

/** The phone's receipts in a drill's report on `tt` (null while the phone is not a participant). */
async function phoneReceipts (tt: Tamtam, drill: string): Promise<Array<{ probe: number, hops: number | null, path: string[] }> | null> {
  const report = await contextOf(tt).drills().report(tt.rooms.resolve('atelier'), drill)
  return report.participants.find((p) => p.name === PHONE)?.receipts ?? null
}

t.test('the open page acknowledges live probes through the host; reports count its hops; earlier probes are not acked', async (t) => {
  if (!requirePrerequisite(t, 'Chromium and the built page', missing())) return
  const awa = await peer(t, 'Awa', { web: { port: 0, host: '127.0.0.1' } })
  const fatou = await peer(t, 'Fatou')
  const { invite } = await awa.createRoom('atelier')
  await fatou.joinRoom(invite)
  for (const p of [awa, fatou]) await respond(p)
  t.teardown(async () => { for (const p of [awa, fatou]) await contextOf(p).drills().close() })
  await link(t, awa, fatou)
  const room = fatou.rooms.resolve('atelier')

  // A probe sent before the page opens, then a marker, both at the host.
  const before = await contextOf(fatou).drills().start(room, { name: 'avant', probes: 1, intervalMs: 1000, durationMs: 1000 })
  await fatou.send(room, 'marqueur avant la page')
  t.ok(await eventually(async () => (await lines(awa, 'atelier')).some((l) => l.includes('marqueur avant la page'))), 'the host has the earlier probe and the marker')

  const port = (nodeOf(awa).web as { port: number }).port
  const browser = await launch(t)
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'fr-FR' })
  const page = await context.newPage()
  await page.goto(`http://127.0.0.1:${port}/#${invite}`, { waitUntil: 'load' })
  await page.fill('#name-input', PHONE)
  await page.click('#name-form button[type=submit]')
  t.ok(await eventually(async () => (await page.locator('#items li .text').allTextContents()).includes('marqueur avant la page'), 15_000, 100), 'the page shows its first history, the earlier probe in it')
  t.ok(await eventually(async () => (await lines(fatou, 'atelier')).some((l) => l.includes(` ${PHONE} join`)), 15_000, 100), 'the laptop knows the phone\'s log')

  // The laptop runs a drill: the probes go laptop → host → phone.
  const live = await contextOf(fatou).drills().start(room, { name: 'pendant', probes: 2, intervalMs: 1500, durationMs: 5000 })
  t.ok(await eventually(async () => (await phoneReceipts(fatou, live.drill))?.length === 2, 20_000, 200), 'the laptop\'s report lists the phone with 2 receipts')
  const receipts = await phoneReceipts(fatou, live.drill) ?? []
  t.same(receipts.map((r) => r.hops), [2, 2], 'each 2 hops: laptop → host → phone')
  t.same(receipts[0].path, ['Fatou', 'Awa', PHONE], 'and the path names the host')
  const awaOnLive = (await contextOf(fatou).drills().report(room, live.drill)).participants.find((p) => p.name === 'Awa')
  t.same(awaOnLive?.receipts.map((r) => r.hops), [1, 1], 'the host itself is 1 hop away')

  // Positive marker seen (the phone's live acks reached the laptop): an ack of the earlier
  // probe, written before them in the same log, would be there too.
  const earlier = await contextOf(fatou).drills().report(room, before.drill)
  t.same(earlier.participants.find((p) => p.name === 'Awa')?.receipts.length, 1, 'the host acknowledged the earlier probe (positive control)')
  t.same(earlier.participants.find((p) => p.name === PHONE)?.receipts ?? [], [], 'the phone did not acknowledge the probe already in its first history')

  // The host runs a drill: the phone receives it straight from the host.
  const hosted = await contextOf(awa).drills().start(awa.rooms.resolve('atelier'), { name: 'hôte', probes: 2, intervalMs: 1500, durationMs: 5000 })
  t.ok(await eventually(async () => (await phoneReceipts(awa, hosted.drill))?.length === 2, 20_000, 200), 'the host\'s report lists the phone with 2 receipts')
  t.same((await phoneReceipts(awa, hosted.drill) ?? []).map((r) => r.hops), [1, 1], 'each 1 hop: host → phone')
  const clockOf = async (tt: Tamtam, drill: string): Promise<string | undefined> =>
    (await contextOf(tt).drills().report(tt.rooms.resolve('atelier'), drill)).participants.find((p) => p.name === PHONE)?.clock
  t.ok(await eventually(async () => await clockOf(awa, hosted.drill) === 'round-trip', 10_000, 200), 'the host times the phone\'s acks itself: the phone\'s clock is checked by round trip')
  t.equal(await clockOf(fatou, live.drill), 'round-trip', 'as the laptop\'s report does for its own drill')
  await context.close()
})
