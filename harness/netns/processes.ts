/**
 * Processes for namespace LANs: tool lookup, bounded command runs, and process-group kills.
 * Every child started here is detached into its own process group, so a timeout or a
 * teardown can kill whatever it started, and every one is remembered until it ends, so an
 * emergency teardown (teardown.ts) can kill them all.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'

/** A finished command. `code` is null when it died of a signal, timed out or could not start. */
export interface ExecResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** Wall time from spawn to exit. */
  ms: number
  /** True when the timeout fired and the process group was killed. */
  timedOut: boolean
}

/** Options of {@link run} and of `Lan.exec`. */
export interface ExecOptions {
  /** Kill the command's whole process group (SIGKILL) after this many ms. Default 30000. */
  timeout?: number
  /** Written to the command's stdin, which is then closed. Without it stdin is closed at once. */
  input?: string | Buffer
  env?: NodeJS.ProcessEnv
  cwd?: string
  /** Told of the child while it runs (a LAN keeps its own set, to kill on destroy). */
  track?: Set<ChildProcess>
}

/** Largest output kept from one command: enough for any test, bounded for a runaway one. */
const MAX_OUTPUT = 64 * 1024 * 1024
/** After 'exit', how long to wait for the pipes: a grandchild that escaped the group could hold them forever. */
const PIPE_GRACE_MS = 2_000

/** Every child started here and not yet ended, for the emergency teardown. */
const running = new Set<ChildProcess>()

/** The absolute path of a system tool, looking also in the sbin dirs that PATH often lacks. */
export function findTool (name: string): string {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/sbin', '/sbin', '/usr/bin', '/bin']
  for (const dir of dirs) if (existsSync(path.join(dir, name))) return path.join(dir, name)
  return name
}

let ipPath: string | undefined
let tcPath: string | undefined
/** iproute2's `ip`, looked up once. */
export const IP = (): string => (ipPath ??= findTool('ip'))
/** iproute2's `tc`, looked up once. */
export const TC = (): string => (tcPath ??= findTool('tc'))

export const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

/** Writes a harness message to stderr; never throws (it runs in exit handlers). */
export function logErr (msg: string): void {
  try {
    process.stderr.write(`[netns] ${msg}\n`)
  } catch {
    // nothing left to do
  }
}

/** Starts a detached child and remembers it until it ends. Throws only if spawn itself throws. */
export function spawnDetached (file: string, args: string[], opts: SpawnOptions = {}, track?: Set<ChildProcess>): ChildProcess {
  const child = spawn(file, args, { ...opts, detached: true })
  running.add(child)
  track?.add(child)
  const forget = (): void => {
    running.delete(child)
    track?.delete(child)
  }
  child.once('exit', forget)
  child.once('error', forget)
  return child
}

/**
 * Runs a command to completion, bounded by `opts.timeout`. Never rejects: a command that
 * cannot start gives code null and the error in stderr.
 */
export async function run (file: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const t0 = performance.now()
  let child: ChildProcess
  try {
    child = spawnDetached(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env, cwd: opts.cwd }, opts.track)
  } catch (err) {
    return { code: null, signal: null, stdout: '', stderr: String(err), ms: 0, timedOut: false }
  }
  return await new Promise((resolve) => {
    let stdout = ''
    let stderr = ''
    let timedOut = false
    let settled = false
    let pipeTimer: NodeJS.Timeout | undefined
    const finish = (code: number | null, signal: NodeJS.Signals | null, extra = ''): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      clearTimeout(pipeTimer)
      resolve({ code: timedOut ? null : code, signal, stdout, stderr: stderr + extra, ms: performance.now() - t0, timedOut })
    }
    const timer = setTimeout(() => {
      timedOut = true
      killGroup(child)
    }, opts.timeout ?? 30_000)
    child.stdout?.setEncoding('utf8').on('data', (d: string) => { if (stdout.length < MAX_OUTPUT) stdout += d })
    child.stderr?.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < MAX_OUTPUT) stderr += d })
    child.once('error', (err) => finish(null, null, (stderr === '' ? '' : '\n') + String(err)))
    child.once('close', (code, signal) => finish(code, signal))
    child.once('exit', (code, signal) => { pipeTimer = setTimeout(() => finish(code, signal), PIPE_GRACE_MS) })
    child.stdin?.on('error', () => {}) // EPIPE when the command does not read its input
    child.stdin?.end(opts.input ?? '')
  })
}

/** Whether a child has ended (or never started). */
export function exited (child: ChildProcess): boolean {
  return child.pid === undefined || child.exitCode !== null || child.signalCode !== null
}

/** Signals a detached child's whole process group (SIGKILL by default). Never throws. */
export function killGroup (child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (exited(child)) return
  try {
    process.kill(-(child.pid as number), signal)
  } catch {
    try { child.kill(signal) } catch { /* already gone */ }
  }
}

/** Waits, at most `ms`, for a child to exit. Resolves true if it did. */
export async function waitExit (child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return true
  return await new Promise((resolve) => {
    const onExit = (): void => {
      clearTimeout(timer)
      resolve(true)
    }
    const timer = setTimeout(() => {
      child.off('exit', onExit)
      resolve(exited(child))
    }, ms)
    child.once('exit', onExit)
  })
}

/** SIGKILLs every pid in a whitespace-separated list, never ourselves or init. */
export function killPids (list: string): void {
  for (const p of list.split(/\s+/).filter(Boolean)) {
    const pid = Number(p)
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) continue
    try { process.kill(pid, 'SIGKILL') } catch { /* gone */ }
  }
}

/** Kills the group of every child still running (emergency teardown). */
export function killAllChildren (): void {
  for (const child of running) killGroup(child)
}
