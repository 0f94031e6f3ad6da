/**
 * The LAN suite (DESIGN.md section 7), on real namespace hosts with the Internet cut:
 * 1. start to first connection of two nodes, against a bare `node -e 0` in a namespace;
 * 2. message delivery latency to 9 peers, against a raw TCP round trip on the same LAN;
 * 3. a 50 MB core over a 50 Mbit/s tbf link and over an unshaped one, against raw TCP.
 * Every node runs `tamtam up --lan-only`; every helper talks only to namespace addresses.
 */
import { readFile, rm } from 'node:fs/promises'
import { cpus } from 'node:os'
import path from 'node:path'
import type { BenchContext, Measure } from './foundation.js'
import { repeat } from './measure.js'
import { lanFigure, noteLoad, versus, type LanFigure } from './lan-report.js'
import { ControlClient, paths, roomHomes, runHelper, startHelper, TamtamNode, type Event } from './lan-node.js'
import { NetnsLan, netnsUnsupported } from './netns.js'

const ROOM = 'bench'
const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

/** Run `fn` on a fresh LAN of `hosts`, always tearing it down. */
async function withLan<T> (hosts: number, fn: (lan: NetnsLan) => Promise<T>): Promise<T> {
  const lan = await NetnsLan.create(hosts)
  try {
    return await fn(lan)
  } finally {
    await lan.destroy()
  }
}

/** Fail at once, before any setup, where namespace LANs cannot run (not root, no `ip netns`). */
function needNetns (): void {
  const reason = netnsUnsupported()
  if (reason !== null) throw new Error(`skipped: a namespace LAN needs root and 'ip netns' (${reason})`)
}

/** Stop every node (in parallel, each bounded). */
async function stopAll (nodes: TamtamNode[]): Promise<void> {
  await Promise.all(nodes.map(async (n) => await n.stop()))
}

// 1. Start to first connection --------------------------------------------------------

const CONNECT_RUNS = 20
const isConnected = (e: Event): boolean => e.event === 'connected'
const isUp = (e: Event): boolean => e.event === 'up'

/** Start both nodes at once; ms from spawn, and from the later 'up', to the first 'connected'. */
async function connectOnce (lan: NetnsLan, bin: string, homes: string[]): Promise<{ spawn: number, up: number, startup: number }> {
  const nodes = [TamtamNode.spawn(lan, 0, bin, homes[0]), TamtamNode.spawn(lan, 1, bin, homes[1])]
  try {
    // Both sides report the same connection; the earlier report is the one that counts.
    const connected = await Promise.all(nodes.map(async (n) => await n.waitFor(isConnected, 15_000, 'connected')))
    const ups = await Promise.all(nodes.map(async (n) => await n.waitFor(isUp, 5000, 'up')))
    const first = Math.min(...connected.map((e) => Number(e.ts)))
    const lastUp = Math.max(...ups.map((e) => Number(e.ts)))
    return { spawn: first - nodes[0].spawnedAt, up: first - lastUp, startup: lastUp - nodes[0].spawnedAt }
  } finally {
    await stopAll(nodes)
  }
}

