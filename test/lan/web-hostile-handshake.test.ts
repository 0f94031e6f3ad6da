/**
 * The phone web server on a hostile Wi-Fi (issue 20), part 2: handshakes that never finish
 * from an outsider with eight addresses, an outsider with a wrong invite or a replayed
 * handshake, and a host full of 64 phones as Chromium shows it. Same scene as part 1
 * (web-hostile-scene.ts): the honest phone keeps chatting and must keep reaching the laptop.
 */
import { chmodSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { chromium } from 'playwright-core'
import { browserMissing, CHROMIUM } from '../helpers/browser.js'
import { skipUnlessLan } from '../helpers/lan.js'
import { eventually, tempDir } from '../helpers/peers.js'
import { requirePrerequisite } from '../helpers/prereq.js'
import { heldFrom, hostAlive, hostileScene, leaks, phoneStillDelivers, WEB_PORT, type Scene } from './web-hostile-scene.js'
import { runScript, spawnScript } from './web-hostile-scripts.js'

const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

async function stillFine (t: any, scene: Scene, what: string): Promise<void> {
  const ms = await phoneStillDelivers(scene)
  t.not(ms, null, `after ${what}, the honest phone's newest message reaches the laptop (${String(ms)} ms)`)
  t.ok(await hostAlive(scene), `after ${what}, the host answers tamtam status`)
}

/** A Chromium that runs inside `host`'s namespace (a wrapper through `ip netns exec`), closed at teardown. */
async function chromiumOn (t: any, scene: Scene, host: string): Promise<import('playwright-core').Browser> {
  const wrapper = path.join(tempDir(t), 'chromium-in-netns')
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${scene.lan.host(host).ns} ${CHROMIUM} "$@"\n`)
  chmodSync(wrapper, 0o755)
  const browser = await chromium.launch({ executablePath: wrapper, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] })
  t.teardown(async () => await browser.close())
  return browser
}

t.test('stalled handshakes, outsiders and a full host', async (t) => {
  if (!skipUnlessLan(t)) return
  const scene = await hostileScene(t)
  const out = scene.outsiderIps

  await t.test('64 sockets from 8 addresses that never finish the handshake, reopened as soon as closed', async (t) => {
    const attack = runScript(scene.lan, 'outsider', 'slow', [scene.hostIp, WEB_PORT, out.join(','), 8, 'ws-silent', 1, 20_000], 40_000)
    await sleep(3_000)
    const held = await heldFrom(scene, out)
    t.ok(held >= 16, `the attacker holds sockets on the host (${held})`)
    const newcomers = spawnScript(scene.lan, 'phone', 'fill', [scene.wsUrl, scene.memberKey, scene.phoneIps.slice(0, 5).join(','), 5, 20_000])
    t.teardown(() => { newcomers.child.kill('SIGKILL') })
    const filled = await newcomers.waitFor((e) => e.event === 'filled', 15_000, 'the new phones get an answer')
    t.comment(JSON.stringify(filled))
    t.ok(filled.welcomed >= 1, `new phones still get in while it lasts (${String(filled.welcomed)} of 5; turned away: ${JSON.stringify(filled.turnedAway)})`)
    newcomers.child.kill('SIGKILL')
    t.not(await phoneStillDelivers(scene), null, 'while it lasts, the honest phone still reaches the laptop')
    const report = await attack
    t.comment(JSON.stringify(report))
    t.ok(report.opened > 64, `the attacker kept reopening (${String(report.opened)} sockets opened, closes ${JSON.stringify(report.codes)})`)
    t.ok(await eventually(async () => await heldFrom(scene, out) === 0, 15_000, 500), 'once it stops, the host holds none of its sockets')
    await stillFine(t, scene, 'the stalled handshakes')
  })

  await t.test('an outsider with a wrong invite, or replaying a captured handshake, is refused and learns nothing', async (t) => {
    const hello = scene.phone.events.find((e) => e.event === 'hs-hello')?.bytes
    const proof = scene.phone.events.find((e) => e.event === 'hs-sent')?.bytes
    t.ok(typeof hello === 'string' && typeof proof === 'string', 'the honest phone\'s hello and proof, as a listener on the Wi-Fi captures them')
    const wrong = await runScript(scene.lan, 'outsider', 'outsider', [scene.wsUrl, 'wrong', '', '', 15_000], 20_000)
    const replay = await runScript(scene.lan, 'outsider', 'outsider', [scene.wsUrl, 'replay', hello, proof, 15_000], 20_000)
    t.comment(JSON.stringify({ wrong, replay }).slice(0, 1500))
    t.same([wrong.code, wrong.reason], [1008, 'refused'], 'wrong invite: close 1008 "refused"')
    t.same([replay.code, replay.reason], [1008, 'refused'], 'replayed handshake: close 1008 "refused"')
    t.ok(String(replay.received).endsWith('740104'), 'the replay ends with the §16 refusal')
    t.same(leaks(wrong.received), [], 'no byte the wrong-invite outsider received names the room or a member')
    t.same(leaks(replay.received), [], 'no byte the replaying outsider received names the room or a member')
    await stillFine(t, scene, 'the outsiders')
  })

  await t.test('a host full of 64 phones: the page says so in French and English, and retry works once one leaves', async (t) => {
    if (!requirePrerequisite(t, 'Chromium and the built page', browserMissing())) return
    const fill = spawnScript(scene.lan, 'phone', 'fill', [scene.wsUrl, scene.memberKey, scene.phoneIps.join(','), 63, 120_000])
    t.teardown(() => { fill.child.kill('SIGKILL') })
    const filled = await fill.waitFor((e) => e.event === 'filled', 60_000, '63 phones connect')
    t.same([filled.welcomed, filled.turnedAway], [63, []], '63 more phones (one Node process, 8 addresses) join beside the honest one: 64 sessions')
    const browser = await chromiumOn(t, scene, 'laptop')
    const url = `http://${scene.hostIp}:${WEB_PORT}/#${scene.invite}`
    const pages = []
    for (const [locale, text] of [['fr-FR', /L'hôte est plein/], ['en-US', /The host is full/]] as const) {
      const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale })
      const page = await context.newPage()
      await page.goto(url, { waitUntil: 'load' })
      await page.fill('#name-input', 'Khady')
      await page.click('#name-form button[type=submit]')
      t.ok(await eventually(async () => text.test(await page.textContent('#status-text') ?? ''), 15_000, 100), `${locale}: the page says the host is full`)
      t.ok(await page.locator('#retry').isVisible(), `${locale}: with a retry button`)
      pages.push(page)
    }
    fill.child.stdin?.write('leave\n')
    await fill.waitFor((e) => e.event === 'left', 10_000, 'one phone leaves')
    await pages[0].click('#retry')
    await pages[0].locator('#chat').waitFor({ state: 'visible', timeout: 15_000 })
    t.ok(await pages[0].locator('#status').isHidden(), 'after one leaves, retry gets the page in')
    await stillFine(t, scene, 'the full host')
  })
})
