/**
 * Phones (issue 20): a host runs `tamtam up --web`, a laptop member is linked to it on
 * loopback, and phones join from real Chromium (bench/lib/phone-page.ts) or as Node phones
 * speaking the same protocol (bench/lib/phone.ts). Measured: open → history painted, phone →
 * laptop delivery with 1 and 30 phones against the laptop CLI's own delivery, page weight,
 * and the host's memory and CPU per phone session.
 */
import os from 'node:os'
import { gzipSync } from 'node:zlib'
import { launchChromium } from '../lib/chromium.js'
import { figure, against, type BenchContext, type Figure, type Measure } from '../lib/measure.js'
import { BenchPhone } from '../lib/phone.js'
import { arrivalOf, ROOM, startPhoneNodes, usage, type PhoneNodes } from '../lib/phone-nodes.js'
import { firstVisit, markedContext, returningOpen, timedOpen, type Marks } from '../lib/phone-page.js'
import { markdownSection, targetLines, textTable, updateDoc, type BenchResult, type Target } from '../report/report.js'

const HISTORY = 200
const RETURNING_RUNS = 20
const FIRST_RUNS = 5
const SERIES = 30
/**
 * A phone socket may carry 50 frames per 10 s (src/web/server.ts DEFAULT_SOCKET_LIMITS); a
 * page sends one per message plus paced history and `dms` reads on the updates it causes:
 * 600 ms apart stays under the quota.
 */
const SPACING_MS = 600
const CROWD = 30
const CROWD_ROUNDS = 10
const CROWD_PERIOD_MS = 1000
const IDLE_LEVELS = [0, 10, 30, 64]
const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

async function withNodes<T> (ctx: BenchContext, fn: (n: PhoneNodes) => Promise<T>): Promise<T> {
  const nodes = await startPhoneNodes(ctx, HISTORY)
  try {
    return await fn(nodes)
  } finally {
    await nodes.stop()
  }
}

/**
 * Phones `from`..`to`-1, each from its own loopback address (the host caps sockets per
 * address), each re-reading the history on every update as the page does.
 */
async function joinPhones (n: PhoneNodes, from: number, to: number): Promise<BenchPhone[]> {
  const out: BenchPhone[] = []
  for (let i = from; i < to; i++) {
    const phone = await BenchPhone.join(`${n.base.replace('http', 'ws')}/ws`, n.room, `phone${i}`, `127.0.1.${i + 1}`)
    phone.follow = true
    out.push(phone)
  }
  return out
}

/** History reads per second per phone over `ms`, from each phone's count since `before`. */
const readRate = (phones: BenchPhone[], before: number[], ms: number): string =>
  (phones.reduce((sum, p, i) => sum + p.reads - before[i], 0) / phones.length / (ms / 1000)).toFixed(1)

/** What was sent, and when (bench clock, before the send left). */
interface Sent { prefix: string, seq: number, at: number }

/** Latencies to the laptop's `append` event of each sent block; waits (bounded) for the last ones. */
async function delivered (n: PhoneNodes, sent: Sent[]): Promise<{ ms: number[], missing: number }> {
  await Promise.all(sent.map(async (s) => await n.laptop.waitFor(arrivalOf(s.prefix, s.seq), 30_000, 'delivery').catch(() => null)))
  const ms: number[] = []
  for (const s of sent) {
    const e = n.laptop.events.find(arrivalOf(s.prefix, s.seq))
    if (e !== undefined) ms.push(Number(e.ts) - s.at)
  }
  return { ms, missing: sent.length - ms.length }
}

/**
 * `count` sends `spacingMs` apart by `send`, each timed from just before it left. With
 * `untilClosed`, a send that fails (the host closed the phone) ends the series quietly.
 */
async function spaced (count: number, spacingMs: number, send: () => Promise<{ prefix: string, seq: number }>, untilClosed = false): Promise<Sent[]> {
  const t0 = Date.now()
  const out: Sent[] = []
  for (let i = 0; i < count; i++) {
    const wait = t0 + i * spacingMs - Date.now()
    if (wait > 0) await sleep(wait)
    const at = Date.now()
    try {
      out.push({ ...await send(), at })
    } catch (err) {
      if (!untilClosed) throw err
      break
    }
  }
  return out
}

/** How many of `phones` the host closed, and with which codes. */
function closedNote (phones: BenchPhone[]): string {
  const codes = phones.map((p) => p.closedWith).filter((c): c is number => c !== null)
  return codes.length === 0 ? 'no phone closed' : `${codes.length} of ${phones.length} phones closed by the host (codes ${[...new Set(codes)].join(', ')}; 1008: frame quota)`
}

