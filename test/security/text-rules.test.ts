/**
 * The text-cleaning sets of docs/protocol.md §4, one row per claim, so that the document
 * and src/text/sanitize.ts agree character for character. Another implementation can run
 * the same table to show the same text as tamtam.
 */
import t from 'tap'
import { sanitizeName, sanitizeText } from '../../src/text/sanitize.js'

// [claim, input, body (multiline), single line]
const ROWS: Array<[string, string, string, string]> = [
  ['LF and TAB are kept in a body, spaces on a single line', 'a\nb\tc', 'a\nb\tc', 'a b c'],
  ['CR is removed', 'a\rb', 'ab', 'ab'],
  ['BEL is removed', 'a\x07b', 'ab', 'ab'],
  ['DEL is removed', 'a\x7fb', 'ab', 'ab'],
  ['NUL, VT, FF and US are removed', 'a\x00\x0b\x0c\x1fb', 'ab', 'ab'],
  ['NEL (U+0085) and every C1 are removed', 'a\u0085\u0080\u009ab', 'ab', 'ab'],
  ['LRM, RLM and ALM are removed', 'a\u200eb\u200fc\u061cd', 'abcd', 'abcd'],
  ['embeddings, overrides and isolates are removed', '\u202aa\u202eb\u2066c\u2069', 'abc', 'abc'],
  ['zero-width space, joiners, word joiner and BOM are kept', 'a\u200bb\u200cc\u200dd\u2060e\ufeff', 'a\u200bb\u200cc\u200dd\u2060e\ufeff', 'a\u200bb\u200cc\u200dd\u2060e\ufeff'],
  ['U+2028 and U+2029 are kept', 'a\u2028b\u2029c', 'a\u2028b\u2029c', 'a\u2028b\u2029c'],
  ['a whole DCS string is removed', 'a\x1bPq#0;2;0;0;0\x1b\\b', 'ab', 'ab'],
  ['an 8-bit DCS up to 8-bit ST is removed', 'a\u0090q1\u009cb', 'ab', 'ab'],
  ['an unterminated OSC takes the rest of the text', 'a\x1b]52;c;QUFB\nlater', 'a', 'a'],
  ['OSC ends at BEL', 'a\x1b]0;title\x07b', 'ab', 'ab'],
  ['ESC ( B is removed', 'a\x1b(Bb', 'ab', 'ab'],
  ['ESC 7 and a lone ESC are removed', 'a\x1b7b\x1b', 'ab', 'ab'],
  ['CSI with parameters, intermediates and final byte', 'a\x1b[1;31 qb', 'ab', 'ab'],
  ['8-bit CSI', 'a\u009b2Jb', 'ab', 'ab'],
  ['an unterminated CSI is removed', 'a\x1b[12', 'a', 'a'],
  ['ESC followed by a non-final takes only the ESC', 'a\x1b\u00e9b', 'a\u00e9b', 'a\u00e9b'],
  ['lone surrogates become U+FFFD', 'a\ud800b\udc00', 'a\ufffdb\ufffd', 'a\ufffdb\ufffd'],
  ['accents, emoji and scripts are kept', 'été 👩‍👩‍👧 مرحبا', 'été 👩‍👩‍👧 مرحبا', 'été 👩‍👩‍👧 مرحبا']
]

t.test('body and single-line rules', async (t) => {
  for (const [claim, input, body, single] of ROWS) {
    t.equal(sanitizeText(input, { multiline: true }), body, `body: ${claim}`)
    t.equal(sanitizeText(input), single, `single line: ${claim}`)
  }
})

t.test('name rules', async (t) => {
  t.equal(sanitizeName('A\u200bw\u200da\u2060\ufeff'), 'Awa', 'zero-width characters are removed from names')
  t.equal(sanitizeName(' \tA\u00a0\u2003\u3000w\u2028a\n '), 'A w a', 'white space runs become one space, trimmed')
  t.equal(sanitizeName('é'.repeat(63) + ' x'), 'é'.repeat(63), '64 code points, then trailing spaces go')
  t.equal(sanitizeName('\x1b[31mAwa\x07'), 'Awa', 'steps 1–5 first')
})
