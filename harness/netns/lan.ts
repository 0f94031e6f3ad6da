/**
 * Real LAN hosts made of Linux network namespaces (DESIGN.md section 5), for the tests and
 * the benchmarks alike. layout.ts says what gets built and how it is named; everything
 * built is registered in one teardown registry (teardown.ts), undone by {@link Lan.destroy}
 * and, as a last resort, on process exit, SIGINT and SIGTERM.
 */
import type { ChildProcess, SpawnOptions } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { deleteNamespaces, deleteNamespacesSync, lanSupport, uniquePrefix } from './namespaces.js'
import { limitRate, startImpairment, type ImpairOptions, type Impairment, type LinkEnd } from './impair.js'
import { bridgeCommands, hostCommands, planLan, type Host, type Iface, type LanSpec, type Layout } from './layout.js'
import { IP, killGroup, logErr, run, sleep, spawnDetached, waitExit, type ExecOptions, type ExecResult } from './processes.js'
import { Teardown } from './teardown.js'

/** Options of {@link createLan} that tests and benches set differently. */
export interface LanOptions {
  /** Start of every name; 4 random hex digits follow. Default 'tt' (tests); the benches use 'tb'. */
  prefix?: string
}

/** How long an interface may take to report a new state. */
const OPER_WAIT_MS = 5_000
/** How long spawned processes get to die after SIGKILL before the namespaces go. */
const EXIT_WAIT_MS = 3_000

/** A running namespace LAN. Make one with {@link createLan}. */
export class Lan {
  /** Random per-run prefix of every namespace and link name. */
  readonly prefix: string
  /** The namespace holding the bridges. */
  readonly bridgeNs: string
  /** Hosts by name. */
  readonly hosts: Map<string, Host>
  private readonly layout: Layout
  private readonly teardown = new Teardown()
  /** Namespaces created so far, recorded before creation so a half-built LAN is cleaned too. */
  private readonly namespaces: string[] = []
  private readonly children = new Set<ChildProcess>()

  constructor (layout: Layout) {
    this.layout = layout
    this.prefix = layout.prefix
    this.bridgeNs = layout.bridgeNs
    this.hosts = layout.hosts
    this.teardown.add({ what: `namespaces of ${this.prefix}`, run: async () => await deleteNamespaces(this.namespaces), runSync: () => deleteNamespacesSync(this.namespaces) })
    this.teardown.add({ what: `processes of ${this.prefix}`, run: async () => await this.killChildren(), runSync: () => this.children.forEach((c) => killGroup(c)) })
  }

  /** The host with that name; throws if unknown. */
  host (name: string): Host {
    const h = this.hosts.get(name)
    if (h === undefined) throw new Error(`lan: unknown host '${name}' (hosts: ${[...this.hosts.keys()].join(', ')})`)
    return h
  }

  private iface (host: string, segment: string): Iface {
    this.host(host)
    const i = this.layout.ifaces.find((x) => x.host === host && x.segment === segment)
    if (i === undefined) throw new Error(`lan: host '${host}' is not on segment '${segment}'`)
    return i
  }

  /** The address of `host` on `segment`; throws if the host is not on that segment. */
  ipOn (host: string, segment: string): string {
    return this.iface(host, segment).ip
  }

  /** Both ends of the host's link to `segment`: its own interface, then the bridge's port. */
  linkEnds (host: string, segment: string): LinkEnd[] {
    const i = this.iface(host, segment)
    return [{ ns: this.host(host).ns, dev: i.hostIf }, { ns: this.bridgeNs, dev: i.bridgeIf }]
  }

  private checkAlive (): void {
    if (this.teardown.started) throw new Error('lan: already destroyed')
  }

  /**
   * Runs `cmd` inside the host's namespace (`ip netns exec`), bounded by `opts.timeout`
   * (default 30 s, then the process group is SIGKILLed). Never rejects on a non-zero exit:
   * look at `code`. Rejects only for an unknown host or a destroyed LAN.
   */
  async exec (host: string, cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    this.checkAlive()
    return await run(IP(), ['netns', 'exec', this.host(host).ns, ...cmd], { ...opts, track: this.children })
  }

  /**
   * Starts a long-running `cmd` inside the host's namespace, in its own process group. The
   * caller kills it; {@link Lan.destroy} SIGKILLs the group of every process spawned here.
   * Throws for an unknown host or a destroyed LAN.
   */
  spawn (host: string, cmd: string[], opts: SpawnOptions = {}): ChildProcess {
    this.checkAlive()
    return spawnDetached(IP(), ['netns', 'exec', this.host(host).ns, ...cmd], opts, this.children)
  }

  /** Brings the host's interface on `segment` down or up (waits, bounded, until the kernel reports it). */
  async setLink (host: string, segment: string, up: boolean): Promise<void> {
    this.checkAlive()
    const { hostIf } = this.iface(host, segment)
    const { ns } = this.host(host)
    await this.ip(['-n', ns, 'link', 'set', 'dev', hostIf, up ? 'up' : 'down'])
    await this.waitOper(ns, hostIf, up)
  }

