/**
 * Real LAN hosts for tests, built from Linux network namespaces (DESIGN.md section 5).
 *
 * Layout of one LAN made by {@link createLan}:
 * - a per-run random prefix `ttXXXX` (4 hex digits) on every namespace and link name;
 * - one namespace per host, named `<prefix>-<host>`;
 * - one namespace `<prefix>-_bridges` holding one bridge per segment (`<prefix>-br<segIndex>`), with
 *   multicast snooping off so multicast floods to every port;
 * - one veth pair per (host, segment): `<prefix>-h<hostIndex>s<segIndex>` inside the host namespace and
 *   `<prefix>-p<hostIndex>s<segIndex>` enslaved to the bridge. The pair is created directly in the two
 *   namespaces, so nothing ever sits in the root namespace and deleting the namespaces removes it all;
 * - addresses `10.<R>.<segIndex>.<hostIndex + 1>/24` where R is random in 200..250 per run and hostIndex is
 *   the host's position in order of first appearance in the spec (so a host has the same last octet on every
 *   segment);
 * - `lo` up everywhere, `multicast on` on every interface, and NO default route and (by default) no
 *   multicast route: the Internet is cut, as in a real shutdown.
 *
 * Everything it creates is torn down by {@link Lan.destroy}, and, as a last resort, synchronously on process
 * exit, SIGINT or SIGTERM.
 */
import { spawn as spawnChild, execFileSync, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { existsSync } from 'node:fs'
import { randomBytes, randomInt } from 'node:crypto'
import path from 'node:path'
import { requirePrerequisite } from './prereq.js'

// ---------------------------------------------------------------------------------------------------------------
// Tool lookup and small process helpers

function findTool(name: string): string {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)
  for (const d of [...dirs, '/usr/sbin', '/sbin', '/usr/bin', '/bin']) {
    const p = path.join(d, name)
    if (existsSync(p)) return p
  }
  return name
}

let ipPath: string | undefined
let tcPath: string | undefined
const IP = (): string => (ipPath ??= findTool('ip'))
const TC = (): string => (tcPath ??= findTool('tc'))

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function logErr(msg: string): void {
  try {
    process.stderr.write(`[lan] ${msg}\n`)
  } catch {
    // nothing left to do
  }
}

/** Result of {@link Lan.exec} and of internal tool runs. `code` is null when the process died of a signal. */
export interface ExecResult {
  stdout: string
  stderr: string
  code: number | null
  signal: NodeJS.Signals | null
  /** true when the timeout fired and the process group was killed. */
  timedOut: boolean
}

/** Options of {@link Lan.exec}. */
export interface ExecOptions {
  /** Kill the command (its whole process group, SIGKILL) after this many ms. Default 30000. */
  timeout?: number
  /** Written to the command's stdin, which is then closed. Without it stdin is closed at once. */
  input?: string | Buffer
  env?: NodeJS.ProcessEnv
  cwd?: string
}

/**
 * Runs a command with bounded time, never rejecting on failure (a spawn error gives code null and the error text
 * in stderr). The command runs in its own process group so a timeout can kill everything it started.
 */
function run(
  file: string,
  args: string[],
  opts: ExecOptions & { track?: (c: ChildProcess) => void; untrack?: (c: ChildProcess) => void } = {},
): Promise<ExecResult> {
  const timeout = opts.timeout ?? 30_000
  return new Promise((resolve) => {
    let child: ChildProcess
    try {
      child = spawnChild(file, args, {
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
        env: opts.env,
        cwd: opts.cwd,
      })
    } catch (err) {
      resolve({ stdout: '', stderr: String(err), code: null, signal: null, timedOut: false })
      return
    }
    opts.track?.(child)
    const out: Buffer[] = []
    const errs: Buffer[] = []
    let timedOut = false
    let settled = false
    let exitTimer: NodeJS.Timeout | undefined
    const finish = (code: number | null, signal: NodeJS.Signals | null, extraErr = ''): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      clearTimeout(exitTimer)
      opts.untrack?.(child)
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(errs).toString('utf8') + extraErr,
        code,
        signal,
        timedOut,
      })
    }
    const timer = setTimeout(() => {
      timedOut = true
      killGroup(child)
    }, timeout)
    child.stdout?.on('data', (b: Buffer) => out.push(b))
    child.stderr?.on('data', (b: Buffer) => errs.push(b))
    child.on('error', (err) => finish(null, null, (errs.length ? '\n' : '') + String(err)))
    child.on('close', (code, signal) => finish(code, signal))
    // 'close' waits for the pipes; a grandchild that escaped the group could hold them open forever.
    child.on('exit', (code, signal) => {
      exitTimer = setTimeout(() => finish(code, signal), 2_000)
    })
    child.stdin?.on('error', () => {
      // EPIPE when the command does not read its input: not our concern
    })
    if (opts.input !== undefined) child.stdin?.end(opts.input)
    else child.stdin?.end()
  })
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    try {
      child.kill('SIGKILL')
    } catch {
      // already gone
    }
  }
}

