/**
 * Link impairment on namespace LANs: rate limits with `tbf`, and delay, jitter and loss
 * with ../shared/tools/link-impair.py, because this kernel has no `netem`. The script is a
 * user-space hub: the segment's ports come off their bridge while it runs and go back on
 * when it ends, by itself or when stopped.
 */
import { execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, readlinkSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { exited, findTool, IP, killGroup, run, spawnDetached, TC, waitExit } from './processes.js'
import type { Undo } from './teardown.js'

/** One end of a veth pair: an interface in a namespace. */
export interface LinkEnd { ns: string, dev: string }

/** The token bucket of every rate limit: 32 kbit of burst, 400 ms of queue. */
const TBF = ['burst', '32kbit', 'latency', '400ms']

/** Limits each end to `mbit` Mbit/s outgoing (`tbf`); `Infinity` removes the limit. */
export async function limitRate (ends: LinkEnd[], mbit: number): Promise<void> {
  if (!(mbit > 0)) throw new Error(`lan: rateLimit needs mbit > 0 (or Infinity to remove), got ${mbit}`)
  for (const { ns, dev } of ends) {
    const args = mbit === Infinity
      ? ['-n', ns, 'qdisc', 'del', 'dev', dev, 'root']
      : ['-n', ns, 'qdisc', 'replace', 'dev', dev, 'root', 'tbf', 'rate', `${mbit}mbit`, ...TBF]
    const r = await run(TC(), args, { timeout: 15_000 })
    const harmless = mbit === Infinity && /No such file|handle of zero/.test(r.stderr)
    if (r.code !== 0 && !harmless) throw new Error(`tc ${args.join(' ')} failed: ${r.stderr.trim()}`)
  }
}

/** What to do to a segment's frames. */
export interface ImpairOptions {
  /** One-way delay added to each frame from an impaired host. */
  delayMs?: number
  /** Extra uniform delay in [0, jitterMs]; one port's frames keep their order. */
  jitterMs?: number
  /** Drop probability, 0..1. */
  loss?: number
  /** The hub stops by itself after this long (bounded even if nobody calls stop). */
  seconds: number
  seed?: number
}

/** Where the hub runs and which ports it joins; lan.ts fills it in. */
export interface ImpairTarget {
  bridgeNs: string
  bridge: string
  /** Every bridge-side port of the segment. */
  ports: string[]
  /** The ports whose incoming frames are impaired. */
  impaired: string[]
  /** The hosts' ends of the impaired ports: their offloads go off, as the script needs. */
  hostEnds: LinkEnd[]
}

/** What the hub forwarded, from its last line; null if it was stopped or died before printing it. */
export type ImpairStats = { received: number, dropped: number, sent: number, send_errors: number } | null

/** A running hub. */
export interface Impairment {
  /** Resolves once the hub ended and the ports are back on their bridge. */
  done: Promise<ImpairStats>
  /** Kills the hub now and puts the ports back. Idempotent. */
  stop: () => Promise<void>
  /** For the LAN's teardown registry. */
  undo: Undo
}

/** The hub script, at ../shared/tools beside the package root (or in TAMTAM_SHARED_TOOLS, for a clone elsewhere). */
function scriptPath (): string {
  const tools = process.env.TAMTAM_SHARED_TOOLS
  if (tools !== undefined && tools !== '') return path.join(tools, 'link-impair.py')
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6 && !existsSync(path.join(dir, 'package.json')); i++) dir = path.dirname(dir)
  return path.join(dir, '..', 'shared', 'tools', 'link-impair.py')
}

/** Why impairment cannot run here (no script, python3 or ethtool), or null. */
export function impairMissing (): string | null {
  if (!existsSync(scriptPath())) return `${scriptPath()} not found`
  for (const tool of ['python3', 'ethtool']) {
    if (findTool(tool) === tool) return `'${tool}' not found${tool === 'ethtool' ? ' (Debian package ethtool)' : ''}`
  }
  return null
}

