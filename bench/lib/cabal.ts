/**
 * The Cabal side of the side-by-side benchmarks (issue 19): cabal-core 16 nodes on the same
 * namespace LAN as tamtam's, in the same run. The npm `cabal` CLI finds no peer offline, so
 * each LAN segment gets its own hyperdht bootstrap (bench/cabal/bootstrap.cjs, three nodes
 * as in hyperdht's testnet.js) and each node (bench/cabal/peer.cjs) swarms through it with a
 * non-firewalled DHT. Cabal is installed only for the bench, once, into bench/.cabal
 * (git-ignored), never into the project's dependencies. The children are plain CommonJS
 * (Cabal has no types) and print JSON lines timed with Date.now(): the namespaces share one
 * clock, so the parent subtracts the author's write time from the receiver's receive time.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { EventLog, run, type Event, type Lan } from '../../harness/netns/index.js'
import { childEnv } from './netns.js'

export interface CabalPlan { messages: number, spacingMs: number, warm: number }

/** Exact versions, so every run measures the same Cabal: cabal-core 16 and what its swarm uses. */
const PACKAGES: Record<string, string> = {
  'cabal-core': '16.0.3',
  hyperswarm: '4.17.2',
  hyperdht: '6.34.0',
  'random-access-memory': '3.1.4',
  'hypercore-crypto': '2.3.2',
  pump: '3.0.4'
}
/** DHT nodes per segment bootstrap, as the issue asks. */
const BOOTSTRAP_NODES = 3
const INSTALL_TIMEOUT_MS = 10 * 60_000
const START_MS = 30_000
/** Discovery through a fresh DHT takes a few announce rounds; impaired links slow it further. */
const CONNECT_MS = 90_000
const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

/** The package root: the nearest directory with a package.json above this file (bench/lib or dist/bench/lib). */
function packageRoot (): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6 && !existsSync(path.join(dir, 'package.json')); i++) dir = path.dirname(dir)
  return dir
}

/** The child scripts, in the source tree (tsc does not copy .cjs files into dist). */
const script = (name: string): string => path.join(packageRoot(), 'bench', 'cabal', name)

/** Where Cabal is installed for the bench; TAMTAM_CABAL_DIR overrides it. */
export function cabalDir (): string {
  const env = process.env.TAMTAM_CABAL_DIR
  return env !== undefined && env !== '' ? env : path.join(packageRoot(), 'bench', '.cabal')
}

function installed (modules: string): boolean {
  return Object.entries(PACKAGES).every(([name, version]) => {
    try {
      return (JSON.parse(readFileSync(path.join(modules, name, 'package.json'), 'utf8')) as { version: string }).version === version
    } catch {
      return false
    }
  })
}

/**
 * Installs Cabal into cabalDir() unless the exact versions are already there; returns its
 * node_modules. Throws with npm's output when the install fails (no registry, no disk).
 */
export async function ensureCabal (): Promise<string> {
  const dir = cabalDir()
  const modules = path.join(dir, 'node_modules')
  if (installed(modules)) return modules
  await mkdir(dir, { recursive: true })
  const pkg = { name: 'tamtam-bench-cabal', private: true, description: 'Cabal for tamtam\'s benchmarks only (bench/lib/cabal.ts)', dependencies: PACKAGES }
  await writeFile(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n')
  const t0 = Date.now()
  const r = await run('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--no-package-lock'], { timeout: INSTALL_TIMEOUT_MS, env: childEnv() })
  if (r.code !== 0 || !installed(modules)) {
    throw new Error(`cabal: installing ${Object.keys(PACKAGES).join(', ')} into ${dir} failed` +
      `${r.timedOut ? ` (timed out after ${INSTALL_TIMEOUT_MS / 1000} s)` : ` (npm exit ${String(r.code)})`}; ` +
      `the Cabal comparison needs the npm registry once: ${(r.stderr + r.stdout).trim().slice(-800)}`)
  }
  process.stderr.write(`cabal: installed into ${dir} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`)
  return modules
}

/** The /24 a harness address sits in: layout.ts numbers segments in the third octet. */
const subnet = (ip: string): string => ip.slice(0, ip.lastIndexOf('.'))

