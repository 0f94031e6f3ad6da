/**
 * A LAN of network namespaces for the benchmarks (DESIGN.md section 5), self-contained
 * because the test helper (test/helpers/lan.ts) is not compiled into dist.
 *
 * Layout: a per-run prefix `tb` + 4 hex digits; one namespace `<prefix>-br` holding a
 * bridge (multicast snooping off, so multicast floods); one namespace `<prefix>-hN` per
 * host, linked to the bridge by a veth pair created straight into the two namespaces
 * (nothing lives in the root namespace); addresses 10.A.B.(N+1)/24 with A and B random
 * per run; multicast on; no default route, so the Internet is cut.
 *
 * Teardown kills every process started here (by process group), then anything else left
 * in the namespaces, then deletes them. It runs on destroy(), and synchronously on process
 * exit, SIGINT and SIGTERM as a last resort. Every loop is bounded in count and time.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes, randomInt } from 'node:crypto'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'

/** One namespace host. */
export interface NetHost {
  index: number
  ns: string
  ip: string
  /** Its end of the veth pair (inside `ns`). */
  hostIf: string
  /** The bridge's end of the pair (inside the bridge namespace). */
  bridgeIf: string
}

/** A finished command. `code` is null when it died of a signal or timed out. */
export interface ExecResult { code: number | null, stdout: string, stderr: string, ms: number, timedOut: boolean }

/** Every child started by exec() or NetnsLan.spawn() and not yet finished. */
const running = new Set<ChildProcess>()

/** The rate limit the brief asks for: tbf with a 32 kbit bucket and 400 ms of queue. */
const TBF = ['burst', '32kbit', 'latency', '400ms']
/** Largest output kept from one command. */
const MAX_OUTPUT = 4 * 1024 * 1024

function findTool (name: string): string {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/sbin', '/sbin', '/usr/bin', '/bin']
  for (const dir of dirs) if (existsSync(path.join(dir, name))) return path.join(dir, name)
  return name
}

const IP = findTool('ip')
const TC = findTool('tc')

/** Environment for children: no NODE_OPTIONS (loaders slow every start), no TAMTAM_HOME. */
export function childEnv (): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
  delete env.NODE_OPTIONS
  delete env.TAMTAM_HOME
  return env
}

/** Run a command to completion, bounded by `timeoutMs` (then its process group is killed). Never rejects. */
export async function exec (file: string, args: string[], opts: { timeoutMs?: number, input?: string, env?: NodeJS.ProcessEnv, track?: Set<ChildProcess> } = {}): Promise<ExecResult> {
  return await new Promise((resolve) => {
    const t0 = performance.now()
    const child = spawn(file, args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? childEnv() })
    running.add(child)
    opts.track?.add(child)
    let stdout = ''
    let stderr = ''
    let timedOut = false
    let settled = false
    const finish = (code: number | null, extra = ''): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      running.delete(child)
      opts.track?.delete(child)
      resolve({ code: timedOut ? null : code, stdout, stderr: stderr + extra, ms: performance.now() - t0, timedOut })
    }
    const timer = setTimeout(() => {
      timedOut = true
      killGroup(child)
    }, opts.timeoutMs ?? 30_000)
    child.stdout.setEncoding('utf8').on('data', (d: string) => { if (stdout.length < MAX_OUTPUT) stdout += d })
    child.stderr.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < MAX_OUTPUT) stderr += d })
    child.once('error', (err) => finish(null, String(err)))
    child.once('close', (code) => finish(code))
    child.stdin.on('error', () => {}) // EPIPE when the command does not read its input
    child.stdin.end(opts.input ?? '')
  })
}

/** SIGKILL a detached child's whole process group. */
export function killGroup (child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    try { child.kill(signal) } catch { /* already gone */ }
  }
}

