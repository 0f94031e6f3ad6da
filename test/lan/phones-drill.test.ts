/**
 * A drill with 2 laptops and 3 phones on a namespace LAN (issue 20). `lap1` (the
 * facilitator) and `lap2` both run `tamtam up --web`; one Chromium in the `phones`
 * namespace holds 3 phone profiles (3 browser contexts: 3 identities), two opened on
 * lap1's link, one on lap2's. The facilitator runs `tamtam drill start`; its report counts
 * the 3 phones, each with its hops: 1 for a phone lap1 hosts (lap1 → phone), 2 for the one
 * lap2 hosts (lap1 → lap2 → phone).
 */
import { randomBytes } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import t from 'tap'
import { browserMissing } from '../helpers/browser.js'
import { skipUnlessLan } from '../helpers/lan.js'
import { tamtam, type LanNode } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'
import { requirePrerequisite } from '../helpers/prereq.js'
import { explainOnFailure, itemWithText, openPhone, phoneBrowser, phoneLink, scene, startWebNode, stopAll, VIEWPORT, write } from './phone-lan.js'

const PROBES = 2

interface Receipt { probe: number, hops: number | null, path: string[] }
interface Participant { name: string, receipts: Receipt[] }

/** The facilitator's report of `drill`, as `tamtam drill report --format json` prints it. */
async function report (node: LanNode, room: string, drill: string): Promise<{ participants: Participant[] }> {
  const out = JSON.parse(await tamtam(node.home, '--json', 'drill', 'report', room, '--drill', drill, '--format', 'json'))
  return JSON.parse(out.text)
}

/** A new phone profile (its own localStorage: its own identity) joined through `link` as `name`. */
async function phone (browser: Browser, link: string, name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'fr-FR' })
  const page = await context.newPage()
  await openPhone(page, link, name)
  return page
}

t.test('a drill from a laptop counts 3 phones hosted by 2 laptops, each with its hops', async (t) => {
  if (!skipUnlessLan(t)) return
  if (!requirePrerequisite(t, 'Chromium and the built page', browserMissing())) return
  const tag = randomBytes(3).toString('hex')
  const room = `exercice-${tag}`
  const { lan, dir, homes } = await scene(t, ['lap1', 'lap2', 'phones'], ['lap1', 'lap2'], room)
  const lap1 = await startWebNode(lan, 'lap1', homes.lap1!)
  const lap2 = await startWebNode(lan, 'lap2', homes.lap2!)
  explainOnFailure(t, [lap1, lap2])
  const browser = await phoneBrowser(t, lan, 'phones', dir)
  const link1 = await phoneLink(lap1, room)
  const link2 = await phoneLink(lap2, room)
  const phones = [{ name: `Awa ${tag}`, link: link1, hops: 1 }, { name: `Binta ${tag}`, link: link1, hops: 1 }, { name: `Coumba ${tag}`, link: link2, hops: 2 }]
  const pages = await Promise.all(phones.map(async (p) => await phone(browser, p.link, p.name)))
  // The facilitator must hold every phone's log before the probes go, or an ack would have nowhere to land yet.
  for (const [i, p] of phones.entries()) {
    await write(pages[i]!, `présent ${p.name}`)
    t.ok(await itemWithText(lap1, room, `présent ${p.name}`) !== undefined, `the facilitator has ${p.name}'s log`)
  }

  const started = JSON.parse(await tamtam(lap1.home, '--json', 'drill', 'start', room, '--name', `exercice ${tag}`, '--probes', String(PROBES), '--interval', '2s', '--duration', '30s', '--detach'))
  t.ok(typeof started.drill === 'string', `the facilitator starts drill ${String(started.drill)}`)
  const complete = (r: { participants: Participant[] }): boolean => phones.every((p) => r.participants.find((x) => x.name === p.name)?.receipts.length === PROBES)
  let last: { participants: Participant[] } = { participants: [] }
  const done = await eventually(async () => complete(last = await report(lap1, room, started.drill)), 45_000, 1000)
  t.ok(done, `the report lists the 3 phones, each with ${PROBES} receipts`)
  if (!done) t.comment(JSON.stringify(last.participants))
  for (const p of phones) {
    const receipts = last.participants.find((x) => x.name === p.name)?.receipts ?? []
    t.same(receipts.map((r) => r.hops), Array(PROBES).fill(p.hops), `${p.name}: ${p.hops} hop(s) for each probe`)
    const path = p.hops === 1 ? ['lap1', p.name] : ['lap1', 'lap2', p.name]
    t.same(receipts[0]?.path, path, `${p.name}: path ${path.join(' → ')}`)
  }
  t.same(last.participants.find((x) => x.name === 'lap2')?.receipts.map((r) => r.hops), Array(PROBES).fill(1), 'the other laptop is 1 hop away')
  for (const page of pages) await page.context().close()
  await stopAll(t, [lap1, lap2])
})
