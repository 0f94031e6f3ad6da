/**
 * Documents in the phone page, in a real browser (Debian's Chromium via playwright-core):
 * a laptop member (a second real node linked to the host) shares a file; the page lists
 * it, downloads it over the encrypted channel and offers it only once its sha256 checks
 * (the bytes of playwright's download are compared); a file picked with setInputFiles is
 * uploaded and the laptop member fetches it with `get`, sha256 matching.
 */
import { createHash, randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { browserMissing, launchBrowser } from '../helpers/browser.js'
import { contextOf, eventually, link, nodeOf, peer, tempDir } from '../helpers/peers.js'
import { requirePrerequisite } from '../helpers/prereq.js'

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

t.test('the page lists, downloads and uploads documents', async (t) => {
  if (!requirePrerequisite(t, 'Chromium and the built page', browserMissing())) return
  const awa = await peer(t, 'Awa', { web: { port: 0, host: '127.0.0.1' } })
  const fatou = await peer(t, 'Fatou <b>x</b>')
  const { invite } = await awa.createRoom('atelier')
  await fatou.joinRoom(invite)
  await link(t, awa, fatou)
  const room = fatou.rooms.resolve('atelier')
  const dir = tempDir(t)
  const bytes = randomBytes(700 * 1024 + 3)
  await fs.writeFile(path.join(dir, 'plan <img src=x>.pdf'), bytes)
  const docs = await contextOf(fatou).documents()
  const shared = await docs.share(room, path.join(dir, 'plan <img src=x>.pdf'))

  const browser = await launchBrowser(t)
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'fr-FR', acceptDownloads: true })
  const page = await context.newPage()
  await page.goto(`http://127.0.0.1:${(nodeOf(awa).web as { port: number }).port}/#${invite}`, { waitUntil: 'load' })
  await page.fill('#name-input', 'Moussa')
  await page.click('#name-form button[type=submit]')

  const row = page.locator('#doc-list li', { hasText: 'plan <img src=x>.pdf' })
  await row.waitFor({ state: 'visible', timeout: 20_000 })
  t.pass('the page lists the laptop\'s document, its name as text')
  t.match(await row.locator('.doc-meta').textContent(), /700 KiB · Fatou <b>x<\/b> · [0-9a-f]{4}-/, 'with its size, author and fingerprint')
  t.equal(await page.locator('#doc-list img, #doc-list b').count(), 0, 'no element made from peer text')

  const downloading = page.waitForEvent('download', { timeout: 30_000 })
  await row.locator('button.doc-get').click()
  const download = await downloading
  t.match(download.suggestedFilename(), /^plan .*\.pdf$/, 'the browser saves it under its name (made safe by the browser)')
  const saved = await fs.readFile(await download.path())
  t.equal(sha(saved), shared.sha256, 'the bytes the browser saved hash to the announced sha256')
  t.ok(saved.equals(bytes), 'and are the laptop\'s bytes')

  // A lure: the same blocks announced under another sha256. The page must refuse it.
  const logs = await fatou.logs(room)
  const entry = await logs.own.read(Number(shared.id.split('.')[1]))
  const { v, ts, ...record } = { ...(entry?.record as any), name: 'leurre.pdf', sha256: sha(randomBytes(8)) }
  await logs.own.append([record])
  const lure = page.locator('#doc-list li', { hasText: 'leurre.pdf' })
  await lure.waitFor({ state: 'visible', timeout: 20_000 })
  let offered = 0
  page.on('download', () => offered++)
  await lure.locator('button.doc-get').click()
  t.ok(await eventually(async () => /ne correspond pas à son empreinte sha256/.test(await page.textContent('#doc-status') ?? ''), 20_000, 100), 'the lure\'s bytes do not match: the page says so')
  t.equal(await lure.locator('a').count(), 0, 'and offers no link')
  t.equal(offered, 0, 'and no download happened')

  const picked = path.join(dir, 'photo.jpg')
  const photo = randomBytes(150 * 1024 + 9)
  await fs.writeFile(picked, photo)
  await page.setInputFiles('#doc-file', picked)
  t.ok(await eventually(async () => /Partagé : photo\.jpg/.test(await page.textContent('#doc-status') ?? ''), 20_000, 100), 'the page says the file is shared')
  let id = ''
  t.ok(await eventually(async () => {
    id = (await docs.list(room)).find((d) => d.name === 'photo.jpg' && d.authorName === 'Moussa')?.id ?? ''
    return id !== ''
  }, 20_000), 'the laptop lists it as the phone member\'s document')
  const got = await docs.get(room, id, { dir: tempDir(t), stallMs: 15_000 })
  t.equal(sha(await fs.readFile(got.file)), sha(photo), 'and fetches it with get: the sha256 matches')
  await row.waitFor({ state: 'visible' })
  t.ok(await eventually(async () => await page.locator('#doc-list li', { hasText: 'photo.jpg' }).count() === 1, 15_000, 100), 'the page lists its own upload after the update')
  await context.close()
})

t.test('the page says why an upload is refused, and the next one goes through', async (t) => {
  if (!requirePrerequisite(t, 'Chromium and the built page', browserMissing())) return
  const awa = await peer(t, 'Awa', { web: { port: 0, host: '127.0.0.1', phoneDocsBytes: 4096 } })
  const fatou = await peer(t, 'Fatou')
  const { invite } = await awa.createRoom('atelier')
  await fatou.joinRoom(invite)
  await link(t, awa, fatou)
  const room = fatou.rooms.resolve('atelier')
  const docs = await contextOf(fatou).documents()
  const browser = await launchBrowser(t)
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'en-US' })
  const page = await context.newPage()
  await page.goto(`http://127.0.0.1:${(nodeOf(awa).web as { port: number }).port}/#${invite}`, { waitUntil: 'load' })
  await page.fill('#name-input', 'Moussa')
  await page.click('#name-form button[type=submit]')
  await page.locator('#chat').waitFor({ state: 'visible' })

  await page.setInputFiles('#doc-file', { name: 'big.bin', mimeType: 'application/octet-stream', buffer: randomBytes(10_000) })
  t.ok(await eventually(async () => /refused the document: .*does not fit/.test(await page.textContent('#doc-status') ?? ''), 20_000, 100), 'over the per-phone cap: the page says the host refused it')
  await page.setInputFiles('#doc-file', { name: 'small.txt', mimeType: 'text/plain', buffer: Buffer.from('petit fichier') })
  t.ok(await eventually(async () => /Shared: small\.txt/.test(await page.textContent('#doc-status') ?? ''), 20_000, 100), 'a file within the cap is shared')
  t.ok(await eventually(async () => (await docs.list(room)).some((d) => d.name === 'small.txt'), 20_000), 'the laptop lists it (positive marker)')
  t.same((await docs.list(room)).filter((d) => d.authorName === 'Moussa').map((d) => d.name), ['small.txt'], 'and never the refused one')
  await context.close()
})
