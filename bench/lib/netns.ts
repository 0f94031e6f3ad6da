/**
 * The benchmarks' view of the namespace-LAN harness (harness/netns, shared with the tests):
 * numbered hosts `h0`, `h1`, … on one segment (or in a line of two-host segments), names
 * starting with `tb` so that bench runs never collide with test runs, and children started
 * with a quiet environment.
 */
import type { ChildProcess } from 'node:child_process'
import { createLan, lanSupport, run, type ExecResult, type ImpairOptions, type Impairment, type Lan } from '../../harness/netns/index.js'

export { killGroup, type ExecResult } from '../../harness/netns/index.js'

/** The one segment of a bench LAN. */
const SEGMENT = 'lan'

/** One namespace host. */
export interface NetHost { index: number, name: string, ns: string, ip: string }

/** Environment for children: no NODE_OPTIONS (loaders slow every start), no TAMTAM_HOME. */
export function childEnv (): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
  delete env.NODE_OPTIONS
  delete env.TAMTAM_HOME
  return env
}

/** Run a command to completion in the root namespace, bounded by `timeoutMs`. Never rejects. */
export async function exec (file: string, args: string[], opts: { timeoutMs?: number, input?: string, env?: NodeJS.ProcessEnv } = {}): Promise<ExecResult> {
  return await run(file, args, { timeout: opts.timeoutMs, input: opts.input, env: opts.env ?? childEnv() })
}

/** Why namespace LANs cannot run here, or null when they can. */
export function netnsUnsupported (): string | null {
  const support = lanSupport()
  return support.ok ? null : support.reason
}

/** Segment name → names of its hosts, as harness/netns takes it. */
type Segments = Record<string, string[]>

const hostName = (i: number): string => `h${i}`

/** A LAN of numbered hosts, on one bridge or in a line. Create with NetnsLan.create or NetnsLan.line. */
export class NetnsLan {
  readonly hosts: NetHost[]
  /** Segment names, in order: one for create(), `count - 1` for line(). */
  readonly segments: string[]
  private readonly lan: Lan
  private readonly members: Segments

  private constructor (lan: Lan, count: number, members: Segments) {
    this.lan = lan
    this.members = members
    this.segments = Object.keys(members)
    this.hosts = Array.from({ length: count }, (_, index) => {
      const { name, ns, ip } = lan.host(hostName(index))
      return { index, name, ns, ip }
    })
  }

  /** Build a LAN of `count` hosts (1 to 200) on one bridge; tears down what it made if building fails. */
  static async create (count: number): Promise<NetnsLan> {
    if (!Number.isInteger(count) || count < 1 || count > 200) throw new RangeError(`host count must be 1 to 200, got ${count}`)
    return await NetnsLan.build(count, { [SEGMENT]: Array.from({ length: count }, (_, i) => hostName(i)) })
  }

  /**
   * A line of `count` hosts (2 to 50): segment `l<i>` joins hosts i and i+1 only. Hosts do
   * not forward IP, so anything that crosses several links is relayed by the nodes themselves.
   */
  static async line (count: number): Promise<NetnsLan> {
    if (!Number.isInteger(count) || count < 2 || count > 50) throw new RangeError(`line length must be 2 to 50, got ${count}`)
    const segments: Segments = {}
    for (let i = 0; i + 1 < count; i++) segments[`l${i}`] = [hostName(i), hostName(i + 1)]
    return await NetnsLan.build(count, segments)
  }

  private static async build (count: number, segments: Segments): Promise<NetnsLan> {
    const lan = await createLan({ segments }, { prefix: 'tb' })
    return new NetnsLan(lan, count, segments)
  }

  /** The harness LAN underneath, for helpers that take it (the Cabal comparison). */
  get harness (): Lan {
    return this.lan
  }

  /** Host `i`. */
  host (i: number): NetHost {
    const h = this.hosts[i]
    if (h === undefined) throw new RangeError(`no host ${i} on this LAN of ${this.hosts.length}`)
    return h
  }

  /** Start a long-running command inside host `i`, in its own process group; destroy() kills it. */
  spawn (i: number, file: string, args: string[]): ChildProcess {
    return this.lan.spawn(this.host(i).name, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() })
  }

  /** Run a command inside host `i` to completion (bounded). Never rejects on failure: check `code`. */
  async exec (i: number, file: string, args: string[], timeoutMs = 30_000): Promise<ExecResult> {
    return await this.lan.exec(this.host(i).name, [file, ...args], { timeout: timeoutMs, env: childEnv() })
  }

  /** Limit every host's link to `mbit` Mbit/s each way, or remove the limit with null. */
  async rateLimit (mbit: number | null): Promise<void> {
    for (const [segment, names] of Object.entries(this.members)) {
      for (const name of names) await this.lan.rateLimit(name, segment, mbit ?? Infinity)
    }
  }

  /** Delay and drop the frames every host sends on `segment` (../shared/tools/link-impair.py), for `opts.seconds` at most. */
  async impair (segment: string, opts: ImpairOptions): Promise<Impairment> {
    return await this.lan.impair(segment, opts)
  }

  /** Kill everything and delete the namespaces. Idempotent; never throws (errors go to stderr). */
  async destroy (): Promise<void> {
    await this.lan.destroy()
  }
}
