/** Fuzz of file names made from a peer's document name (issue 8, item 4). */
import t, { type Test } from 'tap'
import fc from 'fast-check'
import { safeFileName, MAX_NAME_BYTES } from '../../src/documents/safe-name.js'

const RUNS = 10_000
/**
 * Run `check` on `runs` generated inputs without stopping at the first failure, so the
 * figure counts every crash; a failure is a throw or a false. Reports the shortest failing input.
 */
function fuzz<T> (t: Test, name: string, arb: fc.Arbitrary<T>, check: (input: T) => boolean, runs = RUNS): void {
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

const RESERVED = /^(con|prn|aux|nul|clock\$|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i

/** Why `name` is not a safe file name, or null. */
function unsafe (name: string): string | null {
  if (typeof name !== 'string' || name.length === 0) return 'empty'
  if (/[/\\]/.test(name)) return 'has a path separator'
  if (name.includes('\0')) return 'has NUL'
  if (name === '.' || name === '..' || name.split(/[/\\]/).includes('..')) return 'is a dot segment'
  if (/^[\s.]|[\s.]$/.test(name)) return 'starts or ends with a dot or a space'
  if (/[<>:"|?*]/.test(name)) return 'has a character Windows refuses'
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return 'has a control character'
  if (RESERVED.test(name)) return 'is a reserved device name'
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) return 'is too long'
  return null
}

t.test('safeFileName: any peer name gives a safe file name', async (t) => {
  // Names built from the pieces attacks are made of, and plain random text.
  const piece = fc.constantFrom('/', '\\', '..', '.', ' ', '\0', '\u001b[2J', '\u202e', '\u200b', '\ufeff', 'con', 'CON', 'nul', 'lpt1', 'com²', 'clock$', 'aux', ':', '*', '?', '"', '<', '|', '.txt', '.tar.gz', 'é', '𝄞', 'x', '\t', '\n', '\u00a0', 'a'.repeat(60), 'é'.repeat(40))
  const name = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.array(piece, { maxLength: 30 }).map((a) => a.join('')),
    fc.tuple(fc.constantFrom('con', 'nul', 'aux', 'prn', 'lpt1', 'com1'), fc.array(fc.constantFrom(' ', '.', ' .', '. '), { minLength: 1, maxLength: 200, size: 'max' }), fc.constantFrom('x.txt', 'y.pdf', '.txt', 'zz')).map(([r, pad, tail]) => r + pad.join('') + tail)
  )
  fuzz(t, 'safeFileName', name, (n) => {
    const why = unsafe(safeFileName(n))
    if (why !== null) throw new Error(`${JSON.stringify(safeFileName(n))} ${why}`)
    return true
  })
  // Windows (RtlIsDosDeviceName) drops the extension, then trailing spaces and dots: "NUL .txt" opens NUL.
  fuzz(t, 'safeFileName (device name before spaces and an extension)', name, (n) => {
    const out = safeFileName(n)
    const stem = out.replace(/\..*$/, '').replace(/[\s.:]+$/, '')
    if (RESERVED.test(stem)) throw new Error(`${JSON.stringify(out)} is a device name on Windows`)
    return true
  })
})