const cliSend = (n: PhoneNodes) => async (): Promise<{ prefix: string, seq: number }> => {
  const r = await n.hostCtl.request<{ id: string, seq: number }>('send', { room: ROOM, text: 'from the host\'s CLI' })
  return { prefix: r.id.slice(0, 16), seq: r.seq } // a message id is the first 16 hex digits of its core key, a dot, its seq
}

const phoneSend = (p: BenchPhone) => async (): Promise<{ prefix: string, seq: number }> => ({ prefix: p.core.slice(0, 16), seq: await p.write('from a phone') })

function latencyFigure (id: string, name: string, r: { ms: number[], missing: number }, note: string): Figure {
  return figure('phone → laptop delivery', name, 'ms', r.ms.length > 0 ? r.ms : [Number.NaN], `${r.missing > 0 ? `${r.missing} missing after 30 s; ` : ''}${note}`, { p99: true, id })
}

async function measureDelivery (ctx: BenchContext): Promise<Figure[]> {
  return await withNodes(ctx, async (n) => {
    await delivered(n, await spaced(5, SPACING_MS, cliSend(n))) // warm-up
    const cli = latencyFigure('phones.cli', 'laptop CLI: host `send` to the laptop', await delivered(n, await spaced(SERIES, SPACING_MS, cliSend(n))), `${SERIES} messages ${SPACING_MS} ms apart over the control socket; baseline`)
    const [one] = await joinPhones(n, 0, 1)
    await delivered(n, await spaced(3, SPACING_MS, phoneSend(one)))
    const single = latencyFigure('phones.one', '1 phone session: phone send to the laptop', await delivered(n, await spaced(SERIES, SPACING_MS, phoneSend(one))), `${SERIES} signed appends ${SPACING_MS} ms apart`)
    const crowd = await joinPhones(n, 1, CROWD + 1)
    await delivered(n, (await Promise.all(crowd.map(async (p) => await spaced(1, 0, phoneSend(p))))).flat()) // the laptop opens every new hosted log
    const start = Date.now() + 200
    const reads = crowd.map((p) => p.reads)
    const before = await usage(n.host.child.pid as number)
    const sent = (await Promise.all(crowd.map(async (p, i) => { await sleep(start + i * (CROWD_PERIOD_MS / CROWD) - Date.now()); return await spaced(CROWD_ROUNDS, CROWD_PERIOD_MS, phoneSend(p), true) }))).flat()
    const after = await usage(n.host.child.pid as number)
    const many = latencyFigure('phones.crowd', `${CROWD} phone sessions writing at once: phone send to the laptop`, await delivered(n, sent),
      `each phone 1 message/s, staggered, ${CROWD_ROUNDS} s, and ${readRate(crowd, reads, Date.now() - start)} history reads/s (100 items, paced as the page paces them); host CPU ${((after.cpuMs - before.cpuMs) / sent.length).toFixed(1)} ms per message; ${closedNote(crowd)}`)
    // And back: the laptop writes, the phones that follow the room see it in their history.
    const backOne = await laptopToPhones(n, [one])
    const backMany = await laptopToPhones(n, crowd)
    for (const p of [one, ...crowd]) p.close()
    const back = (id: string, name: string, r: { ms: number[], missing: number }, note: string): Figure =>
      figure('laptop → phone delivery', name, 'ms', r.ms.length > 0 ? r.ms : [Number.NaN], `${r.missing > 0 ? `${r.missing} missing after 30 s; ` : ''}${note}`, { p99: true, id })
    return [cli, against(single, cli), against(many, cli),
      back('phones.back.one', '1 phone session: laptop `send` to the phone\'s history', backOne, `${SERIES} messages ${SPACING_MS} ms apart; the phone re-reads the history on each update, paced as the page is`),
      back('phones.back.crowd', `${CROWD} phone sessions: laptop \`send\` to each phone's history`, backMany, `${SERIES} messages ${SPACING_MS} ms apart, one latency per message and phone`)]
  })
}

