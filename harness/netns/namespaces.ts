/**
 * Network namespaces as a whole: whether this machine can make them, names that do not
 * collide with other runs, and deleting them with everything still running inside.
 */
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { IP, killPids, logErr, run } from './processes.js'

/** Why namespace LANs cannot run here, or ok. */
export type Support = { ok: true } | { ok: false, reason: string }

let supportCache: Support | undefined

/**
 * Whether this machine can build namespace LANs: we must be root, and `ip netns add`, a
 * bridge, a veth pair and `ip netns del` must work (tried once on a throwaway namespace).
 */
export function lanSupport (): Support {
  supportCache ??= checkSupport()
  return supportCache
}

function checkSupport (): Support {
  if (process.platform !== 'linux') return { ok: false, reason: `platform is ${process.platform}, not linux` }
  const uid = typeof process.getuid === 'function' ? process.getuid() : -1
  if (uid !== 0) return { ok: false, reason: `not root (uid ${uid})` }
  const ns = `tt${randomBytes(2).toString('hex')}-probe`
  const step = (what: string, args: string[]): string | null => {
    try {
      execFileSync(IP(), args, { timeout: 10_000, stdio: ['ignore', 'ignore', 'pipe'] })
      return null
    } catch (err) {
      const e = err as { code?: string, stderr?: Buffer, message?: string }
      if (e.code === 'ENOENT') return `the 'ip' command (iproute2) was not found`
      return `${what} failed: ${String(e.stderr ?? e.message).trim()}`
    }
  }
  const added = step(`'ip netns add'`, ['netns', 'add', ns])
  if (added !== null) return { ok: false, reason: added }
  const linked = step('creating a bridge in a namespace', ['-n', ns, 'link', 'add', 'ttprobe-br', 'type', 'bridge']) ??
    step('creating a veth pair in a namespace', ['-n', ns, 'link', 'add', 'ttprobe-a', 'type', 'veth', 'peer', 'name', 'ttprobe-b'])
  if (linked !== null) {
    deleteNamespacesSync([ns])
    return { ok: false, reason: linked }
  }
  const deleted = step(`'ip netns del'`, ['netns', 'del', ns])
  return deleted === null ? { ok: true } : { ok: false, reason: deleted }
}

function parseList (out: string): string[] {
  return out.split('\n').map((l) => l.trim().split(/\s+/)[0]).filter((n): n is string => n !== undefined && n !== '')
}

/** The names of every namespace on the machine. Throws if `ip netns list` fails. */
export function listNamespacesSync (): string[] {
  return parseList(execFileSync(IP(), ['netns', 'list'], { encoding: 'utf8', timeout: 10_000 }))
}

/**
 * `start` plus 4 random hex digits, chosen so that no namespace on the machine already
 * starts with it: test and bench runs of other people may be going on.
 */
export function uniquePrefix (start: string): string {
  let existing: string[] = []
  try {
    existing = listNamespacesSync()
  } catch {
    // best effort: the random part alone makes a collision unlikely
  }
  let prefix = ''
  for (let i = 0; i < 50; i++) {
    prefix = `${start}${randomBytes(2).toString('hex')}`
    if (!existing.some((n) => n.startsWith(`${prefix}-`))) break
  }
  return prefix
}

/**
 * SIGKILLs what runs in the namespaces (processes that escaped their group would keep a
 * namespace alive after its name is gone), then deletes them all in one `ip -force -batch`:
 * one by one, a 50-host LAN took tens of seconds. Never rejects.
 */
export async function deleteNamespaces (names: string[]): Promise<void> {
  if (names.length === 0) return
  const listed = await Promise.all(names.map(async (ns) => await run(IP(), ['netns', 'pids', ns], { timeout: 5_000 })))
  for (const pids of listed) killPids(pids.stdout)
  const r = await run(IP(), ['-force', '-batch', '-'], { timeout: 30_000, input: names.map((ns) => `netns del ${ns}`).join('\n') + '\n' })
  if (r.code !== 0 && !/No such file/.test(r.stderr)) logErr(`ip netns del ${names.join(' ')}: ${r.stderr.trim()}`)
}

/** The same synchronously, for exit and signal handlers. Never throws. */
export function deleteNamespacesSync (names: string[]): void {
  for (const ns of names) {
    try {
      killPids(execFileSync(IP(), ['netns', 'pids', ns], { encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] }))
    } catch {
      // no such namespace, or nothing in it
    }
    try {
      execFileSync(IP(), ['netns', 'del', ns], { timeout: 5_000, stdio: ['ignore', 'ignore', 'pipe'] })
    } catch (err) {
      const msg = String((err as { stderr?: Buffer }).stderr ?? err)
      if (!/No such file/.test(msg)) logErr(`ip netns del ${ns}: ${msg.trim()}`)
    }
  }
}

/**
 * Deletes every namespace whose name matches `pattern` (default: names made by the tests),
 * after killing what runs inside. NOT called automatically: it would also destroy the LANs
 * of runs going on in parallel. Synchronous, never throws; returns the names it tried.
 */
export function cleanupStale (pattern: RegExp = /^tt[0-9a-f]{4}-/): string[] {
  let names: string[]
  try {
    names = listNamespacesSync()
  } catch (err) {
    logErr(`cleanupStale: ip netns list failed: ${String(err)}`)
    return []
  }
  const stale = names.filter((n) => pattern.test(n))
  deleteNamespacesSync(stale)
  return stale
}
