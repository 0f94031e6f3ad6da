/**
 * Private messages in the phone page, in a real browser (issue 20): Debian's Chromium opens
 * the page a real node (Awa) serves on 127.0.0.1; Fatou, a second node linked by a real
 * Noise stream, plays the laptop. Fatou's `dm` to the phone shows as unread on her name,
 * opens in the page's private conversation (decrypted in the browser), hostile text stays
 * text, the page's reply reaches Fatou's `dms`, and the host's `dms` has none of it.
 */
import t from 'tap'
import { dm, dms } from '../../src/commands/dm.js'
import type { Tamtam } from '../../src/tamtam.js'
import { browserMissing, joinAsPhone, launchBrowser } from '../helpers/browser.js'
import { contextOf, eventually, link, nodeOf, peer } from '../helpers/peers.js'
import { requirePrerequisite } from '../helpers/prereq.js'

const HOSTILE = '<img src=x onerror="window.__pwned=1">'

/** Whether `tt` holds a log bound to the page's identity, known by the name it gave. */
async function holdsPhone (tt: Tamtam, name: string): Promise<string | null> {
  for (const log of (await tt.logs(tt.rooms.resolve('atelier'))).list()) {
    const author = await log.verifyBinding()
    if (author?.name === name && author.host !== undefined) return author.identity
  }
  return null
}

t.test('a laptop\'s DM opens in the page\'s private conversation, and the page\'s reply reaches the laptop', async (t) => {
  if (!requirePrerequisite(t, 'Chromium and the built page', browserMissing())) return
  const awa = await peer(t, 'Awa', { web: { port: 0, host: '127.0.0.1' } })
  const fatou = await peer(t, 'Fatou')
  const { invite } = await awa.createRoom('atelier')
  await fatou.joinRoom(invite)
  await link(t, awa, fatou)
  const port = (nodeOf(awa).web as { port: number }).port
  const fatouId = (await fatou.identity()).publicKey.toString('hex')

  const { context, page } = await joinAsPhone(await launchBrowser(t), `http://127.0.0.1:${port}/#${invite}`, 'Moussa')
  await page.locator('#chat').waitFor({ state: 'visible' })
  t.match(await page.textContent('#dm-nav h2'), /Messages privés/, 'the private messages heading, in French')
  let phoneId: string | null = null
  t.ok(await eventually(async () => (phoneId = await holdsPhone(fatou, 'Moussa')) !== null, 15_000), 'the laptop holds the phone\'s hosted log')

  await dm.run(contextOf(fatou), { room: 'atelier', member: 'Moussa', text: 'Bonjour Moussa, en privé' })
  await dm.run(contextOf(fatou), { room: 'atelier', member: 'Moussa', text: HOSTILE })
  const fatouButton = page.locator(`#dm-members button[data-identity="${fatouId}"]`)
  t.ok(await eventually(async () => await fatouButton.locator('.unread').textContent().catch(() => null) === '2', 15_000, 100), 'Fatou\'s name shows 2 unread private messages')
  t.equal(await page.locator('#items li .text', { hasText: 'Bonjour Moussa, en privé' }).count(), 0, 'the DM is not in the room\'s messages')

  await fatouButton.click()
  await page.locator('#dm-panel').waitFor({ state: 'visible' })
  t.same(await page.locator('#dm-items li .text').allTextContents(), ['Bonjour Moussa, en privé', HOSTILE], 'the conversation shows both, the hostile one as text')
  t.equal(await page.locator('#dm-items img').count(), 0, 'no element made from the DM\'s text')
  t.equal(await page.evaluate(() => (window as any).__pwned), undefined, 'no hostile code ran')
  t.match(await page.textContent('#dm-with'), /Privé avec Fatou/, 'the conversation names Fatou')
  t.equal(await fatouButton.locator('.unread').count(), 0, 'opened, nothing is unread')
  t.ok(await page.locator('#compose').isHidden(), 'the room\'s box gives way to the private one')

  await page.fill('#dm-message', 'Bien reçu, Fatou')
  await page.click('#dm-send')
  const fatouReads = async (): Promise<boolean> => {
    const out = await dms.run(contextOf(fatou), { room: 'atelier', member: phoneId as string }) as { messages: Array<{ text: string, from: string }> }
    return out.messages.some((m) => m.text === 'Bien reçu, Fatou' && m.from === phoneId)
  }
  t.ok(await eventually(fatouReads, 15_000), 'Fatou\'s `dms` shows the page\'s reply, from the phone\'s identity')
  t.ok(await eventually(async () => (await page.locator('#dm-items li.mine .text').allTextContents()).includes('Bien reçu, Fatou'), 15_000, 100), 'the page reads its own reply back')
  t.same(await contextOf(awa).dms().conversations(awa.rooms.resolve('atelier')), [], 'the host\'s `dms` has no conversation')

  await page.click('#lang')
  t.match(await page.textContent('#dm-with'), /Private with Fatou/, 'the switch shows it in English')
  await page.click('#dm-close')
  t.ok(await page.locator('#dm-panel').isHidden(), 'back to the room')
  t.ok(await page.locator('#compose').isVisible(), 'with its box')
  await context.close()
})
