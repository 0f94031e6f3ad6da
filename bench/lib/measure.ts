/**
 * Timing helpers for the benchmarks: sample summaries, bounded repeats, child processes
 * with a timeout, and scratch dirs that are always removed. Nothing here knows tamtam.
 */
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'

/** What every measure gets from the runner. */
export interface BenchContext {
  /** Root of the package (where bin/ and dist/ are). */
  root: string
  scratch: Scratch
  /** Progress line, to stderr. */
  progress: (line: string) => void
  /** Command-line flags that some suites read. */
  flags: BenchFlags
}

/** Optional extras a run asks for; a suite that does not know a flag ignores it. */
export interface BenchFlags {
  /** Also measure Cabal beside tamtam (the wifi suite; needs bench/lib/cabal.ts and its packages). */
  cabal: boolean
}

/** One benchmark: a name for the table and a function returning its figures. */
export interface Measure { id: string, title: string, run: (ctx: BenchContext) => Promise<Figure[]> }

/** Median, extremes and sample count of one series. */
export interface Summary { median: number, min: number, max: number, runs: number }

/** One reported figure: a summary with its unit, and optionally a p99 and a ratio to a baseline. */
export interface Figure extends Summary {
  /** A stable id, for targets that refer to the figure. */
  id?: string
  measure: string
  name: string
  unit: string
  /** Name of the figure this one is compared with (same measure, same run). */
  baseline?: string
  /** This median divided by the baseline's median. */
  ratio?: number
  /** Nearest-rank 99th percentile, for latency series (with fewer than 100 samples it is the maximum). */
  p99?: number
  note?: string
}

/** Summarise a non-empty series. */
export function summarise (samples: number[]): Summary {
  if (samples.length === 0) throw new Error('no samples to summarise')
  const s = [...samples].sort((a, b) => a - b)
  const mid = s.length >> 1
  const median = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
  return { median, min: s[0], max: s[s.length - 1], runs: s.length }
}

/** Nearest-rank percentile `p` (0–100) of a non-empty series. */
export function percentile (samples: number[], p: number): number {
  if (samples.length === 0) throw new Error('no samples for a percentile')
  const s = [...samples].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]
}

/** Build a figure from raw samples; `opts.p99` adds the 99th percentile, `opts.id` a stable id. */
export function figure (measure: string, name: string, unit: string, samples: number[], note?: string, opts: { p99?: boolean, id?: string } = {}): Figure {
  return {
    ...(opts.id === undefined ? {} : { id: opts.id }),
    measure,
    name,
    unit,
    ...summarise(samples),
    ...(opts.p99 === true ? { p99: percentile(samples, 99) } : {}),
    ...(note === undefined ? {} : { note })
  }
}

/** Mark `fig` as compared with `base`: ratio of medians. Returns `fig`. */
export function against (fig: Figure, base: Figure): Figure {
  fig.baseline = base.name
  fig.ratio = base.median === 0 ? Number.NaN : fig.median / base.median
  return fig
}

/** Milliseconds taken by `fn`, with its result. */
export async function timed<T> (fn: () => Promise<T>): Promise<{ ms: number, value: T }> {
  const t0 = performance.now()
  const value = await fn()
  return { ms: performance.now() - t0, value }
}

/**
 * Run `fn(i)` up to `times` times; stop early once `budgetMs` is spent, but never before
 * `minTimes` runs, so a slow machine still finishes in bounded time with usable medians.
 */
export async function repeat (times: number, budgetMs: number, fn: (i: number) => Promise<void>, minTimes = 3): Promise<number> {
  const start = performance.now()
  let done = 0
  for (let i = 0; i < times; i++) {
    await fn(i)
    done++
    if (done >= minTimes && performance.now() - start > budgetMs) break
  }
  return done
}

/** Result of one child process run. */
export interface ProcessRun { ms: number, stdout: string, stderr: string }

/** Largest output kept from a child, so a runaway child cannot eat the memory. */
const MAX_OUTPUT = 4 * 1024 * 1024

/**
 * Run `node ARGS` (with `opts.env` added to this process's environment) and time it from
 * spawn to exit. `opts.input`, when given, is written to its stdin (a passphrase on
 * TAMTAM_PASSPHRASE_FD=0). Rejects on a non-zero exit (with the tail of stderr) or after
 * `timeoutMs`, when the child is killed.
 */
export async function runNode (args: string[], opts: { cwd: string, timeoutMs?: number, env?: Record<string, string>, input?: string }): Promise<ProcessRun> {
  const timeoutMs = opts.timeoutMs ?? 60_000
  return await new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, args, { cwd: opts.cwd, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...opts.env } })
    if (opts.input !== undefined) child.stdin?.end(opts.input)
    let stdout = ''
    let stderr = ''
    child.stdout?.setEncoding('utf8').on('data', (d: string) => { if (stdout.length < MAX_OUTPUT) stdout += d })
    child.stderr?.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < MAX_OUTPUT) stderr += d })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`node ${args.join(' ')}: no exit within ${timeoutMs} ms`))
    }, timeoutMs)
    child.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.once('close', (code, signal) => {
      const ms = performance.now() - t0
      clearTimeout(timer)
      if (code === 0) resolve({ ms, stdout, stderr })
      else reject(new Error(`node ${args.join(' ')} exited with ${code ?? signal}: ${stderr.trim().slice(-500)}`))
    })
  })
}

/** Temp dirs under os.tmpdir(), all removed by `cleanup` (also usable from a signal handler). */
export class Scratch {
  private readonly dirs: string[] = []

  /** A new empty dir named after `label`. */
  async dir (label: string): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), `tamtam-bench-${label}-`))
    this.dirs.push(dir)
    return dir
  }

  /** Remove every dir made so far. */
  async cleanup (): Promise<void> {
    const dirs = this.dirs.splice(0)
    for (const dir of dirs) await rm(dir, { recursive: true, force: true, maxRetries: 3 })
  }

  /** Same, synchronously, for exit paths that cannot wait. */
  cleanupSync (): void {
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  }
}
