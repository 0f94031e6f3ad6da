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

/**
 * Mutations of a byte buffer: flip a bit, set a byte, insert, delete, truncate, or
 * duplicate a slice (then cut to `maxLength`, so a mutation cannot grow without bound).
 */
export function mutateBytes (buf: Buffer, maxLength = Infinity): fc.Arbitrary<Buffer> {
  return fc.array(fc.tuple(fc.nat(5), fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }).map((ops) => {
    let b = Buffer.from(buf)
    for (const [op, at, value] of ops) {
      const i = b.length === 0 ? 0 : at % b.length
      if (op === 0 && b.length > 0) b[i] ^= 1 << (value % 8)
      else if (op === 1 && b.length > 0) b[i] = value
      else if (op === 2) b = Buffer.concat([b.subarray(0, i), Buffer.from([value]), b.subarray(i)])
      else if (op === 3) b = Buffer.concat([b.subarray(0, i), b.subarray(i + 1)])
      else if (op === 4) b = b.subarray(0, i)
      else b = Buffer.concat([b.subarray(0, i), b.subarray(i, i + value), b.subarray(i)]).subarray(0, maxLength)
    }
    return b
  })
}
