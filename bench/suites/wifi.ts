/**
 * Delivery on the slow, lossy Wi-Fi of a crowded room (issue 19), on namespace LANs whose
 * links go through ../shared/tools/link-impair.py (this kernel has no netem):
 * - two peers on a clean link, with a raw TCP round trip / 2 on the same link as baseline;
 * - two peers, 20 ms each way, without and with 5% loss;
 * - a line of 5 hosts, 20 ms on each link, author at one end and receiver at the other (the
 *   hosts do not forward IP: the three tamtam nodes in between relay the log);
 * - a late joiner catching up on 20,000 messages from one peer on a clean link.
 * Every series is real `tamtam up --json` nodes; a latency is the receiver's `append` event
 * time minus the author's append time (the namespaces share one clock). With --cabal, each
 * series runs again with Cabal on a LAN built the same way (bench/lib/cabal.ts).
 */
import { cpus, loadavg } from 'node:os'
import { Tamtam } from '../../src/tamtam.js'
import type { Lan } from '../../harness/netns/index.js'
import type { BenchContext, Measure } from '../lib/measure.js'
import { ControlClient, isUp, needNetns, paths, roomHomesInProcess, runHelper, startHelper, stopAll, TamtamNode, type Event } from '../lib/lan-node.js'
import { NetnsLan } from '../lib/netns.js'
import { message, type AppendRecord } from './foundation.js'
import { arrival, sendSeries, warmUp } from './lan-delivery.js'
import { latencyFigure, updateWifiDoc, wifiText, type WifiFigure } from '../report/wifi-report.js'

const ROOM = 'bench'
/** The series: 30 messages 300 ms apart, after a few uncounted ones (lan-delivery.ts sends 3). */
const PLAN = { messages: 30, spacingMs: 300, warm: 3 }
const PINGS = 40
const PING_ATTEMPTS = 3
const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))
/** Hubs stop by themselves after this long, should a run hang; the LAN's teardown stops them anyway. */
const HUB_SECONDS = 600

/** One delivery series: how many hosts in a line, and what each link does to frames. */
export interface WifiSeries {
  /** Figure id prefix: `wifi.<key>.tamtam`, `.cabal`, `.tcp`. */
  key: string
  label: string
  hosts: number
  delayMs: number
  loss: number
}

export const SERIES: WifiSeries[] = [
  { key: 'clean', label: 'two peers, clean link', hosts: 2, delayMs: 0, loss: 0 },
  { key: 'delay20', label: 'two peers, 20 ms each way', hosts: 2, delayMs: 20, loss: 0 },
  { key: 'loss5', label: 'two peers, 20 ms each way, 5% loss', hosts: 2, delayMs: 20, loss: 0.05 },
  { key: 'line5', label: 'line of 5 hosts (4 hops), 20 ms each link', hosts: 5, delayMs: 20, loss: 0 }
]

const LATE_MESSAGES = 20_000
const LATE_BATCH = 1_000
const LATE_RUNS = 3

/**
 * A LAN for `series`: one bridge for two peers, a line otherwise, every link impaired (both
 * directions) unless the series is clean; torn down after `fn`, whatever happens.
 */
async function onLan<T> (series: WifiSeries, fn: (lan: NetnsLan) => Promise<T>): Promise<T> {
  const lan = series.hosts === 2 ? await NetnsLan.create(2) : await NetnsLan.line(series.hosts)
  try {
    if (series.delayMs > 0 || series.loss > 0) {
      for (const segment of lan.segments) await lan.impair(segment, { delayMs: series.delayMs, loss: series.loss, seconds: HUB_SECONDS, seed: 19 })
    }
    return await fn(lan)
  } finally {
    await lan.destroy()
  }
}

/**
 * Raw TCP round trips from host 1 to host 0 (echo server there), halved: the link's one-way
 * floor. The hub forwards only once its Python has started, which on a loaded machine can
 * take longer than ARP waits (EHOSTUNREACH), so a failed connection is tried again, bounded.
 */
async function tcpOneWay (lan: NetnsLan, script: string): Promise<number[]> {
  const { log, ready } = await startHelper(lan, 0, script, ['echo'])
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await runHelper(lan, 1, script, ['ping', lan.host(0).ip, String(ready.port), String(PINGS), '20'], 60_000)
        return (r.rtts as number[]).map((ms) => ms / 2)
      } catch (err) {
        if (attempt >= PING_ATTEMPTS) throw err
        await sleep(1000)
      }
    }
  } finally {
    await log.stop(2000)
  }
}