async function measureConnect (ctx: BenchContext): Promise<LanFigure[]> {
  needNetns()
  const { bin } = paths(ctx.root)
  const homes = await roomHomes(bin, await ctx.scratch.dir('lan-connect'), 2, ROOM)
  return await withLan(2, async (lan) => {
    const bare = async (): Promise<number> => {
      const r = await lan.exec(0, process.execPath, ['-e', '0'], 30_000)
      if (r.code !== 0) throw new Error(`node -e 0 in a namespace failed: ${r.stderr}`)
      return r.ms
    }
    await bare()
    await connectOnce(lan, bin, homes) // uncounted: fills the file cache
    const base: number[] = []
    const spawn: number[] = []
    const up: number[] = []
    const startup: number[] = []
    await repeat(CONNECT_RUNS, 120_000, async (i) => {
      base.push(await bare())
      const r = await connectOnce(lan, bin, homes)
      spawn.push(r.spawn)
      up.push(r.up)
      startup.push(r.startup)
      if (i % 5 === 4) ctx.progress(`  connect run ${i + 1}: ${r.spawn} ms from spawn, ${r.up} ms from up`)
    }, 10)
    const baseFig = lanFigure('connect.baseline', 'first connection', '`node -e 0` in a namespace, spawn to exit', 'ms', base, { p99: true })
    const spawnFig = lanFigure('connect.spawn', 'first connection', 'two nodes started together: spawn to first `connected`', 'ms', spawn,
      { p99: true, note: 'both on one bridge; includes Node start, store open, beacon and Noise handshake' })
    const upFig = lanFigure('connect.up', 'first connection', 'later of the two `up` events to first `connected`', 'ms', up,
      { p99: true, note: 'excludes Node start; `up` is printed after the network started, so it can trail `connected` by a few ms' })
    const startFig = lanFigure('connect.startup', 'first connection', 'spawn to the later of the two `up` events', 'ms', startup,
      { p99: true, note: 'Node start, module loading, store and room logs open, control socket, listener and beacon; two nodes at once on this machine' })
    return [baseFig, versus(spawnFig, baseFig), versus(startFig, baseFig), upFig]
  })
}

// 2. Message delivery to 9 peers ----------------------------------------------------

const PEERS = 10
const MESSAGES = 50
const SPACING_MS = 100
const WARM_MESSAGES = 3
const PINGS = 50

interface Sent { id: string, seq: number, ts: number }

/** CPU time (user + system) used so far by process `pid`, in ms; /proc counts in ticks of 10 ms (CLK_TCK 100). */
async function cpuMs (pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ') // fields[0] is field 3 of proc(5)
  return (Number(fields[11]) + Number(fields[12])) * 10
}

/** CPU ms of every node, in node order (`ip netns exec` execs node, so the child pid is the node's). */
async function cpuOf (nodes: TamtamNode[]): Promise<number[]> {
  return await Promise.all(nodes.map(async (n) => await cpuMs(n.child.pid)))
}