function exited(child: ChildProcess): boolean {
  return child.pid === undefined || child.exitCode !== null || child.signalCode !== null
}

/** Waits (bounded) for a child to exit. Resolves true if it did. */
function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true)
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      child.off('exit', onExit)
      resolve(exited(child))
    }, ms)
    const onExit = (): void => {
      clearTimeout(t)
      resolve(true)
    }
    child.once('exit', onExit)
  })
}

/** Runs `ip` (optionally `ip -n NS`), throwing with the command line and stderr on failure. */
async function ipOrThrow(args: string[], input?: string): Promise<string> {
  const r = await run(IP(), args, { timeout: 15_000, input })
  if (r.code !== 0) {
    const detail = input ? `\n--- batch ---\n${input}` : ''
    throw new Error(`ip ${args.join(' ')} failed (code ${r.code}${r.timedOut ? ', timed out' : ''}): ${r.stderr.trim()}${detail}`)
  }
  return r.stdout
}

async function tcOrThrow(args: string[]): Promise<void> {
  const r = await run(TC(), args, { timeout: 15_000 })
  if (r.code !== 0) throw new Error(`tc ${args.join(' ')} failed (code ${r.code}): ${r.stderr.trim()}`)
}

function listNetnsSync(): string[] {
  const out = execFileSync(IP(), ['netns', 'list'], { encoding: 'utf8', timeout: 10_000 })
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0])
    .filter((n): n is string => !!n)
}

async function listNetns(): Promise<string[]> {
  const r = await run(IP(), ['netns', 'list'], { timeout: 10_000 })
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0])
    .filter((n): n is string => !!n)
}

