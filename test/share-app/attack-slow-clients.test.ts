// Attack on `tamtam share-app` (issue 17, finding 7), with no invite and no account: one
// laptop on the Wi-Fi opens 32 slow downloads of the tarball (each reads 1 KiB/s, so the
// connection never looks idle) and 4 slow-headers senders (one header byte every 2 s),
// and reconnects every one of them as soon as it is closed. Meanwhile an honest visitor on
// another host opens the page and downloads the tarball. Everything runs as real
// processes on namespace hosts: `tamtam share-app` on one, the attacker's and the
// visitor's scripts on the others.
//
// Figure printed: how long the honest visitor waited for the page, and how long the
// server let each kind of slow client hold a connection.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { BIN, childEnv } from '../helpers/cli.js'
import { createLan, skipUnlessLan } from '../helpers/lan.js'
import { eventually, tempDir } from '../helpers/peers.js'

const ATTACK_MS = 45_000
const SLOW_READERS = 32
const SLOW_HEADERS = 4

/** The attacker: keeps SLOW_READERS slow downloads and SLOW_HEADERS slow-headers senders open for ATTACK_MS. */
const ATTACKER = `
const net = require('node:net')
const [host, port, file, ms, readers, headers] = process.argv.slice(2)
const started = Date.now()
const end = started + Number(ms)
const stats = { readers: { opened: 0, answered: 0, heldMs: [], maxOpenAnswered: 0 }, headers: { opened: 0, heldMs: [], answered: 0 } }
let openAnswered = 0
function reader () {
  if (Date.now() >= end) return
  stats.readers.opened++
  const s = net.connect(Number(port), host)
  const at = Date.now()
  let answered = false
  let status = null
  s.setNoDelay(true)
  s.on('connect', () => { s.write('GET /' + file + ' HTTP/1.1\\r\\nHost: ' + host + ':' + port + '\\r\\n\\r\\n'); s.pause() })
  // Read 1 KiB a second: always a little progress, so an idle timeout never fires.
  const timer = setInterval(() => {
    const chunk = s.read(1024) ?? s.read()
    if (chunk === null || status !== null) return
    status = chunk.toString('latin1', 9, 12)
    if (status !== '200') return s.destroy()
    answered = true
    stats.readers.answered++
    openAnswered++
    stats.readers.maxOpenAnswered = Math.max(stats.readers.maxOpenAnswered, openAnswered)
  }, 1000)
  // A refusal ends the stream: read it at once, so the close is seen.
  s.on('end', () => s.destroy())
  s.on('error', () => {})
  s.on('close', () => {
    clearInterval(timer)
    if (answered) { openAnswered--; stats.readers.heldMs.push(Date.now() - at) }
    setTimeout(reader, 100)
  })
  setTimeout(() => s.destroy(), Math.max(0, end - Date.now())).unref()
}
function slowHeaders () {
  if (Date.now() >= end) return
  stats.headers.opened++
  const s = net.connect(Number(port), host)
  const at = Date.now()
  let sent = 0
  const text = 'GET / HTTP/1.1\\r\\nHost: x\\r\\nX-' + 'a'.repeat(1000)
  const timer = setInterval(() => { if (sent < text.length) s.write(text[sent++]) }, 2000)
  s.on('connect', () => s.write(text[sent++]))
  s.on('data', () => { stats.headers.answered++ })
  s.on('error', () => {})
  s.on('close', () => {
    clearInterval(timer)
    stats.headers.heldMs.push(Date.now() - at)
    setTimeout(slowHeaders, 100)
  })
  setTimeout(() => s.destroy(), Math.max(0, end - Date.now())).unref()
}
for (let i = 0; i < Number(readers); i++) reader()
for (let i = 0; i < Number(headers); i++) slowHeaders()
setTimeout(() => { console.log(JSON.stringify(stats)); process.exit(0) }, Number(ms) + 500)
`

/** The honest visitor: tries the page every 250 ms until it loads, then downloads the tarball. */
const VISITOR = `
const { createHash } = require('node:crypto')
const [base, file, giveUpMs] = process.argv.slice(2)
;(async () => {
  const started = Date.now()
  let tries = 0
  let page = null
  while (Date.now() - started < Number(giveUpMs)) {
    tries++
    try {
      const r = await fetch(base, { signal: AbortSignal.timeout(3000) })
      const text = await r.text()
      if (r.status === 200) { page = text; break }
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  const pageMs = Date.now() - started
  let sha256 = null
  let tarballMs = null
  if (page !== null) {
    const at = Date.now()
    try {
      const r = await fetch(base + file, { signal: AbortSignal.timeout(60000) })
      sha256 = createHash('sha256').update(Buffer.from(await r.arrayBuffer())).digest('hex')
      tarballMs = Date.now() - at
    } catch {}
  }
  console.log(JSON.stringify({ pageMs, tries, got: page !== null, fingerprintNote: page !== null && /compare/i.test(page) && /comparez/i.test(page), sha256, tarballMs }))
})()
`

/** The last stdout line of a script, parsed; a script that printed none throws with its stderr. */
function lastJson (r: { stdout: string, stderr: string, code: number | null }, who: string): Record<string, any> {
  const line = r.stdout.trim().split('\n').pop() ?? ''
  if (line === '') throw new Error(`${who} printed nothing (exit ${r.code}): ${r.stderr}`)
  return JSON.parse(line)
}

