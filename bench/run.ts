/**
 * Benchmark runner: `npm run bench` (build, then `node dist/bench/run.js`).
 *
 *   --json      print the results as one JSON object on stdout (the table goes to stderr)
 *   --no-docs   do not update docs/benchmarks.md
 *
 * Each measure runs in turn; one that throws is reported and the others still run. The
 * exit code is 1 when any measure failed. Progress goes to stderr.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { foundationMeasures, type BenchContext } from './foundation.js'
import { Scratch, type Figure } from './measure.js'
import { machine, textTable, updateDoc, type BenchResult, type Failure } from './report.js'

/** Package root: dist/bench/run.js sits two levels below it. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

async function main (argv: string[]): Promise<number> {
  const json = argv.includes('--json')
  const writeDocs = !argv.includes('--no-docs')
  const scratch = new Scratch()
  const onSignal = (signal: NodeJS.Signals): void => {
    scratch.cleanupSync()
    process.stderr.write(`bench: stopped by ${signal}; temp dirs removed\n`)
    process.exit(130)
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)

  const ctx: BenchContext = { root: ROOT, scratch, progress: (line) => process.stderr.write(line + '\n') }
  const started = performance.now()
  const figures: Figure[] = []
  const failures: Failure[] = []
  try {
    for (const measure of foundationMeasures()) {
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
  } finally {
    await scratch.cleanup().catch((err) => process.stderr.write(`bench: cannot remove temp dirs: ${String(err)}\n`))
  }

  const result: BenchResult = { suite: 'foundation', machine: machine(), seconds: (performance.now() - started) / 1000, figures, failures }
  if (json) {
    process.stderr.write(textTable(result) + '\n')
    process.stdout.write(JSON.stringify(result, null, 2) + '\n')
  } else {
    process.stdout.write(textTable(result) + '\n')
  }
  if (writeDocs) {
    const doc = path.join(ROOT, 'docs', 'benchmarks.md')
    try {
      await updateDoc(doc, result)
      ctx.progress(`bench: updated ${path.relative(process.cwd(), doc) || doc}`)
    } catch (err) {
      process.stderr.write(`bench: cannot update ${doc}: ${String(err)}\n`)
      return 1
    }
  }
  return failures.length > 0 ? 1 : 0
}

main(process.argv.slice(2)).then((code) => {
  // Hypercore may leave timers behind after close; the run is over, so leave now.
  process.exit(code)
}, (err) => {
  process.stderr.write(`bench: ${(err as Error)?.stack ?? String(err)}\n`)
  process.exit(1)
})