/** Synchronously kills every process in a namespace, then deletes it. Never throws. */
function killAndDeleteNsSync(ns: string): void {
  try {
    const pids = execFileSync(IP(), ['netns', 'pids', ns], { encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] })
    for (const p of pids.split(/\s+/).filter(Boolean)) {
      const pid = Number(p)
      if (Number.isInteger(pid) && pid > 1 && pid !== process.pid) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // gone
        }
      }
    }
  } catch {
    // no such namespace, or no pids
  }
  try {
    execFileSync(IP(), ['netns', 'del', ns], { timeout: 5_000, stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (err) {
    const msg = String((err as { stderr?: Buffer }).stderr ?? err)
    if (!/No such file|Cannot remove namespace file ".*": No such/.test(msg)) logErr(`ip netns del ${ns}: ${msg.trim()}`)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Support check

let supportCache: { ok: true } | { ok: false; reason: string } | undefined

/**
 * Whether this machine can build namespace LANs: we must be root, and `ip netns add`, a bridge, a veth pair and
 * `ip netns del` must work (tried on a throwaway namespace). The result is computed once and cached.
 */
export function lanSupport(): { ok: true } | { ok: false; reason: string } {
  if (supportCache) return supportCache
  supportCache = checkSupport()
  return supportCache
}

function checkSupport(): { ok: true } | { ok: false; reason: string } {
  if (process.platform !== 'linux') return { ok: false, reason: `platform is ${process.platform}, not linux` }
  const uid = typeof process.getuid === 'function' ? process.getuid() : -1
  if (uid !== 0) return { ok: false, reason: `not root (uid ${uid})` }
  const ns = `tt${randomBytes(2).toString('hex')}-probe`
  const runSync = (args: string[]): void => {
    execFileSync(IP(), args, { timeout: 10_000, stdio: ['ignore', 'ignore', 'pipe'] })
  }
  try {
    runSync(['netns', 'add', ns])
  } catch (err) {
    const e = err as { code?: string; stderr?: Buffer; message?: string }
    if (e.code === 'ENOENT') return { ok: false, reason: `the 'ip' command (iproute2) was not found` }
    return { ok: false, reason: `'ip netns add' failed: ${String(e.stderr ?? e.message).trim()}` }
  }
  try {
    runSync(['-n', ns, 'link', 'add', 'ttprobe-br', 'type', 'bridge'])
    runSync(['-n', ns, 'link', 'add', 'ttprobe-a', 'type', 'veth', 'peer', 'name', 'ttprobe-b'])
  } catch (err) {
    const e = err as { stderr?: Buffer; message?: string }
    killAndDeleteNsSync(ns)
    return { ok: false, reason: `creating a bridge or veth pair in a namespace failed: ${String(e.stderr ?? e.message).trim()}` }
  }
  try {
    runSync(['netns', 'del', ns])
  } catch (err) {
    const e = err as { stderr?: Buffer; message?: string }
    return { ok: false, reason: `'ip netns del' failed: ${String(e.stderr ?? e.message).trim()}` }
  }
  return { ok: true }
}

/**
 * For a tap test: true when {@link lanSupport} is ok. Otherwise, through test/helpers/prereq.ts, records a SKIP
 * with the reason ('needs root and ip netns: <reason>'), or a FAILURE under CI=true, and returns false.
 * Use as `if (!skipUnlessLan(t)) return`.
 */
export function skipUnlessLan(t: any): boolean {
  const s = lanSupport()
  return requirePrerequisite(t, 'root and ip netns (a namespace LAN)', s.ok ? null : s.reason)
}

/**
 * Deletes every namespace whose name matches `prefixPattern` (default: names made by this helper), after
 * SIGKILLing the processes inside it. NOT called automatically: it would also destroy the LANs of test runs
 * going on in parallel. Synchronous, never throws; returns the names it tried to delete.
 */
export function cleanupStale(prefixPattern: RegExp = /^tt[0-9a-f]{4}-/): string[] {
  let names: string[]
  try {
    names = listNetnsSync()
  } catch (err) {
    logErr(`cleanupStale: ip netns list failed: ${String(err)}`)
    return []
  }
  const stale = names.filter((n) => prefixPattern.test(n))
  for (const n of stale) killAndDeleteNsSync(n)
  return stale
}

// ---------------------------------------------------------------------------------------------------------------
// Emergency teardown on exit and signals

const live = new Set<LanImpl>()
let exitHookInstalled = false
let signalHooksInstalled = false
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']

function teardownAllSync(): void {
  for (const lan of [...live]) lan.destroySync()
}

function onSignal(sig: NodeJS.Signals): void {
  teardownAllSync()
  uninstallSignalHooks()
  // Re-raise now that our handler is gone: the default action (or another handler, e.g. tap's) takes over.
  try {
    process.kill(process.pid, sig)
  } catch {
    process.exit(128 + (sig === 'SIGINT' ? 2 : 15))
  }
}

function installHooks(): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.on('exit', teardownAllSync)
  }
  if (!signalHooksInstalled) {
    signalHooksInstalled = true
    for (const s of SIGNALS) process.on(s, onSignal)
  }
}

function uninstallSignalHooks(): void {
  if (!signalHooksInstalled) return
  signalHooksInstalled = false
  for (const s of SIGNALS) process.off(s, onSignal)
}

// ---------------------------------------------------------------------------------------------------------------
// The LAN

/** One simulated host. */
export interface Host {
  /** Host name from the spec. */
  name: string
  /** Its network namespace (`<prefix>-<name>`). */
  ns: string
  /** Its first address (on the first segment it appears in). */
  ip: string
  /** All its addresses, one per segment, in the order of `spec.segments`. */
  ips: string[]
}

/** Spec of {@link createLan}. */
export interface LanSpec {
  /** Segment (bridge) name → names of the hosts on it. A host on several segments gets one interface on each. */
  segments: Record<string, string[]>
  /** Add a 224.0.0.0/4 route on each host's first interface. Default false: like a real shutdown, no route. */
  multicastRoute?: boolean
}

/** A running namespace LAN. */
export interface Lan {
  /** Random per-run prefix (`ttXXXX`) of every namespace and link name. */
  prefix: string
  /** Hosts by name. */
  hosts: Map<string, Host>
  /** The host with that name; throws if unknown. */
  host(name: string): Host
  /** The address of `host` on `segment`; throws if the host is not on that segment. */
  ipOn(host: string, segment: string): string
  /**
   * Runs `cmd` inside the host's namespace (`ip netns exec`), bounded by `opts.timeout` (default 30 s, then the
   * process group is SIGKILLed). Never rejects on a non-zero exit: look at `code`. Rejects only for an unknown
   * host or a destroyed LAN.
   */
  exec(host: string, cmd: string[], opts?: ExecOptions): Promise<ExecResult>
  /**
   * Starts a long-running `cmd` inside the host's namespace, detached into its own process group. The caller
   * kills it; {@link Lan.destroy} also SIGKILLs the group of every process spawned here. Throws for an unknown
   * host or a destroyed LAN.
   */
  spawn(host: string, cmd: string[], opts?: SpawnOptions): ChildProcess
  /** Brings the host's interface on `segment` down or up (waits, bounded, until the kernel reports it). */
  setLink(host: string, segment: string, up: boolean): Promise<void>
  /**
   * Limits the host's link on `segment` to `mbit` Mbit/s in each direction (`tbf`, burst 32kbit, latency 400ms,
   * on both veth ends). `mbit = Infinity` removes the limit.
   */
  rateLimit(host: string, segment: string, mbit: number): Promise<void>
  /** Kills spawned processes and deletes every namespace. Idempotent, never throws (errors go to stderr). */
  destroy(): Promise<void>
}

interface Iface {
  host: string
  segment: string
  hostIf: string
  bridgeIf: string
  ip: string
}

class LanImpl implements Lan {
  readonly prefix: string
  readonly hosts = new Map<string, Host>()
  readonly bridgeNs: string
  /** Every namespace created so far (also those of a half-built LAN). */
  readonly namespaces: string[] = []
  readonly ifaces: Iface[] = []
  private readonly children = new Set<ChildProcess>()
  private destroying: Promise<void> | undefined
  private dead = false

  constructor(prefix: string) {
    this.prefix = prefix
    this.bridgeNs = `${prefix}-_bridges`
  }

  host(name: string): Host {
    const h = this.hosts.get(name)
    if (!h) throw new Error(`lan: unknown host '${name}' (hosts: ${[...this.hosts.keys()].join(', ')})`)
    return h
  }

  private iface(host: string, segment: string): Iface {
    this.host(host)
    const i = this.ifaces.find((x) => x.host === host && x.segment === segment)
    if (!i) throw new Error(`lan: host '${host}' is not on segment '${segment}'`)
    return i
  }

  ipOn(host: string, segment: string): string {
    return this.iface(host, segment).ip
  }

  private checkAlive(): void {
    if (this.dead || this.destroying) throw new Error('lan: already destroyed')
  }

  exec(host: string, cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    try {
      this.checkAlive()
      const { ns } = this.host(host)
      return run(IP(), ['netns', 'exec', ns, ...cmd], {
        ...opts,
        track: (c) => this.children.add(c),
        untrack: (c) => this.children.delete(c),
      })
    } catch (err) {
      return Promise.reject(err)
    }
  }

  spawn(host: string, cmd: string[], opts: SpawnOptions = {}): ChildProcess {
    this.checkAlive()
    const { ns } = this.host(host)
    const child = spawnChild(IP(), ['netns', 'exec', ns, ...cmd], { ...opts, detached: true })
    this.children.add(child)
    child.once('exit', () => this.children.delete(child))
    return child
  }

  private async waitOper(ns: string, ifname: string, up: boolean): Promise<void> {
    const deadline = Date.now() + 5_000
    for (let i = 0; i < 100 && Date.now() < deadline; i++) {
      const r = await run(IP(), ['-n', ns, '-o', 'link', 'show', 'dev', ifname], { timeout: 5_000 })
      const isUp = /\bstate UP\b/.test(r.stdout) && /LOWER_UP/.test(r.stdout)
      if (r.code === 0 && isUp === up) return
      await sleep(20)
    }
    throw new Error(`lan: ${ifname} in ${ns} did not go ${up ? 'up' : 'down'} within 5 s`)
  }

  async setLink(host: string, segment: string, up: boolean): Promise<void> {
    this.checkAlive()
    const i = this.iface(host, segment)
    const { ns } = this.host(host)
    await ipOrThrow(['-n', ns, 'link', 'set', 'dev', i.hostIf, up ? 'up' : 'down'])
    await this.waitOper(ns, i.hostIf, up)
  }

  async rateLimit(host: string, segment: string, mbit: number): Promise<void> {
    this.checkAlive()
    if (!(mbit > 0)) throw new Error(`lan: rateLimit needs mbit > 0 (or Infinity to remove), got ${mbit}`)
    const i = this.iface(host, segment)
    const ends: Array<[string, string]> = [
      [this.host(host).ns, i.hostIf],
      [this.bridgeNs, i.bridgeIf],
    ]
    for (const [ns, dev] of ends) {
      if (mbit === Infinity) {
        const r = await run(TC(), ['-n', ns, 'qdisc', 'del', 'dev', dev, 'root'], { timeout: 15_000 })
        if (r.code !== 0 && !/No such file|Cannot delete qdisc with handle of zero/.test(r.stderr)) {
          throw new Error(`tc qdisc del on ${dev} failed: ${r.stderr.trim()}`)
        }
      } else {
        await tcOrThrow(['-n', ns, 'qdisc', 'replace', 'dev', dev, 'root', 'tbf', 'rate', `${mbit}mbit`, 'burst', '32kbit', 'latency', '400ms'])
      }
    }
  }

  destroy(): Promise<void> {
    this.destroying ??= this.doDestroy().catch((err) => logErr(`destroy: ${String(err)}`))
    return this.destroying
  }

  private async doDestroy(): Promise<void> {
    if (this.dead) return
    const kids = [...this.children]
    for (const c of kids) killGroup(c)
    const results = await Promise.all(kids.map((c) => waitExit(c, 3_000)))
    const stuck = kids.filter((_, i) => !results[i])
    if (stuck.length) logErr(`destroy: ${stuck.length} spawned process(es) did not exit within 3 s: ${stuck.map((c) => c.pid).join(', ')}`)
    await Promise.all(
      this.namespaces.map(async (ns) => {
        // Processes that escaped their process group would keep the namespace alive after its name is gone.
        const pids = await run(IP(), ['netns', 'pids', ns], { timeout: 5_000 })
        for (const p of pids.stdout.split(/\s+/).filter(Boolean)) {
          const pid = Number(p)
          if (Number.isInteger(pid) && pid > 1 && pid !== process.pid) {
            try {
              process.kill(pid, 'SIGKILL')
            } catch {
              // gone
            }
          }
        }
        const r = await run(IP(), ['netns', 'del', ns], { timeout: 10_000 })
        if (r.code !== 0 && !/No such file/.test(r.stderr)) logErr(`ip netns del ${ns}: ${r.stderr.trim()}`)
      }),
    )
    this.dead = true
    live.delete(this)
    if (live.size === 0) uninstallSignalHooks()
  }

  /** Emergency, synchronous teardown (exit and signal handlers). Never throws. */
  destroySync(): void {
    if (this.dead) return
    this.dead = true
    for (const c of this.children) killGroup(c)
    for (const ns of this.namespaces) killAndDeleteNsSync(ns)
    live.delete(this)
  }

  // --- construction -------------------------------------------------------------------------------------------

  async build(spec: LanSpec): Promise<void> {
    const segNames = Object.keys(spec.segments)
    if (segNames.length === 0) throw new Error('lan: spec.segments is empty')
    if (segNames.length > 256) throw new Error('lan: at most 256 segments')
    const hostNames: string[] = []
    for (const seg of segNames) {
      const members = spec.segments[seg]
      if (!Array.isArray(members)) throw new Error(`lan: segment '${seg}' must list host names`)
      if (new Set(members).size !== members.length) throw new Error(`lan: segment '${seg}' lists a host twice`)
      for (const h of members) {
        if (typeof h !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/.test(h)) {
          throw new Error(`lan: bad host name ${JSON.stringify(h)} (letters, digits, _ . -; at most 32; not starting with _ . -)`)
        }
        if (!hostNames.includes(h)) hostNames.push(h)
      }
    }
    if (hostNames.length > 254) throw new Error('lan: at most 254 hosts')
    const octet = 200 + randomInt(51)

    for (const [hi, name] of hostNames.entries()) {
      const ips: string[] = []
      segNames.forEach((seg, si) => {
        if (!spec.segments[seg]!.includes(name)) return
        const ip = `10.${octet}.${si}.${hi + 1}`
        ips.push(ip)
        this.ifaces.push({
          host: name,
          segment: seg,
          hostIf: `${this.prefix}-h${hi}s${si}`,
          bridgeIf: `${this.prefix}-p${hi}s${si}`,
          ip,
        })
      })
      this.hosts.set(name, { name, ns: `${this.prefix}-${name}`, ip: ips[0]!, ips })
    }

    // Namespaces. Record each before creating it, so a failure half-way still gets cleaned up.
    const allNs = [this.bridgeNs, ...[...this.hosts.values()].map((h) => h.ns)]
    for (const ns of allNs) {
      this.namespaces.push(ns)
      await ipOrThrow(['netns', 'add', ns])
    }

    // Bridges and veth pairs, all from inside the bridge namespace, in one `ip -batch`.
    const b: string[] = ['link set dev lo up']
    segNames.forEach((_, si) => {
      const br = `${this.prefix}-br${si}`
      b.push(`link add name ${br} type bridge mcast_snooping 0`)
      b.push(`link set dev ${br} type bridge mcast_snooping 0`)
      b.push(`link set dev ${br} multicast on`)
      b.push(`link set dev ${br} up`)
    })
    for (const i of this.ifaces) {
      const si = segNames.indexOf(i.segment)
      b.push(`link add name ${i.bridgeIf} type veth peer name ${i.hostIf} netns ${this.host(i.host).ns}`)
      b.push(`link set dev ${i.bridgeIf} master ${this.prefix}-br${si}`)
      b.push(`link set dev ${i.bridgeIf} multicast on`)
      b.push(`link set dev ${i.bridgeIf} up`)
    }
    await ipOrThrow(['-n', this.bridgeNs, '-batch', '-'], b.join('\n') + '\n')

    // Host side: lo, addresses, multicast flag, up. No default route, and a multicast route only on request.
    await Promise.all(
      [...this.hosts.values()].map(async (h) => {
        const mine = this.ifaces.filter((i) => i.host === h.name)
        const cmds = ['link set dev lo up']
        for (const i of mine) {
          cmds.push(`link set dev ${i.hostIf} multicast on`)
          cmds.push(`addr add ${i.ip}/24 dev ${i.hostIf}`)
          cmds.push(`link set dev ${i.hostIf} up`)
        }
        if (spec.multicastRoute && mine[0]) cmds.push(`route add 224.0.0.0/4 dev ${mine[0].hostIf}`)
        await ipOrThrow(['-n', h.ns, '-batch', '-'], cmds.join('\n') + '\n')
      }),
    )

    // Bounded wait until every host interface reports state UP with carrier.
    await Promise.all(this.ifaces.map((i) => this.waitOper(this.host(i.host).ns, i.hostIf, true)))
  }
}

/**
 * Builds a LAN of namespace hosts: `spec.segments` maps each segment (bridge) name to the names of the hosts on
 * it, e.g. `{ segments: { s1: ['a', 'b'], s2: ['b', 'c'] } }` is a line a–b–c where b sits on both segments
 * (b does not forward, so a cannot reach c). Call {@link Lan.destroy} in `t.teardown`. If building fails, what
 * was created is torn down and the error is rethrown.
 */
export async function createLan(spec: LanSpec): Promise<Lan> {
  const s = lanSupport()
  if (!s.ok) throw new Error(`lan: not supported here: ${s.reason}`)
  let existing: string[] = []
  try {
    existing = await listNetns()
  } catch {
    // best effort
  }
  let prefix = ''
  for (let i = 0; i < 20; i++) {
    prefix = `tt${randomBytes(2).toString('hex')}`
    if (!existing.some((n) => n.startsWith(`${prefix}-`))) break
  }
  const lan = new LanImpl(prefix)
  live.add(lan)
  installHooks()
  try {
    await lan.build(spec)
  } catch (err) {
    await lan.destroy()
    throw err
  }
  return lan
}
