/**
 * The benchmarks' view of the namespace-LAN harness (harness/netns, shared with the tests):
 * one segment of numbered hosts `h0`, `h1`, …, names starting with `tb` so that bench runs
 * never collide with test runs, and children started with a quiet environment.
 */
import type { ChildProcess } from 'node:child_process'
import { createLan, lanSupport, run, type ExecResult, type Lan } from '../../harness/netns/index.js'

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

/** A LAN of `count` hosts on one bridge, addressed by number. Create with NetnsLan.create. */
export class NetnsLan {
  readonly hosts: NetHost[]
  private readonly lan: Lan

  private constructor (lan: Lan, count: number) {
    this.lan = lan
    this.hosts = Array.from({ length: count }, (_, index) => {
      const { name, ns, ip } = lan.host(`h${index}`)
      return { index, name, ns, ip }
    })
  }

  /** Build a LAN of `count` hosts (1 to 200); tears down what it made if building fails. */
  static async create (count: number): Promise<NetnsLan> {
    if (!Number.isInteger(count) || count < 1 || count > 200) throw new RangeError(`host count must be 1 to 200, got ${count}`)
    const lan = await createLan({ segments: { [SEGMENT]: Array.from({ length: count }, (_, i) => `h${i}`) } }, { prefix: 'tb' })
    return new NetnsLan(lan, count)
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
    for (const h of this.hosts) await this.lan.rateLimit(h.name, SEGMENT, mbit ?? Infinity)
  }

  /** Kill everything and delete the namespaces. Idempotent; never throws (errors go to stderr). */
  async destroy (): Promise<void> {
    await this.lan.destroy()
  }
}
