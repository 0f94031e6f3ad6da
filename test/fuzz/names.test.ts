/** Fuzz of file names made from a peer's document name (issue 8, item 4). */
import t from 'tap'
import fc from 'fast-check'
import { fuzz, RUNS } from '../helpers/fuzz.js'
import { safeFileName, MAX_NAME_BYTES } from '../../src/documents/safe-name.js'


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