/** Laptop → phones: SERIES messages from the laptop, each timed to its arrival in every phone's history. */
async function laptopToPhones (n: PhoneNodes, phones: BenchPhone[]): Promise<{ ms: number[], missing: number }> {
  const sent: Array<{ id: string, at: number }> = []
  for (let i = 0; i < SERIES; i++) {
    const at = Date.now()
    const r = await n.laptopCtl.request<{ id: string }>('send', { room: ROOM, text: `from the laptop ${i}` })
    sent.push({ id: r.id, at })
    await sleep(SPACING_MS)
  }
  const deadline = Date.now() + 30_000
  const all = (): boolean => sent.every((s) => phones.every((p) => p.itemsSeen.has(s.id)))
  while (!all() && Date.now() < deadline) await sleep(100)
  const ms: number[] = []
  for (const s of sent) for (const p of phones) { const at = p.itemsSeen.get(s.id); if (at !== undefined) ms.push(at - s.at) }
  return { ms, missing: sent.length * phones.length - ms.length }
}

/** The page-side split of an open: ms from navigation start, medians over the runs. */
function splitFigures (measure: string, marks: Marks[]): Figure[] {
  const series = (name: string, pick: (m: Marks) => number | null | undefined): Figure | null => {
    const v = marks.map(pick).filter((x): x is number => typeof x === 'number')
    return v.length === 0 ? null : figure(measure, name, 'ms', v, undefined, { p99: true })
  }
  return [
    series('page: navigation start → WebSocket made (page loaded, identity read)', (m) => m.wsMade),
    series('page: → WebSocket open', (m) => m.wsOpen),
    series('page: → handshake reply received (1st frame; §16 has one host message)', (m) => m.frames[0]),
    series('page: → welcome (2nd frame)', (m) => m.frames[1]),
    series('page: → first message painted', (m) => m.painted),
    series('page: WebSocket made → first message painted (tamtam\'s part, per run)', (m) => m.painted === null || m.wsMade === null ? null : m.painted - m.wsMade)
  ].filter((f): f is Figure => f !== null)
}

async function measureOpen (ctx: BenchContext): Promise<Figure[]> {
  return await withNodes(ctx, async (n) => {
    const browser = await launchChromium()
    try {
      const link = `${n.base}/#${n.invite}`
      const noInvite: number[] = []
      const form: number[] = []
      const join: number[] = []
      const firstMarks: Marks[] = []
      let returning = await markedContext(browser)
      for (let i = 0; i < FIRST_RUNS; i++) {
        const context = await markedContext(browser)
        const bare = await timedOpen(context, `${n.base}/`, '#status-text')
        noInvite.push(bare.wallMs)
        await bare.page.close()
        const v = await firstVisit(context, link, `Moussa ${i}`)
        form.push(v.formMs)
        join.push(v.joinMs)
        firstMarks.push(v.marks)
        await v.page.close()
        if (i === 0) returning = context // keeps its identity: every later open is a returning phone
        else await context.close()
      }
      const opens = []
      for (let i = 0; i < RETURNING_RUNS; i++) opens.push(await returningOpen(returning, link))
      const base = figure('open → painted', 'page with no invite: goto to its status shown', 'ms', noInvite, 'same page, no socket; baseline', { p99: true })
      const back = figure('open → painted', `returning phone: goto to the first message painted (${HISTORY} in history)`, 'ms', opens.map((o) => o.wallMs), 'identity in localStorage; driver clock', { p99: true, id: 'phones.returning' })
      return [
        base,
        against(back, base),
        against(figure('open → painted', 'first visit: goto to the name form shown', 'ms', form, `${FIRST_RUNS} fresh contexts`, { p99: true, id: 'phones.first' }), base),
        figure('open → painted', 'first visit: name submitted to the first message painted', 'ms', join, 'makes the identity, handshake, binds the hosted log', { p99: true }),
        ...splitFigures('open → painted, returning phone', opens.map((o) => o.marks)),
        ...splitFigures('open → painted, first visit after the name', firstMarks)
      ]
    } finally {
      await browser.close()
    }
  })
}

async function measureWeight (ctx: BenchContext): Promise<Figure[]> {
  return await withNodes(ctx, async (n) => {
    let raw = 0
    let gz = 0
    for (const file of ['/', '/app.js', '/app.css']) {
      const body = Buffer.from(await (await fetch(n.base + file)).arrayBuffer())
      raw += body.length
      gz += gzipSync(body).length
    }
    const browser = await launchChromium()
    try {
      const context = await markedContext(browser)
      const page = await context.newPage()
      const sizes: Array<Promise<number>> = []
      page.on('requestfinished', (req) => sizes.push(req.sizes().then((s) => s.responseBodySize + s.responseHeadersSize)))
      await page.goto(`${n.base}/#${n.invite}`, { waitUntil: 'load' })
      await page.locator('#name-form').waitFor({ state: 'visible' })
      const wire = (await Promise.all(sizes)).reduce((a, b) => a + b, 0)
      const m = 'page weight, first load'
      return [
        figure(m, 'index.html + app.js + app.css, raw (what crosses: the server does not gzip)', 'KB', [raw / 1000], undefined, { id: 'phones.weight' }),
        figure(m, 'the same, gzip (if it did)', 'KB', [gz / 1000]),
        figure(m, 'bytes Chromium received, headers included', 'KB', [wire / 1000]),
        figure(m, 'HTTP requests', 'requests', [sizes.length], 'to the name form; the WebSocket not counted')
      ]
    } finally {
      await browser.close()
    }
  })
}

