/**
 * The LAN suite (DESIGN.md section 7), on real namespace hosts with the Internet cut:
 * 1. start to first connection of two nodes, against a bare `node -e 0` in a namespace;
 * 2. message delivery latency to 9 and to 49 peers, against a raw TCP round trip on the same
 *    LAN (bench/suites/lan-delivery.ts);
 * 3. a 50 MB core over an unshaped link, against raw TCP (the 50 Mbit/s link is the
 *    documents suite's: a real `tamtam get` against raw TCP and Syncthing).
 * Every node runs `tamtam up --lan-only`; every helper talks only to namespace addresses.
 */
import { rm } from 'node:fs/promises'
import path from 'node:path'
import type { BenchContext, Measure } from '../lib/measure.js'
import { repeat } from '../lib/measure.js'
import { lanFigure, noteLoad, versus, type LanFigure } from '../report/lan-report.js'
import { isUp, needNetns, paths, roomHomes, runHelper, startHelper, stopAll, TamtamNode, withLan, type Event } from '../lib/lan-node.js'
import { DELIVERY_10, DELIVERY_50, measureDelivery } from './lan-delivery.js'
import type { NetnsLan } from '../lib/netns.js'

const ROOM = 'bench'

// 1. Start to first connection --------------------------------------------------------

const CONNECT_RUNS = 20
const isConnected = (e: Event): boolean => e.event === 'connected'

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

// 3. A 50 MB core over an unshaped link ------------------------------------

const BLOCKS = 800
const BLOCK_BYTES = 64 * 1024
const TRANSFER_RUNS = 3

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

/** Raw TCP and Hypercore, interleaved, on the unshaped link. */
async function transferPair (ctx: BenchContext, t: Transfers): Promise<LanFigure[]> {
  const raw: number[] = []
  const hc: number[] = []
  for (let i = 0; i < TRANSFER_RUNS; i++) {
    raw.push(await t.raw(60_000))
    hc.push(await t.fetch(60_000))
  }
  ctx.progress(`  unshaped veth link: raw TCP ${raw.map((v) => v.toFixed(1)).join(', ')} MB/s; Hypercore ${hc.map((v) => v.toFixed(1)).join(', ')} MB/s`)
  const base = lanFigure('transfer.unshaped.tcp', '50 MB core, unshaped', 'raw TCP, unshaped veth link', 'MB/s', raw)
  const note = `${BLOCKS} blocks of 64 KiB, unencrypted; tamtam's ConnectionManager (TCP + Noise) and store.replicate; connection to last block. DESIGN.md measured 0.065 for plain Hypercore on loopback; its goal is 0.2 or more`
  return [base, versus(lanFigure('transfer.unshaped.hypercore', base.measure, 'Hypercore download, unshaped veth link', 'MB/s', hc, { note }), base)]
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
      // The shaped link (50 Mbit/s) is measured by the documents suite, through `tamtam get`.
      return await transferPair(ctx, t)
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
    { id: 'lan-delivery', title: 'message delivery latency, 10 namespace hosts', run: async (ctx) => await measureDelivery(ctx, DELIVERY_10) },
    { id: 'lan-delivery-50', title: 'message delivery latency, 50 namespace hosts (mesh, cap 16)', run: async (ctx) => await measureDelivery(ctx, DELIVERY_50) },
    { id: 'lan-transfer', title: '50 MB core over an unshaped link', run: measureTransfer }
  ]
}