/** Starts the hub on a segment: offloads off, ports off the bridge, script on. */
export async function startImpairment (target: ImpairTarget, opts: ImpairOptions, track: Set<ChildProcess>): Promise<Impairment> {
  const missing = impairMissing()
  if (missing !== null) throw new Error(`lan: link impairment not possible here: ${missing}`)
  for (const { ns, dev } of target.hostEnds) {
    const r = await run(IP(), ['netns', 'exec', ns, findTool('ethtool'), '-K', dev, 'tx', 'off', 'tso', 'off', 'gso', 'off'], { timeout: 10_000 })
    if (r.code !== 0) throw new Error(`ethtool -K ${dev} in ${ns} failed: ${r.stderr.trim()}`)
  }
  const setMaster = (master: string[]): string => target.ports.map((p) => `link set dev ${p} ${master.join(' ')}`).join('\n') + '\n'
  const off = await run(IP(), ['-n', target.bridgeNs, '-batch', '-'], { timeout: 15_000, input: setMaster(['nomaster']) })
  if (off.code !== 0) throw new Error(`taking ${target.ports.join(', ')} off ${target.bridge} failed: ${off.stderr.trim()}`)
  const args = [findTool('python3'), scriptPath(), '--ports', target.ports.join(','), '--impair', target.impaired.join(','),
    '--delay-ms', String(opts.delayMs ?? 0), '--jitter-ms', String(opts.jitterMs ?? 0), '--loss', String(opts.loss ?? 0),
    '--duration', String(opts.seconds), ...(opts.seed === undefined ? [] : ['--seed', String(opts.seed)])]
  const child = spawnDetached(IP(), ['netns', 'exec', target.bridgeNs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }, track)
  let stdout = ''
  child.stdout?.setEncoding('utf8').on('data', (d: string) => { stdout += d })
  await waitForSockets(child, target.ports.length)
  const back = setMaster(['master', target.bridge])
  let restored: Promise<void> | null = null
  const restore = async (): Promise<void> => {
    restored ??= run(IP(), ['-n', target.bridgeNs, '-batch', '-'], { timeout: 15_000, input: back }).then(() => {})
    await restored
  }
  const ended = new Promise<void>((resolve) => { child.once('close', () => resolve()); child.once('error', () => resolve()) })
  const done = ended.then(restore).then(() => parseStats(stdout))
  const stop = async (): Promise<void> => {
    killGroup(child)
    await waitExit(child, 3_000)
    await restore()
  }
  const runSync = (): void => {
    killGroup(child)
    try {
      execFileSync(IP(), ['-n', target.bridgeNs, '-batch', '-'], { input: back, timeout: 5_000, stdio: ['pipe', 'ignore', 'ignore'] })
    } catch { /* the namespace is going anyway */ }
  }
  return { done, stop, undo: { what: `impairment of ${target.bridge}`, run: stop, runSync } }
}

/**
 * Waits until the hub holds one socket per port, so frames sent from now on reach it. The
 * script prints nothing when it starts, and on a loaded machine Python can take over a second
 * to get there: a test that sent at once would see its frames vanish with the ports off the
 * bridge, and the hub would count none of them. `ip netns exec` execs the script, so the
 * child's pid is Python's. Bounded: after 15 s it goes on, and the counts will say so.
 */
async function waitForSockets (child: ChildProcess, want: number): Promise<void> {
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline && !exited(child)) {
    if (socketCount(child.pid) >= want) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

function socketCount (pid: number | undefined): number {
  if (pid === undefined) return 0
  try {
    const dir = `/proc/${pid}/fd`
    // 0-2 are left out: Node's stdio pipes are socket pairs too.
    return readdirSync(dir).filter((fd) => {
      if (Number(fd) <= 2) return false
      try { return readlinkSync(`${dir}/${fd}`).startsWith('socket:') } catch { return false }
    }).length
  } catch {
    return 0
  }
}

function parseStats (stdout: string): ImpairStats {
  try {
    return JSON.parse(stdout.trim().split('\n').pop() ?? '')
  } catch {
    return null
  }
}