async function ipOrThrow (args: string[], input?: string): Promise<void> {
  const r = await exec(IP, args, { timeoutMs: 15_000, input })
  if (r.code !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr.trim()}${input === undefined ? '' : `\n${input}`}`)
}

const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

/** Why namespace LANs cannot run here, or null when they can. */
export function netnsUnsupported (): string | null {
  if (process.platform !== 'linux') return `platform is ${process.platform}, not linux`
  if (process.getuid?.() !== 0) return 'not root'
  try {
    execFileSync(IP, ['netns', 'list'], { timeout: 10_000, stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (err) {
    return `'ip netns' does not work: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`
  }
  return null
}

/** LANs alive in this process, for the emergency teardown. */
const live = new Set<NetnsLan>()

function teardownAllSync (): void {
  // Detached children do not get the terminal's Ctrl-C: kill them before anyone removes their dirs.
  for (const child of running) killGroup(child)
  for (const lan of [...live]) lan.destroySync()
}

function onSignal (signal: NodeJS.Signals): void {
  teardownAllSync()
  // Another handler (the bench runner's) exits with its own message; otherwise exit here.
  if (process.listenerCount(signal) <= 1) process.exit(130)
}

// Installed on import, so these run before the handlers of whoever imports this module.
process.on('exit', teardownAllSync)
process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)

/** A LAN of `hosts` namespaces on one bridge. Create with NetnsLan.create. */
export class NetnsLan {
  readonly prefix: string
  readonly bridgeNs: string
  readonly hosts: NetHost[] = []
  /** Namespaces created so far, recorded before creation so a half-built LAN is cleaned too. */
  private readonly namespaces: string[] = []
  private readonly children = new Set<ChildProcess>()
  private destroying: Promise<void> | null = null

  private constructor (prefix: string, count: number) {
    this.prefix = prefix
    this.bridgeNs = `${prefix}-br`
    const net = `10.${100 + randomInt(100)}.${randomInt(256)}`
    for (let i = 0; i < count; i++) {
      this.hosts.push({ index: i, ns: `${prefix}-h${i}`, ip: `${net}.${i + 1}`, hostIf: `${prefix}-h${i}`, bridgeIf: `${prefix}-p${i}` })
    }
  }

  /** Build a LAN of `count` hosts (1 to 200); tears down what it made if building fails. */
  static async create (count: number): Promise<NetnsLan> {
    if (!Number.isInteger(count) || count < 1 || count > 200) throw new RangeError(`host count must be 1 to 200, got ${count}`)
    const unsupported = netnsUnsupported()
    if (unsupported !== null) throw new Error(`namespace LAN not possible here: ${unsupported}`)
    const existing = execFileSync(IP, ['netns', 'list'], { encoding: 'utf8', timeout: 10_000 })
    let prefix = ''
    for (let i = 0; i < 50; i++) {
      prefix = `tb${randomBytes(2).toString('hex')}`
      if (!existing.includes(`${prefix}-`)) break
    }
    const lan = new NetnsLan(prefix, count)
    live.add(lan)
    try {
      await lan.build()
    } catch (err) {
      await lan.destroy()
      throw err
    }
    return lan
  }

  private async build (): Promise<void> {
    for (const ns of [this.bridgeNs, ...this.hosts.map((h) => h.ns)]) {
      this.namespaces.push(ns)
      await ipOrThrow(['netns', 'add', ns])
    }
    const br = `${this.prefix}-b`
    const bridge = ['link set dev lo up', `link add name ${br} type bridge mcast_snooping 0`, `link set dev ${br} multicast on`, `link set dev ${br} up`]
    for (const h of this.hosts) {
      bridge.push(`link add name ${h.bridgeIf} type veth peer name ${h.hostIf} netns ${h.ns}`,
        `link set dev ${h.bridgeIf} master ${br}`, `link set dev ${h.bridgeIf} multicast on`, `link set dev ${h.bridgeIf} up`)
    }
    await ipOrThrow(['-n', this.bridgeNs, '-batch', '-'], bridge.join('\n') + '\n')
    await Promise.all(this.hosts.map(async (h) => {
      const cmds = ['link set dev lo up', `link set dev ${h.hostIf} multicast on`, `addr add ${h.ip}/24 dev ${h.hostIf}`, `link set dev ${h.hostIf} up`]
      await ipOrThrow(['-n', h.ns, '-batch', '-'], cmds.join('\n') + '\n')
    }))
    await Promise.all(this.hosts.map(async (h) => await this.waitUp(h)))
  }

  /** Bounded wait for carrier on a host's interface. */
  private async waitUp (h: NetHost): Promise<void> {
    const deadline = Date.now() + 5000
    for (let i = 0; i < 200 && Date.now() < deadline; i++) {
      const r = await exec(IP, ['-n', h.ns, '-o', 'link', 'show', 'dev', h.hostIf], { timeoutMs: 5000 })
      if (r.code === 0 && /\bstate UP\b/.test(r.stdout) && r.stdout.includes('LOWER_UP')) return
      await sleep(20)
    }
    throw new Error(`${h.hostIf} in ${h.ns} is not up after 5 s`)
  }

  /** Host `i`. */
  host (i: number): NetHost {
    const h = this.hosts[i]
    if (h === undefined) throw new RangeError(`no host ${i} on this LAN of ${this.hosts.length}`)
    return h
  }

  private checkAlive (): void {
    if (this.destroying !== null) throw new Error(`LAN ${this.prefix} is torn down`)
  }

  /** Start a long-running command inside host `i`, in its own process group; destroy() kills it. */
  spawn (i: number, file: string, args: string[]): ChildProcess {
    this.checkAlive()
    const child = spawn(IP, ['netns', 'exec', this.host(i).ns, file, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() })
    this.children.add(child)
    running.add(child)
    const forget = (): void => {
      this.children.delete(child)
      running.delete(child)
    }
    child.once('exit', forget)
    child.once('error', forget)
    return child
  }

  /** Run a command inside host `i` to completion (bounded). Never rejects on failure: check `code`. */
  async exec (i: number, file: string, args: string[], timeoutMs = 30_000): Promise<ExecResult> {
    this.checkAlive()
    return await exec(IP, ['netns', 'exec', this.host(i).ns, file, ...args], { timeoutMs, track: this.children })
  }

  /**
   * Limit every host's link to `mbit` Mbit/s each way (tbf on both veth ends), or remove
   * the limit with null.
   */
  async rateLimit (mbit: number | null): Promise<void> {
    this.checkAlive()
    for (const h of this.hosts) {
      for (const [ns, dev] of [[h.ns, h.hostIf], [this.bridgeNs, h.bridgeIf]]) {
        const args = mbit === null
          ? ['-n', ns, 'qdisc', 'del', 'dev', dev, 'root']
          : ['-n', ns, 'qdisc', 'replace', 'dev', dev, 'root', 'tbf', 'rate', `${mbit}mbit`, ...TBF]
        const r = await exec(TC, args, { timeoutMs: 15_000 })
        const harmless = mbit === null && /No such file|handle of zero/.test(r.stderr)
        if (r.code !== 0 && !harmless) throw new Error(`tc ${args.join(' ')} failed: ${r.stderr.trim()}`)
      }
    }
  }

  /** Kill everything and delete the namespaces. Idempotent; never throws (errors go to stderr). */
  async destroy (): Promise<void> {
    this.destroying ??= this.teardown().catch((err) => { process.stderr.write(`netns: teardown of ${this.prefix}: ${String(err)}\n`) })
    await this.destroying
  }

  private async teardown (): Promise<void> {
    for (const child of this.children) killGroup(child)
    // All namespaces at once: one by one, a 50-host LAN took tens of seconds to tear down.
    const listed = await Promise.all(this.namespaces.map(async (ns) => await exec(IP, ['netns', 'pids', ns], { timeoutMs: 5000 })))
    for (const pids of listed) killPids(pids.stdout)
    const r = await exec(IP, ['-force', '-batch', '-'], { timeoutMs: 30_000, input: this.namespaces.map((ns) => `netns del ${ns}`).join('\n') + '\n' })
    if (r.code !== 0 && !/No such file/.test(r.stderr)) process.stderr.write(`netns: ip netns del (${this.prefix}): ${r.stderr.trim()}\n`)
    this.namespaces.length = 0
    live.delete(this)
  }

  /** Same as destroy(), synchronously, for exit and signal handlers. */
  destroySync (): void {
    this.destroying ??= Promise.resolve()
    for (const child of this.children) killGroup(child)
    for (const ns of this.namespaces.splice(0)) {
      try {
        killPids(execFileSync(IP, ['netns', 'pids', ns], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] }))
      } catch { /* no such namespace */ }
      try {
        execFileSync(IP, ['netns', 'del', ns], { timeout: 5000, stdio: 'ignore' })
      } catch { /* already gone */ }
    }
    live.delete(this)
  }
}

/** SIGKILL every pid listed (whitespace-separated), never ourselves or init. */
function killPids (list: string): void {
  for (const p of list.split(/\s+/).filter(Boolean)) {
    const pid = Number(p)
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) continue
    try { process.kill(pid, 'SIGKILL') } catch { /* gone */ }
  }
}
