/**
 * Message delivery latency on a namespace LAN (part of the LAN suite): one author sends a
 * series of messages to every other node, and each receiver's `append` event is timed against
 * the author's append (the namespaces share one clock). Two sizes:
 * - 10 hosts, which connect all to all (cap 16): the brief's target, p99 under 250 ms;
 * - 50 hosts, where the connection cap (16) makes a mesh, so most messages travel through
 *   other members (store and forward), with no target of its own.
 * Both compare with a raw TCP round trip between two of the same namespaces, measured with
 * the nodes running. All the nodes share this machine's cores, so the 50-host series is
 * spaced further apart (see DELIVERY_50).
 */
import { readFile } from 'node:fs/promises'
import { cpus } from 'node:os'
import type { BenchContext } from '../lib/measure.js'
import { lanFigure, versus, type LanFigure } from '../report/lan-report.js'
import { ControlClient, isUp, needNetns, paths, roomHomesInProcess, runHelper, startHelper, stopAll, TamtamNode, withLan, type Event } from '../lib/lan-node.js'
import type { NetnsLan } from '../lib/netns.js'

const ROOM = 'bench'
const WARM_MESSAGES = 3
/** All nodes together under half a core: the LAN is idle apart from beacons and keep-alives. */
const QUIET_SHARE = 0.5
const PINGS = 50
const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

/** One delivery measure: how many hosts, and the series the author sends. */
export interface DeliveryPlan {
  /** Figure id prefix (`delivery`, `delivery50`); targets refer to these ids. */
  key: string
  peers: number
  messages: number
  spacingMs: number
  /** Flags added to `tamtam up` (e.g. a slower beacon for 50 hosts). */
  upFlags: string[]
}

export const DELIVERY_10: DeliveryPlan = { key: 'delivery', peers: 10, messages: 50, spacingMs: 100, upFlags: [] }
/**
 * 50 nodes need about 0.6–0.9 s of CPU in all per message (13–19 ms each, 2 cores here): at
 * 500 ms apart the machine ran at 70–90% and one run in three queued into seconds of delay,
 * so the 50-host series is one message a second.
 */
export const DELIVERY_50: DeliveryPlan = { key: 'delivery50', peers: 50, messages: 15, spacingMs: 1000, upFlags: ['--announce-interval', '1000'] }

/** The reply to a control-socket `send`: the message id, its block number and the author's append time. */
export interface Sent { id: string, seq: number, ts: number }

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

/** How many peers share the room with each node, asked over the control sockets. */
async function roomPeerCounts (clients: ControlClient[]): Promise<number[]> {
  return await Promise.all(clients.map(async (c) => {
    // 50 nodes syncing 50 logs each keep 2 cores saturated for a minute: a node can take
    // more than the default 10 s to answer then, and the mesh wait polls again anyway.
    const peers = await c.request<Array<{ rooms: string[] }>>('peers', {}, 30_000)
    return peers.filter((p) => p.rooms.includes(ROOM)).length
  }))
}

/**
 * Bounded wait until the mesh has settled: with all-to-all (peers within the cap) every node
 * sees every other; otherwise every node has at least 2 room peers and no count changed for
 * 2 s (the mesh policy trims links for a while after start). Returns the last counts.
 */
async function waitMesh (plan: DeliveryPlan, clients: ControlClient[], timeoutMs: number): Promise<number[]> {
  const full = plan.peers <= 16
  const deadline = Date.now() + timeoutMs
  let counts: number[] = []
  let stableSince = Date.now()
  for (let i = 0; i < 10_000 && Date.now() < deadline; i++) {
    const next = await roomPeerCounts(clients)
    if (next.join() !== counts.join()) stableSince = Date.now()
    counts = next
    if (full && counts.every((n) => n >= plan.peers - 1)) return counts
    if (!full && counts.every((n) => n >= 2) && Date.now() - stableSince >= 2000) return counts
    await sleep(250)
  }
  throw new Error(`the ${plan.peers}-node mesh did not settle within ${timeoutMs} ms; room peers per node: ${counts.join(', ')}`)
}

