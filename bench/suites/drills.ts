/**
 * The drills suite: `drill sim` (src/drills/sim.ts) with 30, 100 and 300 peers, degree 3,
 * 3 probes 500 ms apart: wall time (setup and drill) and peak RSS, against the same
 * simulation with 2 peers measured in the same run. Target (issue "shutdown drills"):
 * 100 peers in under 60 s on a 2-core machine.
 *
 * Each simulation runs in its own child process (`node dist/bench/suites/drills.js --child JSON`),
 * so peak RSS is that run's alone and nothing one run leaves behind slows the next. A last
 * measure repeats 100 peers with log bindings verified by libsodium instead of tweetnacl
 * (patched in the child only): a projection of what that change in src/identity would buy,
 * since bindings are verified once per (peer, member), so peers² times.
 */
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { BenchContext, Measure } from '../lib/measure.js'
import { against, figure, runNode, type Figure } from '../lib/measure.js'

/** The target for 100 peers, in seconds. */
const TARGET_S = 60
/** What every simulation of the suite shares. */
const PLAN = { degree: 3, probes: 3, intervalMs: 500, seed: 1 }
/** Marker of the child's result line on stdout. */
const RESULT = 'drill-sim-result '

/** What a child reports about one simulation. */
interface SimRun {
  peers: number
  wallMs: number
  setupMs: number
  runMs: number
  rssMb: number
  links: number
  allReached: boolean
  complete: boolean
  settled: boolean
  p50: number | null
  p90: number | null
  maxHops: number
}

/** Options of one child run. */
interface ChildPlan { peers: number, degree: number, probes: number, intervalMs: number, seed: number, sodiumVerify?: boolean }

/** Heap limit for a child: most of this machine's memory (300 peers need several GB of heap). */
function heapFlag (): string {
  return `--max-old-space-size=${Math.floor(os.totalmem() / 2 ** 20 * 0.75)}`
}

/** Run one simulation in a child; times out after `timeoutMs`. */
async function simInChild (ctx: BenchContext, plan: ChildPlan, timeoutMs: number): Promise<SimRun> {
  const script = path.join(ctx.root, 'dist', 'bench', 'suites', 'drills.js')
  const run = await runNode([heapFlag(), script, '--child', JSON.stringify(plan)], { cwd: ctx.root, timeoutMs })
  const line = run.stdout.split('\n').find((l) => l.startsWith(RESULT))
  if (line === undefined) throw new Error(`the child printed no result: ${run.stderr.trim().slice(-300)}`)
  const result = JSON.parse(line.slice(RESULT.length)) as SimRun
  ctx.progress(`  ${plan.peers} peers${plan.sodiumVerify === true ? ' (libsodium verify)' : ''}: ${(result.wallMs / 1000).toFixed(1)} s (setup ${(result.setupMs / 1000).toFixed(1)} s, drill ${(result.runMs / 1000).toFixed(1)} s), ` +
    `peak RSS ${result.rssMb} MB, p50 ${String(result.p50)} ms, ${result.allReached ? 'all reached' : 'NOT all reached'}`)
  return result
}

/** One line about a run, for the table's note column. */
function note (runs: SimRun[]): string {
  const r = runs[runs.length - 1]
  return `${r.links} links; setup ${(r.setupMs / 1000).toFixed(1)} s + drill ${(r.runMs / 1000).toFixed(1)} s; probe latency p50 ${String(r.p50)} ms, p90 ${String(r.p90)} ms, up to ${r.maxHops} hops; ` +
    `${runs.every((x) => x.allReached) ? 'all reached' : 'NOT all reached'}${runs.every((x) => x.settled) ? '' : ', mesh not settled before the first probe'}`
}

/** Wall time and peak RSS figures of `runs`, compared with the baseline figures when given. */
function figures (label: string, runs: SimRun[], base?: [Figure, Figure], extra = ''): [Figure, Figure] {
  const wall = figure('drill sim', `${label}: wall time`, 's', runs.map((r) => r.wallMs / 1000), note(runs) + extra)
  const rss = figure('drill sim', `${label}: peak RSS`, 'MB', runs.map((r) => r.rssMb))
  if (base !== undefined) {
    against(wall, base[0])
    against(rss, base[1])
  }
  return [wall, rss]
}