/** RSS (median of 8 samples) and CPU use over 4 s of the host, after 2 s to settle. */
async function hostAt (pid: number): Promise<{ rss: number[], cpuMsPerS: number }> {
  await sleep(2000)
  const first = await usage(pid)
  const t0 = Date.now()
  const rss: number[] = []
  for (let i = 0; i < 8; i++) { await sleep(500); rss.push((await usage(pid)).rssMB) }
  return { rss, cpuMsPerS: ((await usage(pid)).cpuMs - first.cpuMs) / ((Date.now() - t0) / 1000) }
}

async function measureHost (ctx: BenchContext): Promise<Figure[]> {
  return await withNodes(ctx, async (n) => {
    const pid = n.host.child.pid as number
    const phones: BenchPhone[] = []
    const m = 'host cost per phone session'
    const figs: Figure[] = []
    let zero = Number.NaN
    let previous = { count: 0, rss: Number.NaN }
    const level = async (label: string, count: number, note: string): Promise<void> => {
      const at = await hostAt(pid)
      const rss = figure(m, `host RSS, ${label}`, 'MB', at.rss, note, { id: `phones.rss.${label.replace(/ /g, '-')}` })
      if (count === 0) zero = rss.median
      figs.push(rss, figure(m, `host CPU, ${label}`, 'ms/s', [at.cpuMsPerS], 'CPU time over 4 s, /proc ticks of 10 ms'))
      if (count > previous.count) {
        figs.push(figure(m, `RSS per session, ${previous.count} → ${count} idle`, 'MB', [(rss.median - previous.rss) / (count - previous.count)],
          `since 0 sessions: ${((rss.median - zero) / count).toFixed(2)} MB per session`))
      }
      previous = { count, rss: rss.median }
    }
    try {
      for (const count of IDLE_LEVELS) {
        const added = count - phones.length
        const c0 = await usage(pid)
        phones.push(...await joinPhones(n, phones.length, count))
        const joinCpu = added === 0 ? '' : `; joining cost the host ${(((await usage(pid)).cpuMs - c0.cpuMs) / added).toFixed(0)} ms CPU per new phone`
        await level(`${count} idle`, count, `${count} phones connected, bound, silent${joinCpu}`)
        if (count === CROWD) {
          const before = await usage(pid)
          const reads = phones.map((p) => p.reads)
          const t0 = Date.now()
          await Promise.all(phones.map(async (p, i) => { await sleep(i * (CROWD_PERIOD_MS / CROWD)); await spaced(CROWD_ROUNDS, CROWD_PERIOD_MS, phoneSend(p), true) }))
          const after = await usage(pid)
          const cpu = (after.cpuMs - before.cpuMs) / ((Date.now() - t0) / 1000)
          figs.push(figure(m, `host RSS, ${CROWD} active`, 'MB', [after.rssMB], `${CROWD} phones each writing 1 message/s for ${CROWD_ROUNDS} s; ${((after.rssMB - zero) / CROWD).toFixed(2)} MB per session since 0`))
          figs.push(figure(m, `host CPU, ${CROWD} active`, 'ms/s', [cpu], `${(cpu / CROWD).toFixed(2)} ms/s per active phone (per message), each phone also re-reading 100 items of history ${readRate(phones, reads, Date.now() - t0)} times/s, paced as the page paces it; ${closedNote(phones)}`))
        }
      }
    } finally {
      for (const p of phones) p.close()
    }
    return figs
  })
}

/** The machine's load average, as a figure: the runs share 2 cores with whatever else runs. */
const loadMeasure = (when: string): Measure => ({
  id: `phones-load-${when}`,
  title: `load average at the ${when}`,
  run: async () => [figure('machine', `load average over 1 min, at the ${when} of the suite`, 'load', [os.loadavg()[0]], `${os.cpus().length} cores`)]
})

