/** Run the real tamtam command (compiled by `npm test`'s build step) as a child process. */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** Path of the launcher. */
export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/tamtam.js')

/** Environment for children: without tap's NODE_OPTIONS hooks, which slow each start. */
export function childEnv (extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  delete env.NODE_OPTIONS
  delete env.TAMTAM_HOME
  return { ...env, ...extra }
}

/** Result of one CLI run. */
export interface CliResult { code: number, stdout: string, stderr: string }

/** Environment and stdin giving passphrases to a locked home: one per line on stdin (TAMTAM_PASSPHRASE_FD=0). */
export function passphrases (...lines: string[]): { env: Record<string, string>, input: string } {
  return { env: { TAMTAM_PASSPHRASE_FD: '0' }, input: lines.map((l) => l + '\n').join('') }
}

/** Run `tamtam ...args` to completion (bounded by a timeout); `input` is written to its stdin. */
export async function cli (args: string[], opts: { timeout?: number, env?: Record<string, string>, input?: string } = {}): Promise<CliResult> {
  return await new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { env: childEnv(opts.env), timeout: opts.timeout ?? 30_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1
      resolve({ code, stdout: String(stdout), stderr: String(stderr) })
    })
    if (opts.input !== undefined) child.stdin?.end(opts.input)
  })
}

/** Start a long-running `tamtam ...args` and wait until stdout matches `ready`. */
export async function start (t: any, args: string[], ready: RegExp, timeoutMs = 20_000, opts: { env?: Record<string, string>, input?: string } = {}): Promise<{ child: ChildProcess, output: () => string, exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(opts.env), stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] })
  if (opts.input !== undefined) child.stdin?.end(opts.input)
  let out = ''
  child.stdout?.on('data', (d) => { out += String(d) })
  child.stderr?.on('data', (d) => { out += String(d) })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  const deadline = Date.now() + timeoutMs
  while (!ready.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`process did not get ready: ${out}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return { child, output: () => out, exited }
}