/**
 * Bounded wait until the nodes together use under QUIET_SHARE of one core over a second:
 * after the mesh forms, every node still opens and syncs every member log (for 50 nodes,
 * seconds of CPU), and a series sent meanwhile measured that work instead of delivery.
 */
async function waitQuiet (nodes: TamtamNode[], timeoutMs: number): Promise<{ ms: number, share: number }> {
  const t0 = Date.now()
  let share = Number.NaN
  for (let i = 0; i < 1000 && Date.now() - t0 < timeoutMs; i++) {
    const before = await cpuOf(nodes)
    const start = Date.now()
    await sleep(1000)
    const after = await cpuOf(nodes)
    share = after.reduce((n, v, j) => n + v - before[j], 0) / (Date.now() - start)
    if (share < QUIET_SHARE) return { ms: Date.now() - t0, share }
  }
  return { ms: Date.now() - t0, share } // measured anyway: the figures' note says how busy the nodes were
}

/** The receiver's first 'append' event showing block `seq` of the core starting with `prefix`. */
export const arrival = (prefix: string, seq: number) => (e: Event): boolean =>
  e.event === 'append' && String(e.core).startsWith(prefix) && Number(e.length) > seq

/** Send the plan's series over one control connection; the replies carry the append ts. */
export async function sendSeries (plan: Pick<DeliveryPlan, 'messages' | 'spacingMs'>, client: ControlClient): Promise<Sent[]> {
  const t0 = Date.now()
  const pending: Array<Promise<Sent>> = []
  for (let i = 0; i < plan.messages; i++) {
    const wait = t0 + i * plan.spacingMs - Date.now()
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

/** Start a node on every host, then wait (bounded) for the mesh and for quiet; returns the room-peer counts and the wait for quiet. */
async function startMesh (ctx: BenchContext, plan: DeliveryPlan, lan: NetnsLan, bin: string, homes: string[], nodes: TamtamNode[], clients: ControlClient[]): Promise<{ counts: number[], quiet: { ms: number, share: number } }> {
  const spawned = Date.now()
  nodes.push(...homes.map((home, i) => TamtamNode.spawn(lan, i, bin, home, plan.upFlags)))
  await Promise.all(nodes.map(async (n) => await n.waitFor(isUp, 120_000, 'up')))
  ctx.progress(`  ${plan.peers} nodes up ${Date.now() - spawned} ms after the first spawn`)
  clients.push(...await Promise.all(nodes.map(async (n) => await ControlClient.connect(n.socket))))
  const t0 = Date.now()
  const counts = await waitMesh(plan, clients, 120_000)
  ctx.progress(`  ${plan.peers} nodes settled ${Date.now() - t0} ms after the last 'up'; room peers per node ${Math.min(...counts)} to ${Math.max(...counts)}`)
  const quiet = await waitQuiet(nodes, 60_000)
  ctx.progress(`  then quiet after ${quiet.ms} ms: all nodes together at ${(quiet.share * 100).toFixed(0)}% of one core`)
  return { counts, quiet }
}

/** Send a few uncounted messages so every receiver has opened the sender's log; returns the log's id prefix. */
export async function warmUp (sender: ControlClient, receivers: TamtamNode[]): Promise<string> {
  let last: Sent | null = null
  for (let i = 0; i < WARM_MESSAGES; i++) last = await sender.request<Sent>('send', { room: ROOM, text: `warm-up ${i}` })
  const { id, seq } = last as Sent
  const prefix = id.slice(0, 16) // a message id is the first 16 hex digits of its core key, a dot, its seq
  await Promise.all(receivers.map(async (n) => await n.waitFor(arrival(prefix, seq), 60_000, 'warm-up delivery')))
  return prefix
}

/** The measured series: what was sent, each node's CPU ms per message (idle use subtracted), and the idle use of all nodes in cores. */
async function series (plan: DeliveryPlan, sender: ControlClient, nodes: TamtamNode[], prefix: string): Promise<{ sent: Sent[], cpu: number[], idleShare: number }> {
  const before = await cpuOf(nodes)
  const t0 = Date.now()
  const sent = await sendSeries(plan, sender)
  const lastSeq = Math.max(...sent.map((s) => s.seq))
  await Promise.all(nodes.slice(1).map(async (n) => await n.waitFor(arrival(prefix, lastSeq), 30_000, 'delivery').catch(() => null)))
  const spanMs = Date.now() - t0
  const busy = await cpuOf(nodes)
  // Idle use, measured over at most 3 s and scaled to the span (idle nodes use almost nothing).
  const idleMs = Math.min(spanMs, 3000)
  await sleep(idleMs)
  const idle = await cpuOf(nodes)
  const idleShare = idle.reduce((n, v, i) => n + v - busy[i], 0) / idleMs
  return { sent, idleShare, cpu: nodes.map((_, i) => ((busy[i] - before[i]) - (idle[i] - busy[i]) * spanMs / idleMs) / plan.messages) }
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

function deliveryFigures (plan: DeliveryPlan, rtts: number[], lat: ReturnType<typeof latencies>, cpu: number[], idleShare: number, expected: number): LanFigure[] {
  const m = `delivery, ${plan.peers} peers`
  const receivers = plan.peers - 1
  const missing = expected - lat.all.length
  const base = lanFigure(`${plan.key}.rtt`, m, 'raw TCP round trip between two namespaces, 64 bytes', 'ms', rtts, { p99: true, note: `measured with the ${plan.peers} nodes running and idle` })
  const all = lanFigure(`${plan.key}.latency`, m, `${plan.messages} messages ${plan.spacingMs} ms apart to ${receivers} receivers: author append to receiver \`append\` event`, 'ms', lat.all,
    { p99: true, note: missing > 0 ? `incomplete: ${missing} of ${expected} deliveries missing after 30 s` : `${expected} samples; sent over one control-socket connection` })
  const perMessage = (id: string, which: string, values: number[]): LanFigure =>
    lanFigure(`${plan.key}.${id}`, m, `per message, the ${which} of the ${receivers} receivers to get it`, 'ms', values.length > 0 ? values : [Number.NaN], { p99: true })
  const total = cpu.reduce((a, b) => a + b, 0)
  const cpuFig = lanFigure(`${plan.key}.cpu`, m, 'CPU per message in each receiving node (idle use subtracted)', 'ms', cpu.slice(1),
    { note: `sender ${cpu[0].toFixed(1)} ms; all ${plan.peers} nodes ${total.toFixed(1)} ms of CPU per message, on ${cpus().length} cores; idle, all nodes together use ${(idleShare * 100).toFixed(0)}% of one core (beacons, keep-alives); /proc ticks of 10 ms` })
  return [base, versus(all, base), perMessage('fastest', 'first', lat.fastest), perMessage('slowest', 'last', lat.slowest), cpuFig]
}

/**
 * From the later 'up' to the moment every node shares the room with all the others (only
 * when all-to-all): per node, the time of its 'room' event for the last of its peers.
 */
function fullMeshFigure (plan: DeliveryPlan, nodes: TamtamNode[]): LanFigure {
  const lastUp = Math.max(...nodes.map((n) => Number(n.events.find(isUp)?.ts)))
  const full = nodes.map((n) => {
    const seen = new Map<string, number>()
    for (const e of n.events) if (e.event === 'room' && e.room === ROOM && !seen.has(String(e.publicKey))) seen.set(String(e.publicKey), Number(e.ts))
    return seen.size >= plan.peers - 1 ? Math.max(...seen.values()) : Number.NaN
  })
  return lanFigure(`${plan.key}.mesh`, `delivery, ${plan.peers} peers`, `last \`up\` to every node sharing the room with ${plan.peers - 1} peers`, 'ms', [Math.max(...full) - lastUp],
    { note: `one sample per run; ${plan.peers} nodes started together on this machine` })
}

/** Room peers per node once the mesh settled (when the cap makes a mesh rather than all-to-all). */
function degreeFigure (plan: DeliveryPlan, counts: number[]): LanFigure {
  return lanFigure(`${plan.key}.degree`, `delivery, ${plan.peers} peers`, 'room peers per node once the mesh settled', 'links', counts,
    { note: 'one sample per node; connection cap 16, so most messages are forwarded by other members' })
}

/** How long the nodes stayed busy after the mesh formed (every node syncing every member log). */
function quietFigure (plan: DeliveryPlan, quiet: { ms: number, share: number }): LanFigure {
  const done = quiet.share < QUIET_SHARE
  return lanFigure(`${plan.key}.quiet`, `delivery, ${plan.peers} peers`, `mesh formed to all nodes under ${QUIET_SHARE * 100}% of one core (first sync of every member log)`, 'ms', [quiet.ms],
    { note: `one sample; all ${plan.peers} nodes on ${cpus().length} cores; ${done ? '' : 'NOT quiet by the deadline; '}then at ${(quiet.share * 100).toFixed(0)}% of one core; the series starts after it` })
}

interface PushTotals { duplicates: number, duplicateBytes: number, received: number, receivedBytes: number }

/** Push counters (protocol §5a) summed over every node, from each node's `status`. */
async function pushTotals (clients: ControlClient[]): Promise<PushTotals> {
  const all = await Promise.all(clients.map(async (c) => (await c.request<{ push?: PushTotals | null }>('status', {}, 30_000)).push ?? null))
  const sum: PushTotals = { duplicates: 0, duplicateBytes: 0, received: 0, receivedBytes: 0 }
  for (const p of all) for (const k of Object.keys(sum) as Array<keyof PushTotals>) sum[k] += p?.[k] ?? 0
  return sum
}

/** Copies of pushed blocks a node already held, per delivered message, in message sizes (issue 19: under 2). */
function copiesFigure (plan: DeliveryPlan, before: PushTotals, after: PushTotals, deliveries: number): LanFigure {
  const d = (k: keyof PushTotals): number => after[k] - before[k]
  const blockBytes = d('received') > 0 ? d('receivedBytes') / d('received') : Number.NaN
  const ratio = deliveries > 0 ? d('duplicateBytes') / (deliveries * blockBytes) : Number.NaN
  return lanFigure(`${plan.key}.copies`, `delivery, ${plan.peers} peers`, 'duplicate pushed bytes per delivered message, in message sizes', '×', [Number.isFinite(ratio) ? ratio : 0],
    { note: `over the series: ${d('duplicates')} copies (${d('duplicateBytes')} bytes) for ${deliveries} deliveries, ${d('received')} of them by push, ${blockBytes.toFixed(0)} bytes per block` })
}

/** The delivery measure of `plan`. */
export async function measureDelivery (ctx: BenchContext, plan: DeliveryPlan): Promise<LanFigure[]> {
  needNetns()
  const { bin, child } = paths(ctx.root)
  let t0 = Date.now()
  const homes = await roomHomesInProcess(await ctx.scratch.dir(`lan-${plan.key}`), plan.peers, ROOM)
  ctx.progress(`  ${plan.peers} homes made in ${Date.now() - t0} ms`)
  t0 = Date.now()
  return await withLan(plan.peers, async (lan) => {
    ctx.progress(`  ${plan.peers} namespace hosts made in ${Date.now() - t0} ms`)
    const nodes: TamtamNode[] = []
    const clients: ControlClient[] = []
    try {
      const { counts, quiet } = await startMesh(ctx, plan, lan, bin, homes, nodes, clients)
      const receivers = nodes.slice(1)
      const prefix = await warmUp(clients[0], receivers)
      const rtts = await tcpRtt(lan, child) // with the nodes running and idle, as during the series
      const pushedBefore = await pushTotals(clients)
      const { sent, cpu, idleShare } = await series(plan, clients[0], nodes, prefix)
      const lat = latencies(sent, receivers, prefix)
      if (lat.all.length === 0) throw new Error('no message was delivered')
      const copies = copiesFigure(plan, pushedBefore, await pushTotals(clients), lat.all.length)
      const shape = plan.peers <= 16 ? fullMeshFigure(plan, nodes) : degreeFigure(plan, counts)
      return [...deliveryFigures(plan, rtts, lat, cpu, idleShare, sent.length * receivers.length), copies, shape, quietFigure(plan, quiet)]
    } finally {
      for (const c of clients) c.close()
      const stopping = Date.now()
      await stopAll(nodes)
      ctx.progress(`  ${nodes.length} nodes stopped in ${Date.now() - stopping} ms`)
    }
  })
}
