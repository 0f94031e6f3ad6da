/**
 * Benchmark runner: `npm run bench` (build, then `node dist/bench/run.js`).
 *
 *   node dist/bench/run.js [SUITE...] [--only SUITE[,SUITE]] [--json] [--no-docs] [--cabal]
 *
 *   SUITE       run only these suites (foundation, lan, tui, documents, drills, mesh, scale,
 *               cold-send, storage, wifi, phones, lock, rekey);
 *               default: all, in that order
 *   --json      print the results as JSON on stdout (the tables go to stderr): one object
 *               for one suite, an array of them for several
 *   --no-docs   do not update docs/benchmarks.md
 *   --cabal     the wifi suite also runs every series with Cabal (bench/lib/cabal.ts), in the
 *               same run and on the same links
 *
 * Each measure runs in turn; one that throws is reported and the others still run. The
 * exit code is 1 when any measure failed, 2 for an unknown suite. Progress goes to stderr.
 * Each suite rewrites only its own section of docs/benchmarks.md; then the summary at its top
 * (bench/report/summary.ts) is rebuilt from docs/bench-results.json, which keeps each suite's latest result.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { foundationMeasures } from './suites/foundation.js'
import { lanMeasures } from './suites/lan.js'
import { documentMeasures } from './suites/documents.js'
import { drillMeasures } from './suites/drills.js'
import { meshSuite } from './suites/mesh.js'
import { scaleSuite } from './suites/scale.js'
import { coldSendSuite } from './suites/cold-send.js'
import { storageSuite } from './suites/storage.js'
import { wifiSuite } from './suites/wifi.js'
import { phonesSuite } from './suites/phones.js'
import { lockSuite } from './suites/lock.js'
import { rekeySuite } from './suites/rekey.js'
import { lanTextTable, updateLanDoc } from './report/lan-report.js'
import { Scratch, type BenchContext, type Figure, type Measure } from './lib/measure.js'
import { tuiMeasures, tuiTextTable, updateTuiDoc } from './suites/tui.js'
import { machine, textTable, updateDoc, type BenchResult, type Failure } from './report/report.js'
import { updateSummary } from './report/summary.js'

/** Package root: dist/bench/run.js sits two levels below it. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/** A named list of measures with its own way of printing and of writing its doc section. */
interface Suite {
  name: string
  measures: (ctx: BenchContext) => Measure[]
  text: (result: BenchResult) => string
  writeDoc: (file: string, result: BenchResult) => Promise<void>
}

const SUITES: Suite[] = [
  { name: 'foundation', measures: foundationMeasures, text: textTable, writeDoc: updateDoc },
  { name: 'lan', measures: lanMeasures, text: lanTextTable, writeDoc: updateLanDoc },
  { name: 'tui', measures: tuiMeasures, text: tuiTextTable, writeDoc: updateTuiDoc },
  { name: 'documents', measures: documentMeasures, text: textTable, writeDoc: updateDoc },
  { name: 'drills', measures: drillMeasures, text: textTable, writeDoc: updateDoc },
  meshSuite,
  scaleSuite,
  coldSendSuite,
  storageSuite,
  wifiSuite,
  phonesSuite,
  lockSuite,
  rekeySuite
]

/** The suites named on the command line (positional or --only a,b), or all of them. */
function selectSuites (argv: string[]): Suite[] {
  const names: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--only') names.push(...(argv[++i] ?? '').split(','))
    else if (arg.startsWith('--only=')) names.push(...arg.slice('--only='.length).split(','))
    else if (!arg.startsWith('--')) names.push(arg)
  }
  const wanted = names.map((n) => n.trim()).filter(Boolean)
  if (wanted.length === 0) return SUITES
  const unknown = wanted.filter((n) => !SUITES.some((s) => s.name === n))
  if (unknown.length > 0) throw new UsageError(`unknown suite ${unknown.join(', ')}; suites: ${SUITES.map((s) => s.name).join(', ')}`)
  return SUITES.filter((s) => wanted.includes(s.name))
}