/** Bounded wait until every node has `PEERS - 1` peers sharing the room (asked over the control socket). */
async function waitMesh (clients: ControlClient[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let counts: number[] = []
  for (let i = 0; i < 10_000 && Date.now() < deadline; i++) {
    counts = await Promise.all(clients.map(async (c) => {
      const peers = await c.request<Array<{ rooms: string[] }>>('peers', {})
      return peers.filter((p) => p.rooms.includes(ROOM)).length
    }))
    if (counts.every((n) => n >= PEERS - 1)) return
    await sleep(250)
  }
  throw new Error(`not every node reached ${PEERS - 1} peers in the room within ${timeoutMs} ms: ${counts.join(', ')}`)
}

/**
 * From the later 'up' to the moment every node shares the room with all the others: per
 * node, the time of its 'room' event for the last of its PEERS - 1 peers.
 */
function meshFigure (nodes: TamtamNode[]): LanFigure {
  const lastUp = Math.max(...nodes.map((n) => Number(n.events.find(isUp)?.ts)))
  const full = nodes.map((n) => {
    const seen = new Map<string, number>()
    for (const e of n.events) if (e.event === 'room' && e.room === ROOM && !seen.has(String(e.publicKey))) seen.set(String(e.publicKey), Number(e.ts))
    return seen.size >= PEERS - 1 ? Math.max(...seen.values()) : Number.NaN
  })
  return lanFigure('delivery.mesh', 'delivery, 10 peers', `last \`up\` to every node sharing the room with ${PEERS - 1} peers`, 'ms', [Math.max(...full) - lastUp],
    { note: 'one sample per run; ten nodes started together on this machine' })
}

/** The receiver's first 'append' event showing block `seq` of the core starting with `prefix`. */
const arrival = (prefix: string, seq: number) => (e: Event): boolean =>
  e.event === 'append' && String(e.core).startsWith(prefix) && Number(e.length) > seq

/** Send MESSAGES messages SPACING_MS apart over one control connection; the replies carry the append ts. */
async function sendSeries (client: ControlClient): Promise<Sent[]> {
  const t0 = Date.now()
  const pending: Array<Promise<Sent>> = []
  for (let i = 0; i < MESSAGES; i++) {
    const wait = t0 + i * SPACING_MS - Date.now()
    if (wait > 0) await sleep(wait)
    pending.push(client.request<Sent>('send', { room: ROOM, text: `bench message ${i}` }))
  }
  return await Promise.all(pending)
}

/** Raw TCP round trips between hosts 1 and 2 (echo server on 1). */
async function tcpRtt (lan: NetnsLan, script: string): Promise<number[]> {
  const { log, ready } = await startHelper(lan, 1, script, ['echo'])
  try {
    const r = await runHelper(lan, 2, script, ['ping', lan.host(1).ip, String(ready.port), String(PINGS), '20'], 30_000)
    return r.rtts as number[]
  } finally {
    await log.stop(2000)
  }
}

/** Start a node on every host and wait (bounded) until all of them share the room with all the others. */
async function startMesh (ctx: BenchContext, lan: NetnsLan, bin: string, homes: string[], nodes: TamtamNode[], clients: ControlClient[]): Promise<void> {
  nodes.push(...homes.map((home, i) => TamtamNode.spawn(lan, i, bin, home)))
  await Promise.all(nodes.map(async (n) => await n.waitFor(isUp, 60_000, 'up')))
  clients.push(...await Promise.all(nodes.map(async (n) => await ControlClient.connect(n.socket))))
  const t0 = Date.now()
  await waitMesh(clients, 60_000)
  ctx.progress(`  ${PEERS} nodes fully connected ${Date.now() - t0} ms after the last 'up'`)
}

/** Send a few uncounted messages so every receiver has opened the sender's log; returns the log's id prefix. */
async function warmUp (sender: ControlClient, receivers: TamtamNode[]): Promise<string> {
  let last: Sent | null = null
  for (let i = 0; i < WARM_MESSAGES; i++) last = await sender.request<Sent>('send', { room: ROOM, text: `warm-up ${i}` })
  const { id, seq } = last as Sent
  const prefix = id.slice(0, 16) // a message id is the first 16 hex digits of its core key, a dot, its seq
  await Promise.all(receivers.map(async (n) => await n.waitFor(arrival(prefix, seq), 30_000, 'warm-up delivery')))
  return prefix
}

/** The measured series: what was sent, and each node's CPU ms per message (idle use over the same span subtracted). */
async function series (sender: ControlClient, nodes: TamtamNode[], prefix: string): Promise<{ sent: Sent[], cpu: number[] }> {
  const before = await cpuOf(nodes)
  const t0 = Date.now()
  const sent = await sendSeries(sender)
  const lastSeq = Math.max(...sent.map((s) => s.seq))
  await Promise.all(nodes.slice(1).map(async (n) => await n.waitFor(arrival(prefix, lastSeq), 30_000, 'delivery').catch(() => null)))
  const spanMs = Date.now() - t0
  const busy = await cpuOf(nodes)
  await sleep(spanMs)
  const idle = await cpuOf(nodes)
  return { sent, cpu: nodes.map((_, i) => ((busy[i] - before[i]) - (idle[i] - busy[i])) / MESSAGES) }
}

/** Latency samples: all of them, and per message the first and the last receiver. */
function latencies (sent: Sent[], receivers: TamtamNode[], prefix: string): { all: number[], fastest: number[], slowest: number[] } {
  const out = { all: [] as number[], fastest: [] as number[], slowest: [] as number[] }
  for (const s of sent) {
    const mine = receivers.map((n) => n.events.find(arrival(prefix, s.seq))).filter((e) => e !== undefined).map((e) => Number(e.ts) - s.ts)
    out.all.push(...mine)
    if (mine.length > 0) out.fastest.push(Math.min(...mine))
    if (mine.length === receivers.length) out.slowest.push(Math.max(...mine))
  }
  return out
}

function deliveryFigures (rtts: number[], lat: ReturnType<typeof latencies>, cpu: number[], expected: number): LanFigure[] {
  const m = 'delivery, 10 peers'
  const missing = expected - lat.all.length
  const base = lanFigure('delivery.rtt', m, 'raw TCP round trip between two namespaces, 64 bytes', 'ms', rtts, { p99: true, note: 'measured with the 10 nodes running and idle' })
  const all = lanFigure('delivery.latency', m, `${MESSAGES} messages ${SPACING_MS} ms apart to ${PEERS - 1} receivers: author append to receiver \`append\` event`, 'ms', lat.all,
    { p99: true, note: missing > 0 ? `incomplete: ${missing} of ${expected} deliveries missing after 30 s` : `${expected} samples; sent over one control-socket connection` })
  const perMessage = (id: string, which: string, values: number[]): LanFigure =>
    lanFigure(`delivery.${id}`, m, `per message, the ${which} of the ${PEERS - 1} receivers to get it`, 'ms', values.length > 0 ? values : [Number.NaN], { p99: true })
  const total = cpu.reduce((a, b) => a + b, 0)
  const cpuFig = lanFigure('delivery.cpu', m, 'CPU per message in each receiving node (idle use subtracted)', 'ms', cpu.slice(1),
    { note: `sender ${cpu[0].toFixed(1)} ms; all ten nodes ${total.toFixed(1)} ms of CPU per message, on ${cpus().length} cores; /proc ticks of 10 ms` })
  return [base, versus(all, base), perMessage('fastest', 'first', lat.fastest), perMessage('slowest', 'last', lat.slowest), cpuFig]
}

async function measureDelivery (ctx: BenchContext): Promise<LanFigure[]> {
  needNetns()
  const { bin, child } = paths(ctx.root)
  const homes = await roomHomes(bin, await ctx.scratch.dir('lan-delivery'), PEERS, ROOM)
  return await withLan(PEERS, async (lan) => {
    const nodes: TamtamNode[] = []
    const clients: ControlClient[] = []
    try {
      await startMesh(ctx, lan, bin, homes, nodes, clients)
      const receivers = nodes.slice(1)
      const prefix = await warmUp(clients[0], receivers)
      const rtts = await tcpRtt(lan, child) // with the nodes running and idle, as during the series
      const { sent, cpu } = await series(clients[0], nodes, prefix)
      const lat = latencies(sent, receivers, prefix)
      if (lat.all.length === 0) throw new Error('no message was delivered')
      return [...deliveryFigures(rtts, lat, cpu, sent.length * receivers.length), meshFigure(nodes)]
    } finally {
      for (const c of clients) c.close()
      await stopAll(nodes)
    }
  })
}

// 3. A 50 MB core over a shaped and an unshaped link ------------------------------------

const BLOCKS = 800
const BLOCK_BYTES = 64 * 1024
const TRANSFER_RUNS = 3
const RATE_MBIT = 50

const mbPerSecond = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000)