/** Author on host 0, receiver on the last host, relays between; latencies of the plan's series at the receiver. */
async function tamtamSeries (ctx: BenchContext, series: WifiSeries, lan: NetnsLan, homes: string[]): Promise<{ latencies: number[], missing: number }> {
  const { bin } = paths(ctx.root)
  const nodes = homes.map((home, i) => TamtamNode.spawn(lan, i, bin, home))
  let client: ControlClient | null = null
  try {
    await Promise.all(nodes.map(async (n) => await n.waitFor(isUp, 60_000, 'up')))
    client = await ControlClient.connect(nodes[0].socket)
    const receiver = nodes[nodes.length - 1]
    const prefix = await warmUp(client, [receiver])
    const sent = await sendSeries(PLAN, client)
    const last = Math.max(...sent.map((s) => s.seq))
    await receiver.waitFor(arrival(prefix, last), 30_000, 'delivery').catch(() => null)
    const latencies: number[] = []
    for (const s of sent) {
      const got: Event | undefined = receiver.events.find(arrival(prefix, s.seq))
      if (got !== undefined) latencies.push(Number(got.ts) - s.ts)
    }
    ctx.progress(`  ${series.label}: tamtam p50 ${median(latencies).toFixed(0)} ms over ${latencies.length} of ${sent.length}`)
    return { latencies, missing: sent.length - latencies.length }
  } finally {
    client?.close()
    await stopAll(nodes)
  }
}

/** The machine's 1-minute load average now: other work on these 2 cores slows every figure. */
const loadNote = (): string => `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores when the series started`

const median = (xs: number[]): number => xs.length === 0 ? Number.NaN : [...xs].sort((a, b) => a - b)[xs.length >> 1]

async function measureTamtam (ctx: BenchContext, series: WifiSeries): Promise<WifiFigure[]> {
  needNetns()
  const { child } = paths(ctx.root)
  const homes = await roomHomesInProcess(await ctx.scratch.dir(`wifi-${series.key}`), series.hosts, ROOM)
  return await onLan(series, async (lan) => {
    const load = loadNote()
    const floor = series.hosts === 2 ? await tcpOneWay(lan, child) : null
    const { latencies, missing } = await tamtamSeries(ctx, series, lan, homes)
    if (latencies.length === 0) throw new Error(`${series.label}: no message arrived`)
    const sent = missing > 0 ? `incomplete: ${missing} of ${PLAN.messages} missing after 30 s` : `${PLAN.messages} messages ${PLAN.spacingMs} ms apart after ${PLAN.warm} uncounted`
    const note = `${sent}; ${load}`
    const figures = [latencyFigure(`wifi.${series.key}.tamtam`, series.label, 'tamtam', latencies, note)]
    if (floor !== null) figures.push(latencyFigure(`wifi.${series.key}.tcp`, series.label, 'raw TCP round trip / 2', floor, `${PINGS} round trips of 64 bytes on the same link, before the nodes start`))
    return figures
  })
}

// Cabal ----------------------------------------------------------------------------------

/** What bench/lib/cabal.ts exports (written on another branch; see loadCabal). */
interface CabalApi {
  cabalDelivery: (lan: Lan, hosts: string[], plan: typeof PLAN, scratchDir: string) => Promise<number[]>
  cabalLateJoin: (lan: Lan, hosts: [string, string], messages: number, scratchDir: string) => Promise<{ ms: number, perSecond: number, connectMs?: number, downloadedMs?: number }>
}

/**
 * Loaded only with --cabal, since it needs packages installed for the bench alone. The
 * specifier is a variable so that tsc accepts this file while bench/lib/cabal.ts is absent.
 */
async function loadCabal (): Promise<CabalApi> {
  const specifier = '../lib/cabal.js'
  try {
    return await import(specifier) as CabalApi
  } catch (err) {
    throw new Error(`--cabal needs bench/lib/cabal.ts built into dist/bench/lib/cabal.js: ${(err as Error).message}`)
  }
}

async function measureCabal (ctx: BenchContext, series: WifiSeries): Promise<WifiFigure[]> {
  needNetns()
  const cabal = await loadCabal()
  const scratch = await ctx.scratch.dir(`wifi-cabal-${series.key}`)
  return await onLan(series, async (lan) => {
    const hosts = lan.hosts.map((h) => h.name)
    const load = loadNote()
    const latencies = await cabal.cabalDelivery(lan.harness, hosts, PLAN, scratch)
    if (latencies.length === 0) throw new Error(`${series.label}: Cabal delivered nothing`)
    ctx.progress(`  ${series.label}: Cabal p50 ${median(latencies).toFixed(0)} ms over ${latencies.length}`)
    return [latencyFigure(`wifi.${series.key}.cabal`, series.label, 'Cabal', latencies, `cabal-core, ${latencies.length} of ${PLAN.messages} delivered; ${load}`)]
  })
}

// Late joiner ----------------------------------------------------------------------------

/** Homes in one room: home 0 holds LATE_MESSAGES messages appended through the library, the others nothing yet. */
async function lateHomes (ctx: BenchContext): Promise<{ homes: string[], prefix: string, length: number }> {
  const homes = await roomHomesInProcess(await ctx.scratch.dir('wifi-late'), 1 + LATE_RUNS, ROOM)
  const tt = new Tamtam({ home: homes[0] })
  try {
    await tt.open()
    const own = (await tt.logs(tt.rooms.resolve(ROOM))).own
    for (let i = 0; i < LATE_MESSAGES; i += LATE_BATCH) {
      const batch: AppendRecord[] = Array.from({ length: LATE_BATCH }, (_, j) => message(i + j))
      await own.append(batch)
    }
    // A message id starts with the first 16 hex digits of its core key (see lan-delivery.ts).
    return { homes, prefix: own.key.slice(0, 16), length: own.core.length }
  } finally {
    await tt.close()
  }
}