  /**
   * Limits the host's link on `segment` to `mbit` Mbit/s in each direction (`tbf` on both
   * veth ends). `mbit = Infinity` removes the limit.
   */
  async rateLimit (host: string, segment: string, mbit: number): Promise<void> {
    this.checkAlive()
    await limitRate(this.linkEnds(host, segment), mbit)
  }

  /**
   * Delays and drops the frames that `hosts` (default: every host on it) send on `segment`,
   * for `opts.seconds` at most. Needs python3 and ethtool (see impairMissing()).
   */
  async impair (segment: string, opts: ImpairOptions & { hosts?: string[] }): Promise<Impairment> {
    this.checkAlive()
    const si = this.layout.segments.indexOf(segment)
    if (si < 0) throw new Error(`lan: unknown segment '${segment}'`)
    const onSeg = this.layout.ifaces.filter((i) => i.segment === segment)
    const hit = onSeg.filter((i) => opts.hosts?.includes(i.host) ?? true)
    const impairment = await startImpairment({
      bridgeNs: this.bridgeNs,
      bridge: this.layout.bridges[si]!,
      ports: onSeg.map((i) => i.bridgeIf),
      impaired: hit.map((i) => i.bridgeIf),
      hostEnds: hit.map((i) => ({ ns: this.host(i.host).ns, dev: i.hostIf }))
    }, opts, this.children)
    this.teardown.add(impairment.undo)
    return impairment
  }

  /** Kills spawned processes and deletes every namespace. Idempotent, never rejects (errors go to stderr). */
  async destroy (): Promise<void> {
    await this.teardown.run()
  }

  private async killChildren (): Promise<void> {
    const kids = [...this.children]
    for (const c of kids) killGroup(c)
    const gone = await Promise.all(kids.map(async (c) => await waitExit(c, EXIT_WAIT_MS)))
    const stuck = kids.filter((_, i) => !gone[i])
    if (stuck.length > 0) logErr(`destroy: ${stuck.length} spawned process(es) did not exit within ${EXIT_WAIT_MS} ms: ${stuck.map((c) => c.pid).join(', ')}`)
  }

  private async ip (args: string[], input?: string): Promise<void> {
    const r = await run(IP(), args, { timeout: 15_000, input })
    if (r.code !== 0) {
      const batch = input === undefined ? '' : `\n--- batch ---\n${input}`
      throw new Error(`ip ${args.join(' ')} failed (code ${r.code}${r.timedOut ? ', timed out' : ''}): ${r.stderr.trim()}${batch}`)
    }
  }

  private async waitOper (ns: string, ifname: string, up: boolean): Promise<void> {
    const deadline = Date.now() + OPER_WAIT_MS
    for (let i = 0; i < 200 && Date.now() < deadline; i++) {
      const r = await run(IP(), ['-n', ns, '-o', 'link', 'show', 'dev', ifname], { timeout: OPER_WAIT_MS })
      const isUp = /\bstate UP\b/.test(r.stdout) && r.stdout.includes('LOWER_UP')
      if (r.code === 0 && isUp === up) return
      await sleep(20)
    }
    throw new Error(`lan: ${ifname} in ${ns} did not go ${up ? 'up' : 'down'} within ${OPER_WAIT_MS} ms`)
  }

  /** Creates the namespaces, bridges, veth pairs and addresses, then waits for carrier. */
  async build (multicastRoute = false): Promise<void> {
    for (const ns of [this.bridgeNs, ...[...this.hosts.values()].map((h) => h.ns)]) {
      this.namespaces.push(ns)
      await this.ip(['netns', 'add', ns])
    }
    await this.ip(['-n', this.bridgeNs, '-batch', '-'], bridgeCommands(this.layout))
    await Promise.all([...this.hosts.values()].map(async (h) => await this.ip(['-n', h.ns, '-batch', '-'], hostCommands(this.layout, h.name, multicastRoute))))
    await Promise.all(this.layout.ifaces.map(async (i) => await this.waitOper(this.host(i.host).ns, i.hostIf, true)))
  }
}

/**
 * Builds a LAN of namespace hosts: `spec.segments` maps each segment (bridge) name to the
 * names of the hosts on it, e.g. `{ segments: { s1: ['a', 'b'], s2: ['b', 'c'] } }` is a
 * line a–b–c where b sits on both segments (b does not forward, so a cannot reach c).
 * Call {@link Lan.destroy} when done. If building fails, what was created is torn down
 * and the error is rethrown.
 */
export async function createLan (spec: LanSpec, opts: LanOptions = {}): Promise<Lan> {
  const support = lanSupport()
  if (!support.ok) throw new Error(`lan: not supported here: ${support.reason}`)
  const lan = new Lan(planLan(spec, uniquePrefix(opts.prefix ?? 'tt'), 200 + randomInt(51)))
  try {
    await lan.build(spec.multicastRoute)
  } catch (err) {
    await lan.destroy()
    throw err
  }
  return lan
}
