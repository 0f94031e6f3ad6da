/**
 * A phone moves to a second host (issue 20). On one bridge: `host` (member A, --web),
 * `laptop` (member B), `host2` (member C, --web) and `phone` (Chromium). The phone joins
 * through A, then the same browser profile opens C's link.
 *
 * The page keeps its identity in localStorage, which is per origin (scheme, address,
 * port). So C at ANOTHER address is another origin: opened directly it asks a name; the
 * page at A hands the identity over to C's page (web/src/move.ts), and it is the same member.
 * When C is reached at the address the phone already knows (A left and C took its
 * address, as when the laptop holding the hotspot is swapped), the page is the same
 * member: no new name, the same fingerprint on B's log through A and through C, each
 * through its own hosted log (docs/protocol.md §3a, "One phone, several hosts").
 */
import { randomBytes } from 'node:crypto'
import type { Page } from 'playwright-core'
import t from 'tap'
import { browserMissing } from '../helpers/browser.js'
import { skipUnlessLan } from '../helpers/lan.js'
import { startNode, tamtam } from '../helpers/lan-nodes.js'
import { requirePrerequisite } from '../helpers/prereq.js'
import { run, IP } from '../../harness/netns/processes.js'
import { explainOnFailure, itemWithText, openPhone, phoneBrowser, phoneLink, scene, startWebNode, stopAll, VIEWPORT, WEB_PORT, write } from './phone-lan.js'

/** Whether the page, once loaded, asks a name (else it went straight to the chat). */
async function asksName (page: Page, link: string): Promise<boolean> {
  await page.goto(link, { waitUntil: 'load', timeout: 30_000 })
  const form = page.locator('#name-form')
  await Promise.race([form.waitFor({ state: 'visible', timeout: 30_000 }), page.locator('#chat').waitFor({ state: 'visible', timeout: 30_000 })])
  return await form.isVisible()
}

async function ip (args: string[]): Promise<void> {
  const r = await run(IP(), args, { timeout: 15_000 })
  if (r.code !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`)
}

t.test('a phone moves from host A to host C: its messages through C reach B; at the same address it stays the same member', async (t) => {
  if (!skipUnlessLan(t)) return
  if (!requirePrerequisite(t, 'Chromium and the built page', browserMissing())) return
  const tag = randomBytes(3).toString('hex')
  const room = `atelier-${tag}`
  const name = `Aminata ${tag}`
  const { lan, dir, homes } = await scene(t, ['host', 'laptop', 'host2', 'phone'], ['host', 'laptop', 'host2'], room)
  const a = await startWebNode(lan, 'host', homes.host!)
  const b = await startNode(lan, 'laptop', homes.laptop!)
  const c = await startWebNode(lan, 'host2', homes.host2!)
  explainOnFailure(t, [a, b, c])
  const browser = await phoneBrowser(t, lan, 'phone', dir)
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'fr-FR' })

  // Through A.
  const viaA = await context.newPage()
  await openPhone(viaA, await phoneLink(a, room), name)
  const me = await viaA.textContent('#me') ?? ''
  await write(viaA, `par A ${tag}`)
  const first = await itemWithText(b, room, `par A ${tag}`)
  t.ok(first !== undefined, 'B has the message written through A')
  t.ok(me.endsWith(` · ${String(first?.author)}`), `under the fingerprint the page shows (${String(first?.author)})`)

  // Through C at C's own address: another origin.
  const linkC = await phoneLink(c, room)
  t.ok(linkC.startsWith(`http://${lan.host('host2').ip}:${WEB_PORT}/#`), 'C prints its own link')
  // Opened directly, C's address is another origin with no identity: it asks a name (control).
  const direct = await context.newPage()
  t.ok(await asksName(direct, linkC), 'opened directly, C\'s page is a stranger and asks a name (control)')
  await direct.close()
  // The page at A hands its identity to C's page (web/src/move.ts).
  await viaA.click('#move-box summary')
  const [viaC] = await Promise.all([
    context.waitForEvent('page'),
    (async () => {
      await viaA.fill('#move-address', `${lan.host('host2').ip}:${WEB_PORT}`)
      await viaA.click('#move-form button[type=submit]')
    })()
  ])
  await viaC.locator('#move-ask').waitFor({ state: 'visible', timeout: 30_000 })
  await viaC.click('#move-yes')
  await viaC.locator('#chat').waitFor({ state: 'visible', timeout: 30_000 })
  t.ok(await viaC.locator('#name-form').isHidden(), 'the same browser needs no new name at C')
  t.equal(await viaC.textContent('#me'), me, 'and shows the same name and fingerprint')
  await write(viaC, `par C ${tag}`)
  const second = await itemWithText(b, room, `par C ${tag}`)
  t.ok(second !== undefined, 'the message written through C reaches B')
  t.equal(second?.authorKey, first?.authorKey, 'under the same identity')
  await viaC.close()

  // A leaves; C takes A's address. The phone's origin is the same: its identity is there.
  await viaA.close()
  t.equal(await a.stop(), 0, 'A stops')
  const aIp = lan.host('host').ip
  const [aEnd] = lan.linkEnds('host', 'wifi')
  const [cEnd] = lan.linkEnds('host2', 'wifi')
  await ip(['-n', aEnd!.ns, 'addr', 'del', `${aIp}/24`, 'dev', aEnd!.dev])
  await ip(['-n', cEnd!.ns, 'addr', 'add', `${aIp}/24`, 'dev', cEnd!.dev])
  await ip(['-n', lan.host('phone').ns, 'neigh', 'flush', 'all']) // as a phone rejoining the Wi-Fi
  const links = JSON.parse(await tamtam(c.home, '--json', 'web', room)).links as string[]
  const sameOrigin = links.find((l) => l.startsWith(`http://${aIp}:${WEB_PORT}/#`))
  t.ok(sameOrigin !== undefined, `C now also prints a link at A's old address (${links.join(' ')})`)
  const again = await context.newPage()
  t.notOk(await asksName(again, sameOrigin ?? ''), 'at the address it knows, the page asks no name')
  t.equal(await again.textContent('#me'), me, 'and shows the same name and fingerprint')
  await again.locator('#chat').waitFor({ state: 'visible', timeout: 30_000 })
  await write(again, `par C, même adresse ${tag}`)
  const third = await itemWithText(b, room, `par C, même adresse ${tag}`)
  t.ok(third !== undefined, 'the message written through C reaches B')
  t.equal(third?.authorKey, first?.authorKey, 'from the same identity as through A')
  t.equal(third?.author, first?.author, 'shown under the same fingerprint')
  t.equal(third?.name, name, 'and the same name')
  t.not(third?.id.split('.')[0], first?.id.split('.')[0], 'written in another hosted log (C\'s, not A\'s)')
  await context.close()
  await stopAll(t, [b, c])
})