class UsageError extends Error {}

/** Run every measure of a suite; a failing measure is recorded and the next one runs. */
async function runSuite (suite: Suite, ctx: BenchContext): Promise<BenchResult> {
  const started = performance.now()
  const figures: Figure[] = []
  const failures: Failure[] = []
  for (const measure of suite.measures(ctx)) {
    ctx.progress(`bench: ${measure.title}...`)
    const t0 = performance.now()
    try {
      figures.push(...await measure.run(ctx))
    } catch (err) {
      const error = (err as Error)?.stack ?? String(err)
      failures.push({ measure: measure.id, error: (err as Error)?.message ?? String(err) })
      process.stderr.write(`bench: ${measure.id} failed:\n${error}\n`)
    }
    ctx.progress(`bench: ${measure.id} took ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  }
  return { suite: suite.name, machine: machine(), seconds: (performance.now() - started) / 1000, figures, failures }
}

async function main (argv: string[]): Promise<number> {
  const json = argv.includes('--json')
  const writeDocs = !argv.includes('--no-docs')
  let suites: Suite[]
  try {
    suites = selectSuites(argv)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    process.stderr.write(`bench: ${err.message}\n`)
    return 2
  }
  const runStarted = performance.now()
  const scratch = new Scratch()
  const onSignal = (signal: NodeJS.Signals): void => {
    scratch.cleanupSync()
    process.stderr.write(`bench: stopped by ${signal}; temp dirs removed\n`)
    process.exit(130) // the 'exit' hook of harness/netns/teardown.ts deletes any namespace still up
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)

  const flags = { cabal: argv.includes('--cabal') }
  const ctx: BenchContext = { root: ROOT, scratch, progress: (line) => process.stderr.write(line + '\n'), flags }
  const results: BenchResult[] = []
  let failed = false
  for (const suite of suites) {
    let result: BenchResult
    try {
      result = await runSuite(suite, ctx)
    } finally {
      await scratch.cleanup().catch((err) => process.stderr.write(`bench: cannot remove temp dirs: ${String(err)}\n`))
    }
    results.push(result)
    failed ||= result.failures.length > 0
    ;(json ? process.stderr : process.stdout).write(suite.text(result) + '\n\n')
    if (!writeDocs) continue
    if (result.figures.length === 0) {
      ctx.progress(`bench: ${suite.name} measured nothing; its section of docs/benchmarks.md is left as it was`)
      continue
    }
    const doc = path.join(ROOT, 'docs', 'benchmarks.md')
    try {
      await suite.writeDoc(doc, result)
      ctx.progress(`bench: updated the ${suite.name} section of ${path.relative(process.cwd(), doc) || doc}`)
    } catch (err) {
      process.stderr.write(`bench: cannot update ${doc}: ${String(err)}\n`)
      failed = true
    }
  }
  const total = (performance.now() - runStarted) / 1000
  ctx.progress(`bench: ${suites.length} suite${suites.length === 1 ? '' : 's'} in ${(total / 60).toFixed(1)} min`)
  if (writeDocs) {
    const doc = path.join(ROOT, 'docs', 'benchmarks.md')
    try {
      // The whole run's time goes in the summary only when every suite ran.
      await updateSummary(doc, results, suites.length === SUITES.length ? total : null)
      ctx.progress('bench: updated the summary of docs/benchmarks.md, docs/bench-summary.svg and docs/bench-results.json')
    } catch (err) {
      process.stderr.write(`bench: cannot update the summary: ${String(err)}\n`)
      failed = true
    }
  }
  if (json) process.stdout.write(JSON.stringify(results.length === 1 ? results[0] : results, null, 2) + '\n')
  return failed ? 1 : 0
}

main(process.argv.slice(2)).then((code) => {
  // Hypercore may leave timers behind after close; the run is over, so leave now.
  process.exit(code)
}, (err) => {
  process.stderr.write(`bench: ${(err as Error)?.stack ?? String(err)}\n`)
  process.exit(1)
})
