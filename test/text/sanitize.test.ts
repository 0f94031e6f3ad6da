import t from 'tap'
import { sanitizeText, sanitizeName } from '../../src/text/sanitize.js'

const cases: Array<{ why: string, input: string, want: string, multiline?: boolean }> = [
  // SGR colour codes would let a peer paint its lines like ours
  { why: 'CSI colour', input: '\x1b[31mred\x1b[0m text', want: 'red text' },
  // cursor movement could overwrite earlier lines on screen
  { why: 'cursor movement', input: 'a\x1b[2J\x1b[1;1Hb\x1b[?25l', want: 'ab' },
  // OSC 52 writes to the clipboard; BEL-terminated form
  { why: 'OSC 52 with BEL', input: 'x\x1b]52;c;ZWNobyBwd25lZA==\x07y', want: 'xy' },
  // same with the ST (ESC \) terminator
  { why: 'OSC 52 with ST', input: 'x\x1b]52;c;ZWNobyBwd25lZA==\x1b\\y', want: 'xy' },
  // OSC 8 hyperlinks hide the real target behind innocent text
  { why: 'OSC 8 hyperlink', input: '\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\', want: 'click' },
  // BEL alone rings the bell on every message
  { why: 'BEL alone', input: 'ding\x07dong', want: 'dingdong' },
  // 8-bit CSI is honoured by some terminals
  { why: 'C1 CSI', input: 'a\u009b31mb', want: 'ab' },
  // 8-bit OSC ended by 8-bit ST
  { why: 'C1 OSC', input: 'a\u009d52;c;AAAA\u009cb', want: 'ab' },
  // DCS strings are swallowed by the terminal up to ST
  { why: 'DCS', input: 'a\x1bPq#0;2;0;0;0\x1b\\b', want: 'ab' },
  // two-character ESC sequences (save cursor, charset switch)
  { why: 'ESC 7 and ESC ( 0', input: 'a\x1b7b\x1b(0c', want: 'abc' },
  // bidi override makes 'abcdef' display as 'abcfed'
  { why: 'bidi override', input: 'abc\u202Edef', want: 'abcdef' },
  // isolates and marks too
  { why: 'bidi isolates and marks', input: '\u2066a\u2069\u200eb\u200f\u061c', want: 'ab' },
  // NUL truncates strings in some C-based terminals and loggers
  { why: 'NUL', input: 'a\x00b', want: 'ab' },
  // CR returns to column 0 so EVIL would overwrite safe
  { why: 'CR overwrite', input: 'safe\rEVIL', want: 'safeEVIL' },
  // backspace and DEL can erase what was shown
  { why: 'BS and DEL', input: 'ok\x08\x08no\x7f', want: 'okno' },
  // an unterminated CSI at the end must not leave '[' behind
  { why: 'unterminated CSI', input: 'text\x1b[', want: 'text' },
  // a CSI cut by another CSI: both go
  { why: 'nested CSI', input: 'a\x1b[\x1b[31mb', want: 'ab' },
  // an unterminated OSC would swallow the rest in a terminal, so we drop the rest
  { why: 'unterminated OSC 52', input: 'keep\x1b]52;c;this is gone', want: 'keep' },
  // lone ESC at the end
  { why: 'lone ESC', input: 'end\x1b', want: 'end' },
  // lone surrogates become U+FFFD
  { why: 'lone surrogate', input: 'a\ud800b\udc00', want: 'a\ufffdb\ufffd' },
  // single line: newline and tab become spaces
  { why: 'single line', input: 'a\nb\tc', want: 'a b c' },
  // multiline keeps newline and tab, drops CR of CRLF
  { why: 'multiline', input: 'a\r\nb\tc', want: 'a\nb\tc', multiline: true },
  // ordinary French is untouched
  { why: 'French', input: 'Bonjour à tous, ça va ?', want: 'Bonjour à tous, ça va ?' },
  // emoji (surrogate pairs, ZWJ sequences) and CJK are untouched
  { why: 'emoji and CJK', input: '👍🏽 👨‍👩‍👧 你好 مرحبا', want: '👍🏽 👨‍👩‍👧 你好 مرحبا' }
]

t.test('sanitizeText cases', async t => {
  for (const c of cases) t.equal(sanitizeText(c.input, { multiline: c.multiline }), c.want, c.why)
})

t.test('sanitizeName', async t => {
  t.equal(sanitizeName('  Awa \x1b[1m  Traoré\n\t '), 'Awa Traoré', 'trimmed and collapsed')
  t.equal(sanitizeName('😀'.repeat(70)), '😀'.repeat(64), '64 code points, no half emoji')
  t.equal(sanitizeName('\x1b]0;title\x07'), '', 'nothing left')
})

const FRAGMENTS = ['\x1b', '[', ']', '\\', '\x07', '\x9b', '\x9d', '\x9c', '\x90', '\x1b[', '\x1b]', '\x1bP', ';', '31', 'm',
  '\r', '\n', '\t', '\x00', '\x7f', '\x85', '\u202e', '\u2066', '\u200f', '\u061c', '\ud83d', '\ude00', 'é', 'a', ' ', '52;c;']
const FORBIDDEN = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/
const FORBIDDEN_SINGLE_LINE = /[\t\n]/
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

t.test('2000 random dangerous strings come out clean', async t => {
  let bad = 0
  for (let n = 0; n < 2000; n++) {
    let input = ''
    const parts = 1 + Math.floor(Math.random() * 20)
    for (let i = 0; i < parts; i++) input += FRAGMENTS[Math.floor(Math.random() * FRAGMENTS.length)]
    const multi = sanitizeText(input, { multiline: true })
    const single = sanitizeText(input)
    if (FORBIDDEN.test(multi) || FORBIDDEN.test(single) || FORBIDDEN_SINGLE_LINE.test(single) || LONE_SURROGATE.test(multi)) {
      bad++
      t.fail(`unsafe output for ${JSON.stringify(input)}`)
    }
  }
  t.equal(bad, 0)
})
