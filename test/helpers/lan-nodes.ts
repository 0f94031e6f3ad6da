/**
 * Real `tamtam up` processes on namespace hosts (see lan.ts), their JSON lines collected
 * by the harness's EventLog, as the benchmarks' nodes are. Each node gets its own home
 * dir; one-shot commands reach it through its control socket, which works from any
 * network namespace because it is a file.
 */
import path from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { BIN, childEnv, cli, type CliResult } from './cli.js'
import { tempDir } from './peers.js'
import { EventLog } from '../../harness/netns/index.js'
import { createLan, type Lan } from './lan.js'

/** A running node on a namespace host. */
export interface LanNode {
  host: string
  home: string
  child: ChildProcess
  /** Parsed JSON event lines printed so far. */
  events: Array<Record<string, any>>
  exited: Promise<number | null>
  /** Run a one-shot command against this node's home. */
  run: (...args: string[]) => Promise<CliResult>
  /** SIGTERM and wait for a clean exit. */
  stop: () => Promise<number | null>
}

/** Fast discovery for tests. */
export const FAST = ['--announce-interval', '200']

/** Make a home with an identity (no node yet). */
export async function makeHome (dir: string, name: string): Promise<string> {
  const home = path.join(dir, name)
  const r = await cli(['--home', home, 'init', '--name', name])
  if (r.code !== 0) throw new Error(`init ${name}: ${r.stderr}`)
  return home
}

/** Run a one-shot tamtam command on a home; throws on failure, returns stdout. */
export async function tamtam (home: string, ...args: string[]): Promise<string> {
  const r = await cli(['--home', home, ...args])
  if (r.code !== 0) throw new Error(`tamtam ${args.join(' ')}: exit ${r.code}: ${r.stderr}`)
  return r.stdout
}

/** Start `tamtam up --json` for `home` on `host`; resolves once it printed its 'up' line. */
export async function startNode (lan: Lan, host: string, home: string, extra: string[] = ['--lan-only', ...FAST], opts: { env?: Record<string, string>, input?: string } = {}): Promise<LanNode> {
  const log = new EventLog(lan.spawn(host, [process.execPath, BIN, '--home', home, '--json', 'up', ...extra], { env: childEnv(opts.env), stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] }))
  const { child, events } = log
  if (opts.input !== undefined) child.stdin?.end(opts.input)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  try {
    await log.waitFor((e) => e.event === 'up', 20_000, `node on ${host}`)
  } catch {
    throw new Error(`node on ${host} did not start: ${log.stderr}`)
  }
  return {
    host,
    home,
    child,
    events,
    exited,
    run: async (...args) => await cli(['--home', home, ...args]),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      return await Promise.race([exited, new Promise<null>((resolve) => setTimeout(() => { child.kill('SIGKILL'); resolve(null) }, 10_000))])
    }
  }
}

/**
 * The message texts of a room as a node sees it (through its control socket). A failed
 * command throws: an empty list must mean "no messages", never "the command broke", or
 * every "saw nothing" check would pass on a broken command.
 */
export async function texts (node: LanNode | string, room: string): Promise<string[]> {
  const home = typeof node === 'string' ? node : node.home
  const out = await tamtam(home, 'log', room, '--json', '--all')
  return out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((i) => i.type === 'msg').map((i) => i.text)
}

/** The connected peers of a node; a failed command throws (see texts). */
export async function peersOf (node: LanNode): Promise<Array<Record<string, any>>> {
  return JSON.parse(await tamtam(node.home, 'peers', '--json'))
}

/** A namespace LAN whose hosts each have a home (all under `dir`), with `members` in one room "atelier". */
export async function lanWithRoom (t: any, segments: Record<string, string[]>, members: string[]): Promise<{ lan: Lan, homes: Record<string, string>, invite: string, dir: string }> {
  const lan = await createLan({ segments })
  t.teardown(() => lan.destroy())
  const dir = tempDir(t)
  const names = [...new Set(Object.values(segments).flat())]
  const homes = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await makeHome(dir, n)] as const)))
  const { invite } = JSON.parse(await tamtam(homes[members[0]], 'room', 'create', 'atelier', '--json'))
  for (const m of members.slice(1)) await tamtam(homes[m], 'room', 'join', invite)
  return { lan, homes, invite, dir }
}