/** The two servers on host 0 (a Hypercore and a raw TCP source of the same size) and clients on host 1. */
class Transfers {
  private fetches = 0
  constructor (private readonly lan: NetnsLan, private readonly script: string, private readonly fetchRoot: string,
    private readonly hc: Event, private readonly tcpPort: number) {}

  get bytes (): number {
    return Number(this.hc.byteLength)
  }

  /** One raw TCP transfer of the core's size; MB/s from connect to the last byte. */
  async raw (timeoutMs: number): Promise<number> {
    const r = await runHelper(this.lan, 1, this.script, ['tcp-sink', this.lan.host(0).ip, String(this.tcpPort), String(this.bytes)], timeoutMs)
    return mbPerSecond(this.bytes, Number(r.ms))
  }

  /** One download of the whole core into a fresh store; MB/s from connection to the last block. */
  async fetch (timeoutMs: number): Promise<number> {
    const dir = path.join(this.fetchRoot, `f${this.fetches++}`)
    const args = ['hc-fetch', dir, String(this.hc.key), this.lan.host(0).ip, String(this.hc.port), String(this.hc.length)]
    try {
      const r = await runHelper(this.lan, 1, this.script, args, timeoutMs)
      return mbPerSecond(Number(r.bytes), Number(r.ms))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
}

/** Raw TCP and Hypercore, interleaved, on the link as it is shaped now. */
async function transferPair (ctx: BenchContext, t: Transfers, shaped: boolean): Promise<LanFigure[]> {
  const timeoutMs = shaped ? 120_000 : 60_000
  const raw: number[] = []
  const hc: number[] = []
  for (let i = 0; i < TRANSFER_RUNS; i++) {
    raw.push(await t.raw(timeoutMs))
    hc.push(await t.fetch(timeoutMs))
  }
  const link = shaped ? `${RATE_MBIT} Mbit/s tbf link` : 'unshaped veth link'
  ctx.progress(`  ${link}: raw TCP ${raw.map((v) => v.toFixed(1)).join(', ')} MB/s; Hypercore ${hc.map((v) => v.toFixed(1)).join(', ')} MB/s`)
  const key = shaped ? 'shaped' : 'unshaped'
  const base = lanFigure(`transfer.${key}.tcp`, `50 MB core, ${key}`, `raw TCP, ${link}`, 'MB/s', raw)
  const note = shaped
    ? `${BLOCKS} blocks of 64 KiB, unencrypted; tamtam's ConnectionManager (TCP + Noise) and store.replicate; connection to last block`
    : 'DESIGN.md measured 0.065 for plain Hypercore on loopback; its goal is 0.2 or more'
  return [base, versus(lanFigure(`transfer.${key}.hypercore`, base.measure, `Hypercore download, ${link}`, 'MB/s', hc, { note }), base)]
}

async function measureTransfer (ctx: BenchContext): Promise<LanFigure[]> {
  needNetns()
  const { child } = paths(ctx.root)
  const serverDir = await ctx.scratch.dir('lan-transfer-server')
  const fetchRoot = await ctx.scratch.dir('lan-transfer-fetch')
  return await withLan(2, async (lan) => {
    const hc = await startHelper(lan, 0, child, ['hc-serve', serverDir, String(BLOCKS), String(BLOCK_BYTES)], 180_000)
    const tcp = await startHelper(lan, 0, child, ['tcp-source', String(hc.ready.byteLength)])
    try {
      const t = new Transfers(lan, child, fetchRoot, hc.ready, Number(tcp.ready.port))
      ctx.progress(`  built a core of ${BLOCKS} blocks (${(t.bytes / 1e6).toFixed(1)} MB) in ${Number(hc.ready.buildMs).toFixed(0)} ms`)
      await t.raw(60_000) // uncounted warm-up of both paths
      await t.fetch(60_000)
      const unshaped = await transferPair(ctx, t, false)
      await lan.rateLimit(RATE_MBIT)
      const shaped = await transferPair(ctx, t, true)
      return [...shaped, ...unshaped] // the pair with a target first
    } finally {
      await Promise.all([hc.log.stop(5000), tcp.log.stop(2000)])
    }
  })
}

/** The LAN measures, in run order. */
export function lanMeasures (): Measure[] {
  noteLoad()
  return [
    { id: 'lan-connect', title: 'start to first connection, two namespace hosts', run: measureConnect },
    { id: 'lan-delivery', title: 'message delivery latency, 10 namespace hosts', run: measureDelivery },
    { id: 'lan-transfer', title: '50 MB core over a 50 Mbit/s link and an unshaped one', run: measureTransfer }
  ]
}
