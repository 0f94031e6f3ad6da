/** The fuzz runner shared by the fuzz tests (fast-check, counting every failure). */
import type { Test } from 'tap'
import fc from 'fast-check'

/** Cases per decoder, as issue 8 asks. */
export const RUNS = 10_000
/**
 * Run `check` on `runs` generated inputs without stopping at the first failure, so the
 * figure counts every crash; a failure is a throw or a false. Reports the shortest failing input.
 */
export function fuzz<T> (t: Test, name: string, arb: fc.Arbitrary<T>, check: (input: T) => boolean, runs = RUNS): void {
  let cases = 0
  const failures: Array<{ input: T, why: string }> = []
  fc.assert(fc.property(arb, (input) => {
    cases++
    let why: string | null
    try {
      why = check(input) ? null : 'returned a wrong result'
    } catch (err) {
      why = `threw ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`
    }
    if (why !== null) failures.push({ input, why })
    return true
  }), { numRuns: runs })
  t.comment(`fuzz: ${name} ${cases} cases, ${failures.length} crashes`)
  const show = (v: unknown) => Buffer.isBuffer(v) ? `bytes ${JSON.stringify(v.toString('latin1'))}` : fc.stringify(v)
  failures.sort((a, b) => show(a.input).length - show(b.input).length)
  for (const f of failures.slice(0, 3)) t.comment(`  ${name} failing input: ${show(f.input)} (${f.why})`)
  t.equal(failures.length, 0, `${name}: no crash, every failure is a coded error or an explicit result`)
}