interface Swarm { bind: string, bootstrap: Array<{ host: string, port: number }> }

/** The running Cabal side of one measure: bootstraps, then peers; stop() ends them all. */
class CabalRun {
  private readonly logs: Array<{ name: string, log: EventLog }> = []

  constructor (private readonly lan: Lan, private readonly modules: string, private readonly scratchDir: string) {}

  private spawn (name: string, host: string, args: string[]): EventLog {
    const child = this.lan.spawn(host, [process.execPath, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: childEnv() })
    const log = new EventLog(child)
    this.logs.push({ name, log })
    return log
  }

  /**
   * One bootstrap per segment that the hosts share, on the first of them on it; returns each
   * host's swarms (one per segment it is on with another host), bootstraps ready.
   */
  async bootstraps (hosts: string[]): Promise<Map<string, Swarm[]>> {
    const ipsOf = new Map(hosts.map((h) => [h, this.lan.host(h).ips]))
    const members = new Map<string, string[]>()
    for (const h of hosts) for (const ip of ipsOf.get(h)!) members.set(subnet(ip), [...(members.get(subnet(ip)) ?? []), h])
    const shared = [...members].filter(([, m]) => m.length > 1)
    const boots = await Promise.all(shared.map(async ([net, m]) => {
      const ip = ipsOf.get(m[0]!)!.find((a) => subnet(a) === net)!
      const log = this.spawn(`bootstrap-${net}`, m[0]!, [script('bootstrap.cjs'), this.modules, ip, String(BOOTSTRAP_NODES)])
      const ready = await log.waitFor((e) => e.event === 'ready', START_MS, `cabal bootstrap on ${m[0]!} (${ip})`)
      return [net, ready.bootstrap as Swarm['bootstrap']] as const
    }))
    const byNet = new Map(boots)
    return new Map(hosts.map((h) => [h, ipsOf.get(h)!.filter((ip) => byNet.has(subnet(ip))).map((ip) => ({ bind: ip, bootstrap: byNet.get(subnet(ip))! }))]))
  }

  /** Starts a cabal node on `host` (not waiting for it). */
  peer (host: string, opts: { key: string, swarms: Swarm[], preload?: number, expect?: number, quiet?: boolean }): EventLog {
    return this.spawn(`peer-${host}`, host, [script('peer.cjs'), this.modules, JSON.stringify(opts)])
  }

  /** Stops every child (bounded) and keeps their stderr in scratchDir for a post-mortem. */
  async stop (): Promise<void> {
    await Promise.all(this.logs.map(async ({ log }) => await log.stop(5_000)))
    await mkdir(this.scratchDir, { recursive: true })
    for (const { name, log } of this.logs) if (log.stderr !== '') await writeFile(path.join(this.scratchDir, `${name}.stderr`), log.stderr)
  }
}

/** Runs `fn` with Cabal installed and a fresh cabal key, always stopping every child. */
async function withCabal<T> (lan: Lan, scratchDir: string, fn: (r: CabalRun, key: string) => Promise<T>): Promise<T> {
  const modules = await ensureCabal()
  const r = new CabalRun(lan, modules, scratchDir)
  try {
    return await fn(r, randomBytes(32).toString('hex'))
  } finally {
    await r.stop()
  }
}

/** Waits (bounded) until `log` has seen `count` distinct peers. */
async function waitPeers (log: EventLog, count: number, what: string): Promise<void> {
  const seen = (): number => new Set(log.events.filter((e) => e.event === 'peer').map((e) => e.key)).size
  const deadline = Date.now() + CONNECT_MS
  while (seen() < count) {
    if (Date.now() > deadline) throw new Error(`cabal: ${what} connected to ${seen()} of ${count} peers within ${CONNECT_MS} ms; stderr: ${log.stderr.slice(-400)}`)
    if (log.closed) throw new Error(`cabal: ${what} exited: ${log.stderr.slice(-400)}`)
    await sleep(50)
  }
}