/** Wall times of a late join and the rate they give, as two figures `id` and `id.rate`. */
function lateFigures (id: string, name: string, walls: number[], note: string): WifiFigure[] {
  const measure = `late joiner, ${LATE_MESSAGES.toLocaleString('en')} messages`
  return [
    latencyFigure(id, measure, name, walls, note),
    latencyFigure(`${id}.rate`, measure, `${name}: messages per second`, walls.map((ms) => LATE_MESSAGES / (ms / 1000)), undefined, 'msg/s')
  ]
}

/** Spawn to the receiver's `append` event showing the author's whole log, once per fresh receiver home. */
async function measureLateJoin (ctx: BenchContext): Promise<WifiFigure[]> {
  needNetns()
  const { bin } = paths(ctx.root)
  const t0 = Date.now()
  const load = loadNote()
  const { homes, prefix, length } = await lateHomes(ctx)
  ctx.progress(`  author's home holds ${length} blocks, made in ${Date.now() - t0} ms`)
  const walls: number[] = []
  const ups: number[] = []
  const lan = await NetnsLan.create(2)
  const author = TamtamNode.spawn(lan, 0, bin, homes[0])
  try {
    await author.waitFor(isUp, 60_000, 'author up')
    for (const home of homes.slice(1)) {
      const receiver = TamtamNode.spawn(lan, 1, bin, home)
      try {
        const all = await receiver.waitFor(arrival(prefix, length - 1), 180_000, 'late joiner caught up')
        walls.push(Number(all.ts) - receiver.spawnedAt)
        const since = (name: string): number => Number(receiver.events.find((e) => e.event === name)?.ts) - receiver.spawnedAt
        const appends = receiver.events.filter((e) => e.event === 'append').length
        ups.push(since('up'))
        ctx.progress(`  late joiner had all ${length} blocks ${walls[walls.length - 1]} ms after its spawn (up at ${since('up')} ms, connected at ${since('connected')} ms; ${appends} append events)`)
      } finally {
        await receiver.stop()
      }
    }
  } finally {
    await author.stop()
    await lan.destroy()
  }
  const note = `${LATE_RUNS} fresh receivers in turn, one peer, clean link; \`tamtam up\` spawn to the \`append\` event showing every block; of which spawn to \`up\` p50 ${median(ups)} ms; ${load}`
  const fromUp = walls.map((ms, i) => ms - ups[i])
  return [
    ...lateFigures('wifi.late.tamtam', 'tamtam, from the spawn of `tamtam up`', walls, note),
    // Cabal's figure starts at its ready event: this one is the like-for-like comparison.
    ...lateFigures('wifi.late.tamtam.up', 'tamtam, from its `up` event', fromUp, 'the same runs, without process start and store open')
  ]
}

async function measureCabalLateJoin (ctx: BenchContext): Promise<WifiFigure[]> {
  needNetns()
  const cabal = await loadCabal()
  const load = loadNote()
  const scratch = await ctx.scratch.dir('wifi-cabal-late')
  const lan = await NetnsLan.create(2)
  try {
    const r = await cabal.cabalLateJoin(lan.harness, [lan.host(0).name, lan.host(1).name], LATE_MESSAGES, scratch)
    const parts = r.connectMs === undefined ? '' : `; first peer at ${r.connectMs.toFixed(0)} ms, feed downloaded at ${r.downloadedMs?.toFixed(0) ?? '?'} ms, then indexed`
    return lateFigures('wifi.late.cabal', 'Cabal, from its ready event', [r.ms], `one run of cabalLateJoin (bench/lib/cabal.ts), until its messages view holds them all${parts}; ${load}`)
  } finally {
    await lan.destroy()
  }
}

/** The measures in run order; the Cabal ones only with --cabal. */
export function wifiMeasures (ctx?: BenchContext): Measure[] {
  const cabal = ctx?.flags.cabal === true
  const out: Measure[] = []
  for (const s of SERIES) {
    out.push({ id: `wifi-${s.key}`, title: `delivery, ${s.label}`, run: async (c) => await measureTamtam(c, s) })
    if (cabal) out.push({ id: `wifi-cabal-${s.key}`, title: `Cabal delivery, ${s.label}`, run: async (c) => await measureCabal(c, s) })
  }
  out.push({ id: 'wifi-late', title: `late joiner, ${LATE_MESSAGES} messages`, run: measureLateJoin })
  if (cabal) out.push({ id: 'wifi-cabal-late', title: `Cabal late joiner, ${LATE_MESSAGES} messages`, run: measureCabalLateJoin })
  return out
}

/** The suite, as bench/run.ts lists it. */
export const wifiSuite = { name: 'wifi', measures: wifiMeasures, text: wifiText, writeDoc: updateWifiDoc }