/** Figures shared between the measures of one run: the baseline comes first. */
interface SuiteState { base?: [Figure, Figure] }

function sizeMeasure (state: SuiteState, peers: number, runs: number, timeoutMs: number, sodiumVerify = false): Measure {
  // Two peers can only have one link: the baseline is one Noise stream over one wire.
  const degree = Math.min(PLAN.degree, peers - 1)
  const label = `${peers} peers, degree ${degree}${sodiumVerify ? ', libsodium verify (projection)' : ''}`
  return {
    id: `drill-sim-${peers}${sodiumVerify ? '-sodium' : ''}`,
    title: `drill sim, ${label}, ${runs} run${runs > 1 ? 's' : ''}`,
    run: async (ctx) => {
      const results: SimRun[] = []
      for (let i = 0; i < runs; i++) results.push(await simInChild(ctx, { ...PLAN, peers, degree, sodiumVerify }, timeoutMs))
      if (state.base === undefined) {
        state.base = figures(label, results)
        return state.base
      }
      const target = peers === 100 ? `; target ${TARGET_S} s: ${results.every((r) => r.wallMs / 1000 < TARGET_S) ? 'met' : 'NOT met'}` : ''
      return figures(label, results, state.base, target)
    }
  }
}

/**
 * The suite: 2 peers (baseline, 3 runs), 30 and 100 (1 run each). 300 peers only with
 * TAMTAM_BENCH_SIM_300=1: every simulated peer opens every member's log, so 300 peers are
 * 90,000 cores in one process; a run grew past 11 GB of RSS in 41 minutes before it was
 * stopped, which no workshop laptop (or the 10-minute bench budget) can take.
 */
export function drillMeasures (): Measure[] {
  const state: SuiteState = {}
  const measures = [
    sizeMeasure(state, 2, 3, 120_000),
    sizeMeasure(state, 30, 1, 600_000),
    sizeMeasure(state, 100, 1, 1800_000)
  ]
  if (process.env.TAMTAM_BENCH_SIM_300 === '1') measures.push(sizeMeasure(state, 300, 1, 3 * 3600_000))
  return measures
}

// Child mode -------------------------------------------------------------------------

/** Make tweetnacl's verify call libsodium (same Ed25519 keys and signatures), in this process only. */
function useSodiumVerify (): void {
  const require = createRequire(import.meta.url)
  const nacl = require('tweetnacl') as { sign: { detached: { verify: (m: Uint8Array, s: Uint8Array, k: Uint8Array) => boolean } } }
  const sodium = require('sodium-universal') as { crypto_sign_verify_detached: (s: Buffer, m: Buffer, k: Buffer) => boolean }
  nacl.sign.detached.verify = (m, s, k) => s.length === 64 && k.length === 32 && sodium.crypto_sign_verify_detached(Buffer.from(s), Buffer.from(m), Buffer.from(k))
}

async function child (json: string): Promise<void> {
  const plan = JSON.parse(json) as ChildPlan
  if (plan.sodiumVerify === true) useSodiumVerify()
  const { simulate } = await import('../../src/sim/simulation.js')
  const { report, stats } = await simulate({ peers: plan.peers, degree: plan.degree, probes: plan.probes, intervalMs: plan.intervalMs, seed: plan.seed })
  const hops = report.participants.flatMap((p) => p.receipts.map((r) => r.hops ?? 0))
  const run: SimRun = {
    peers: stats.peers, wallMs: stats.wallMs, setupMs: stats.setupMs, runMs: stats.runMs, rssMb: stats.rssMb, links: stats.links,
    allReached: stats.allReached, complete: stats.complete, settled: stats.settled, p50: report.latency.p50, p90: report.latency.p90, maxHops: Math.max(0, ...hops)
  }
  process.stdout.write(RESULT + JSON.stringify(run) + '\n')
}

if (process.argv[2] === '--child' && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  child(process.argv[3] ?? '{}').then(() => process.exit(0), (err) => {
    process.stderr.write(`drills child: ${(err as Error)?.stack ?? String(err)}\n`)
    process.exit(1)
  })
}