export function phoneMeasures (): Measure[] {
  return [
    loadMeasure('start'),
    { id: 'phones-open', title: 'phone page: open → history painted (Chromium)', run: measureOpen },
    { id: 'phones-delivery', title: 'phone → laptop delivery, 1 and 30 phones', run: measureDelivery },
    { id: 'phones-weight', title: 'phone page weight', run: measureWeight },
    { id: 'phones-host', title: 'host cost per phone session', run: measureHost },
    loadMeasure('end')
  ]
}

const TARGETS: Target[] = [
  { label: 'returning phone, open → history painted, p99 under 1.5 s', figure: 'phones.returning', stat: 'p99', op: '<', limit: 1500 },
  { label: '1 phone, phone → laptop delivery, p99 under 250 ms', figure: 'phones.one', stat: 'p99', op: '<', limit: 250 },
  { label: `${CROWD} phones, phone → laptop delivery, p99 under 250 ms`, figure: 'phones.crowd', stat: 'p99', op: '<', limit: 250 },
  { label: '1 phone, laptop → phone delivery, p99 under 250 ms', figure: 'phones.back.one', stat: 'p99', op: '<', limit: 250 },
  { label: `${CROWD} phones, laptop → phone delivery, p99 under 250 ms`, figure: 'phones.back.crowd', stat: 'p99', op: '<', limit: 250 }
]

const INTRO = [
  'A host runs `tamtam up --web --lan-only --listen-only` and a laptop member `tamtam up --peer` to it, on',
  `loopback, in a room with ${HISTORY} messages. Chromium is Debian's, headless, driven by playwright-core`,
  '(360×740). Node phones (bench/lib/phone.ts) speak what the page speaks (§16 handshake, §17 frames,',
  'records signed with tweetnacl; on update nudges the latest 100 items re-read at most once a second and new',
  'private messages asked at most every 2 s, as the page does),',
  'each from its own 127.0.1.x address. Delivery is from just before the',
  'phone (or the host\'s control socket) sends to the laptop\'s `append` event. Ratios are against a',
  'baseline of the same run: the page with no invite, and the laptop CLI\'s own delivery on the same link.',
  'Run: `npm run build && node dist/bench/run.js phones`.'
]

/** Where the returning phone's open goes, from the page-side marks (medians). */
function reading (r: BenchResult): string[] {
  const at = (name: string): number | undefined => r.figures.find((f) => f.measure === 'open → painted, returning phone' && f.name.startsWith(name))?.median
  const bare = r.figures.find((f) => f.name.startsWith('page with no invite'))?.median
  const [made, open, shaken, welcome, painted] = ['page: navigation start', 'page: → WebSocket open', 'page: → handshake reply', 'page: → welcome', 'page: → first message'].map(at)
  if (made === undefined || open === undefined || shaken === undefined || welcome === undefined || painted === undefined || bare === undefined) return []
  const ms = (v: number): string => `${Math.round(v)} ms`
  return [
    '',
    `Where a returning phone's open goes (page clock, medians): ${ms(made)} loading the page and its script until it makes`,
    `its WebSocket (the same page with no invite, driver clock: ${ms(bare)}), ${ms(open - made)} for the socket to open,`,
    `${ms(shaken - open)} for the host's §16 reply, ${ms(welcome - shaken)} from there to the welcome (the page checks the reply with`,
    `tweetnacl, sends its proof and hello; the host opens the phone's hosted log), and ${ms(painted - welcome)} to the first message painted (one history read of 100 items,`,
    'rendering). History beyond 100 items costs nothing here: the',
    'page asks for the last 100 (web/src/session.ts). On a first visit the name form adds the identity, the binding',
    'and the hosted log\'s creation at the host.',
    '',
    'A phone may send 50 frames per 10 s (src/web/server.ts); a page spends one per message of its own, at most one',
    'history read per second and one `dms` request per 2 s on update nudges (web/src/session.ts, web/src/dm-sync.ts).',
    `The delivery series send one message every ${SPACING_MS} ms. Every history read opens each phone-signed item`,
    'again and checks its Ed25519 signature (src/log/hosted.ts); see "Phones: findings" below.'
  ]
}

const render = (r: BenchResult): string => markdownSection(r, { title: 'Phones (issue 20)', intro: INTRO, after: [...targetLines(r.figures, TARGETS).map((l) => `- ${l}`), ...reading(r)] })

/** The suite, as bench/run.ts lists it. */
export const phonesSuite = { name: 'phones', measures: phoneMeasures, text: textTable, writeDoc: async (file: string, r: BenchResult) => await updateDoc(file, r, render) }
