/**
 * A phone moves to a second host and stays the same member (issue 20). A browser keeps
 * the identity per origin, and the second host is another origin (here another port on
 * 127.0.0.1, on a LAN another address), so the page the phone has opens the other host's
 * page and hands it the key with postMessage (web/src/move.ts). Real nodes, real Chromium.
 */
import t from 'tap'
import type { Page } from 'playwright-core'
import { COMMANDS, SILENT } from '../../src/commands/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import { browserMissing, joinAsPhone, launchBrowser } from '../helpers/browser.js'
import { contextOf, eventually, link, nodeOf, peer } from '../helpers/peers.js'
import { requirePrerequisite } from '../helpers/prereq.js'

const portOf = (tt: Tamtam): number => (nodeOf(tt).web as { port: number }).port
const waitFor = async (what: () => Promise<boolean>, ms = 15_000): Promise<boolean> => await eventually(what, ms, 100)
const shows = async (page: Page, text: string): Promise<boolean> => await waitFor(async () => (await page.locator('#items li .text').allTextContents()).includes(text))

async function authorOf (tt: Tamtam, text: string): Promise<string | undefined> {
  return (await (await tt.timeline(tt.rooms.resolve('atelier'))).page({ limit: 100 })).find((i) => i.text === text)?.authorKey
}

t.test('the page hands its identity to another host\'s page; peers list one member', async (t) => {
  if (!requirePrerequisite(t, 'Chromium and the built page', browserMissing())) return
  const awa = await peer(t, 'Awa', { web: { port: 0, host: '127.0.0.1' } })
  const cheikh = await peer(t, 'Cheikh', { web: { port: 0, host: '127.0.0.1' } })
  const fatou = await peer(t, 'Fatou')
  const { invite } = await awa.createRoom('atelier')
  await cheikh.joinRoom(invite)
  await fatou.joinRoom(invite)
  await link(t, awa, fatou)
  await link(t, cheikh, fatou)

  const { context, page: first } = await joinAsPhone(await launchBrowser(t), `http://127.0.0.1:${portOf(awa)}/#${invite}`, 'Moussa')
  await first.fill('#message', 'par Awa')
  await first.click('#send')
  t.ok(await waitFor(async () => await authorOf(fatou, 'par Awa') !== undefined), 'the laptop has the message sent through the first host')
  const phone = await authorOf(fatou, 'par Awa') as string
  const me = await first.textContent('#me')

  // Without the hand-over the second host's page is a stranger: it asks a name (control).
  const stranger = await context.newPage()
  await stranger.goto(`http://127.0.0.1:${portOf(cheikh)}/#${invite}`, { waitUntil: 'load' })
  await stranger.locator('#name-form').waitFor({ state: 'visible' })
  t.pass('opened directly, the other origin has no identity and asks a name (control)')
  await stranger.close()

  await first.click('#move-box summary')
  await first.fill('#move-address', 'pas une adresse')
  await first.click('#move-form button[type=submit]')
  t.match(await first.textContent('#move-note'), /pas une adresse/i, 'a wrong address says so')
  const [second] = await Promise.all([
    context.waitForEvent('page'),
    (async () => {
      await first.fill('#move-address', `127.0.0.1:${portOf(cheikh)}`)
      await first.click('#move-form button[type=submit]')
    })()
  ])
  await second.locator('#move-ask').waitFor({ state: 'visible' })
  t.match(await second.textContent('#move-text'), /Moussa · [0-9a-f]{4}-/, 'the new page asks before taking the identity, naming it')
  t.ok(await second.locator('#name-form').isHidden(), 'and does not ask a name yet')
  await second.click('#move-yes')
  await second.locator('#chat').waitFor({ state: 'visible' })
  t.equal(await second.textContent('#me'), me, 'the same name and fingerprint on the second host')
  t.ok(await second.locator('#name-form').isHidden(), 'no name asked')
  await second.fill('#message', 'par Cheikh')
  await second.click('#send')
  t.ok(await waitFor(async () => await authorOf(fatou, 'par Cheikh') !== undefined), 'the laptop has the message sent through the second host')
  t.equal(await authorOf(fatou, 'par Cheikh'), phone, 'from the same identity')

  const view = await COMMANDS.get('view')!.run(contextOf(fatou), { room: fatou.rooms.resolve('atelier').id }, SILENT) as any
  t.equal(view.room.members.filter((m: any) => m.identity === phone).length, 1, 'the app lists the phone once, though it writes two hosted logs')
  t.equal(view.room.members.length, 4, 'four people: Awa, Cheikh, Fatou and Moussa')
  await second.reload({ waitUntil: 'load' })
  t.ok(await shows(second, 'par Cheikh'), 'the second origin keeps the identity across a reload')
  t.equal(await second.textContent('#me'), me, 'still the same member')
  await context.close()
})