const max = (xs: number[]): number => xs.reduce((a, b) => Math.max(a, b), 0)

/** Start `tamtam share-app --json` on a host; resolves with its 'serving' line. */
async function startSharer (t: any, lan: Awaited<ReturnType<typeof createLan>>, home: string): Promise<{ child: ChildProcess, serving: Record<string, any>, events: () => Array<Record<string, any>> }> {
  const child = lan.spawn('sharer', [process.execPath, BIN, '--home', home, '--json', 'share-app', '--port', '8080'], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  let out = ''
  child.stdout?.on('data', (d) => { out += String(d) })
  child.stderr?.on('data', (d) => { out += String(d) })
  const ok = await eventually(() => /"event":"serving"/.test(out) || child.exitCode !== null, 240_000, 100)
  if (!ok || child.exitCode !== null) throw new Error(`share-app did not start: ${out}`)
  const line = out.split('\n').find((l) => l.includes('"event":"serving"')) as string
  const events = (): Array<Record<string, any>> => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l))
  return { child, serving: JSON.parse(line), events }
}

t.test('32 slow downloads and slow-headers senders from one laptop do not keep an honest visitor out', { timeout: 300_000 }, async (t) => {
  if (!skipUnlessLan(t)) return
  const lan = await createLan({ segments: { wifi: ['sharer', 'attacker', 'visitor'] } })
  t.teardown(() => lan.destroy())
  const dir = tempDir(t)
  const attackerJs = path.join(dir, 'attacker.cjs')
  const visitorJs = path.join(dir, 'visitor.cjs')
  writeFileSync(attackerJs, ATTACKER)
  writeFileSync(visitorJs, VISITOR)

  const { child: sharer, serving, events } = await startSharer(t, lan, path.join(dir, 'home'))
  const host = lan.host('sharer').ip
  const base = `http://${host}:${serving.port}/`
  const { name, sha256, size } = serving.tarball
  t.comment(`sharing ${name} (${(size / 1048576).toFixed(1)} MiB) at ${base}`)

  const attack = lan.exec('attacker', [process.execPath, attackerJs, host, String(serving.port), name, String(ATTACK_MS), String(SLOW_READERS), String(SLOW_HEADERS)], { timeout: ATTACK_MS + 30_000 })
  await new Promise((resolve) => setTimeout(resolve, 3_000))
  const visit = await lan.exec('visitor', [process.execPath, visitorJs, base, name, String(ATTACK_MS - 5_000)], { timeout: ATTACK_MS + 60_000 })
  const attacked = await attack
  const visitor = lastJson(visit, 'visitor')
  const stats = lastJson(attacked, 'attacker')

  t.comment(`honest visitor: ${visitor.got === true ? `page after ${visitor.pageMs} ms (${visitor.tries} tries), tarball in ${visitor.tarballMs} ms` : `no page in ${visitor.pageMs} ms of attack (${visitor.tries} tries)`}`)
  t.comment(`attacker's view: ${stats.readers?.opened} slow downloads opened, ${stats.readers?.answered} answered, at most ${stats.readers?.maxOpenAnswered} at once, held at most ${max(stats.readers?.heldMs ?? [])} ms; ${stats.headers?.opened} slow-headers connections, held at most ${max(stats.headers?.heldMs ?? [])} ms`)
  t.ok(visitor.got, 'the honest visitor gets the page during the attack')
  t.ok(visitor.pageMs < 3_000, `and waits under 3 s for it (waited ${visitor.pageMs} ms)`)
  t.equal(visitor.sha256, sha256, 'the tarball downloaded during the attack matches the fingerprint shown on the sharer\'s screen')
  t.ok(visitor.fingerprintNote, 'the page asks, in French and English, to compare the fingerprint with the sharer\'s screen')
  // What the server did with the attacker's downloads, from its own events (the attacker
  // cannot tell: a cut download's last megabytes still sit in the kernel's buffers).
  const attacker = lan.host('attacker').ip
  const cut = events().filter((e) => e.event === 'served' && e.ip === attacker && e.path === `/${name}`).map((e) => ({ from: e.ts - e.ms, to: e.ts as number, ms: e.ms as number }))
  const overlap = max(cut.map((a) => cut.filter((b) => b.from <= a.from && a.from < b.to).length))
  t.comment(`server side: ${cut.length} attacker downloads served, at most ${overlap} at once, each held at most ${max(cut.map((c) => c.ms))} ms`)
  t.ok(overlap <= 4, `one address holds at most 4 downloads at once (held ${overlap})`)
  t.ok(cut.length > 0 && max(cut.map((c) => c.ms)) <= 40_000, `a download read at 1 KiB/s is cut within 40 s (longest ${max(cut.map((c) => c.ms))} ms)`)
  t.equal(sharer.exitCode, null, 'share-app is still running after the attack')
  const after = lastJson(await lan.exec('visitor', [process.execPath, visitorJs, base, name, '5000'], { timeout: 90_000 }), 'visitor')
  t.equal(after.sha256, sha256, 'and serves the tarball after cutting slow clients off')
  const headersHeld = stats.headers.heldMs.slice(0, -SLOW_HEADERS) as number[]
  t.ok(headersHeld.length > 0 && max(headersHeld) <= 15_000, `a slow-headers sender is cut within 15 s (longest ${max(headersHeld)} ms)`)
})