/**
 * hosts: namespace host names in `lan`, in line order; author = hosts[0], receiver = last;
 * every host runs a cabal node. Returns per-message latencies in ms (receiver's receive time
 * minus author's write time; the namespaces share one clock), warm-up messages excluded.
 */
export async function cabalDelivery (lan: Lan, hosts: string[], plan: CabalPlan, scratchDir: string): Promise<number[]> {
  if (hosts.length < 2) throw new Error('cabal: delivery needs at least two hosts')
  return await withCabal(lan, scratchDir, async (r, key) => {
    const swarms = await r.bootstraps(hosts)
    const peers = hosts.map((h) => r.peer(h, { key, swarms: swarms.get(h)! }))
    await Promise.all(peers.map(async (p, i) => await p.waitFor((e) => e.event === 'ready', START_MS, `cabal peer on ${hosts[i]!}`)))
    // Every host waits for the hosts it shares a segment with: then the line is connected end to end.
    const nets = hosts.map((h) => new Set(swarms.get(h)!.map((s) => subnet(s.bind))))
    await Promise.all(peers.map(async (p, i) => {
      const neighbours = hosts.filter((_, j) => j !== i && [...nets[j]!].some((n) => nets[i]!.has(n))).length
      await waitPeers(p, neighbours, `peer on ${hosts[i]!}`)
    }))
    const author = peers[0]!
    const receiver = peers[peers.length - 1]!
    const total = plan.warm + plan.messages
    const send = (seq: number): void => { author.child.stdin?.write(JSON.stringify({ send: seq }) + '\n') }
    const got = async (seq: number, ms: number): Promise<Event> =>
      await receiver.waitFor((e) => e.event === 'received' && e.seq === seq, ms, `cabal message ${seq} at ${hosts[hosts.length - 1]!}`)
    // Warm-up one at a time, each awaited: the first messages also open the feeds end to end.
    for (let seq = 0; seq < plan.warm; seq++) {
      send(seq)
      await got(seq, CONNECT_MS)
      await sleep(plan.spacingMs)
    }
    for (let seq = plan.warm; seq < total; seq++) {
      send(seq)
      await sleep(plan.spacingMs)
    }
    const latencies: number[] = []
    for (let seq = plan.warm; seq < total; seq++) {
      const rec = await got(seq, 30_000 + 1_000 * plan.messages)
      const sent = await author.waitFor((e) => e.event === 'sent' && e.seq === seq, 10_000, `cabal write of ${seq}`)
      latencies.push(rec.ts - sent.at)
    }
    return latencies
  })
}

/**
 * A peer holding `messages` messages (~200 bytes each); a second peer starts empty and joins;
 * ms from the joiner's ready event to holding all of them (indexed in its messages view),
 * and messages/s. Also, both parts of `ms`: connectMs, from ready to its first peer, and
 * downloadedMs, from ready to its copy of the author's feed holding them all (before indexing).
 */
export async function cabalLateJoin (lan: Lan, hosts: [string, string], messages: number, scratchDir: string): Promise<{ ms: number, perSecond: number, connectMs: number, downloadedMs: number }> {
  return await withCabal(lan, scratchDir, async (r, key) => {
    const swarms = await r.bootstraps(hosts)
    const author = r.peer(hosts[0], { key, swarms: swarms.get(hosts[0])!, preload: messages })
    await author.waitFor((e) => e.event === 'ready', START_MS + messages, `cabal author on ${hosts[0]}`)
    const joiner = r.peer(hosts[1], { key, swarms: swarms.get(hosts[1])!, expect: messages, quiet: true })
    const ready = await joiner.waitFor((e) => e.event === 'ready', START_MS, `cabal joiner on ${hosts[1]}`)
    const all = await joiner.waitFor((e) => e.event === 'all', CONNECT_MS + 10 * messages, `cabal joiner holding ${messages} messages`)
    const since = (event: string): number => (joiner.events.find((e) => e.event === event)?.ts ?? Number.NaN) - ready.ts
    const ms = all.ts - ready.ts
    return { ms, perSecond: messages / (ms / 1000), connectMs: since('peer'), downloadedMs: since('downloaded') }
  })
}
