import t from 'tap'
import { loadLang, translator } from '../../src/i18n/index.js'
import { emptyState, type TuiState } from '../../cli/tui/state.js'
import { displayWidth, membersView, promptView, roomsView, statusView, timelineView, wrap } from '../../cli/tui/views.js'
import type { TimelineItem } from '../../src/timeline/index.js'

const item = (over: Partial<TimelineItem>): TimelineItem => ({
  id: 'a.1', author: '3f2a-91bc-0d44-7e10', authorKey: 'k', name: 'Awa', ts: Date.UTC(2026, 10, 29, 14, 5), type: 'msg', text: 'Bonjour', core: 'c', seq: 1, ...over
})
const state = (over: Partial<TuiState>): TuiState => ({ ...emptyState('en'), ...over })

t.test('wrap: table of cases', async (t) => {
  const cases: Array<[string, string, number, string[]]> = [
    // [what, text, width, expected lines]
    ['short line untouched', 'Bonjour', 20, ['Bonjour']],
    ['breaks at spaces', 'un deux trois quatre', 10, ['un deux', 'trois', 'quatre']],
    ['cuts a word longer than the width', 'abcdefghij', 4, ['abcd', 'efgh', 'ij']],
    ['keeps newlines from multi-line messages', 'a\nb', 10, ['a', 'b']],
    ['wide characters count double', '日本語日本語', 6, ['日本語', '日本語']],
    ['accents count single', 'ça va très bien', 7, ['ça va', 'très', 'bien']],
    ['a long token is cut, the words around it wrap as usual', `see ${'x'.repeat(25)} ok`, 10, ['see', 'x'.repeat(10), 'x'.repeat(10), 'xxxxx ok']],
    ['a space at a cut does not start the next row', 'abcd ef', 4, ['abcd', 'ef']],
    ['emoji shown as emoji count double', '✅⭐🀄🆎😀', 4, ['✅⭐', '🀄🆎', '😀']],
    ['a text-style symbol counts single', '🌡🌡🌡🌡', 4, ['🌡🌡🌡🌡']],
    ['combining accents take no column and stay on their letter', 'e\u0301'.repeat(6), 4, ['e\u0301'.repeat(4), 'e\u0301'.repeat(2)]],
    ['a family emoji is never cut inside', 'ab👨\u200d👩\u200d👧', 4, ['ab', '👨\u200d👩\u200d👧']]
  ]
  for (const [what, text, width, expected] of cases) t.same(wrap(text, width), expected, what)
  t.equal(displayWidth('😀a'), 3, 'an emoji is two columns')
})

/**
 * Terminal columns of a string, as the terminal (glibc's wcwidth, tmux) counts the characters
 * the tokens below are made of: the oracle for the width checks, independent of displayWidth.
 */
function columns (row: string): number {
  let n = 0
  for (const ch of row) n += /\p{M}|\u200d/u.test(ch) ? 0 : /[✅⭐🀄🆎😀日本]/u.test(ch) ? 2 : 1
  return n
}

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
/** Long unbreakable tokens, 200 characters each (an invite code is the usual one). */
const TOKENS: Array<[string, string]> = [
  ['an invite code', `tamtam1${Array.from({ length: 193 }, (_, i) => BECH32[(i * 7) % 32]).join('')}`],
  ['a row of ✅ (an emoji in the BMP)', '✅'.repeat(200)],
  ['a row of 🀄 (an emoji outside U+1F300-1FAFF)', '🀄'.repeat(200)],
  ['letters, emoji and CJK mixed', Array.from({ length: 40 }, () => 'a✅🆎日z').join('')],
  ['accented letters made of combining marks', 'e\u0301'.repeat(100)]
]

t.test('a long token wraps inside the timeline pane: no row wider than the pane, nothing lost', async (t) => {
  const t9n = translator('en')
  const me = { name: 'Awa', fingerprint: '3f2a-91bc-0d44-7e10', online: true, you: true, muted: false }
  for (const [what, token] of TOKENS) {
    const wider: string[] = []
    const lost: string[] = []
    const cut: string[] = []
    for (const width of [10, 23, 54, 80]) {
      const views: Array<[string, TuiState]> = [
        ['a message', state({ timeline: [item({ text: `code: ${token} ok` })] })],
        ['a message mentioning me', state({ members: [me], timeline: [item({ name: 'Moussa', author: '8f25-b13d-1e02-1171', authorKey: 'm', text: `@Awa ${token}` })] })],
        ['a notice', state({ notices: [`Invite code for atelier: ${token}`] })],
        ['a pending message', state({ pending: [{ text: token, ts: Date.now() }] })]
      ]
      for (const [where, s] of views) {
        const rows = timelineView(s, t9n, width, 1000)
        const at = `${where}, ${width} columns`
        wider.push(...rows.filter((r) => columns(r) > width).map((r) => `${at}: ${columns(r)} columns: ${r}`))
        if (!rows.join('').replace(/[\s┃▶]/g, '').includes(token)) lost.push(at)
        if (rows.some((r) => /^\p{M}/u.test(r.trimStart()))) cut.push(at)
      }
    }
    t.same(wider.slice(0, 3), [], `${what}: no row is wider than the pane (a message, a mention, a notice, a pending line; 10 to 80 columns)`)
    t.same(lost, [], `${what}: the whole token is shown`)
    t.same(cut, [], `${what}: no row starts with a mark cut from its letter`)
  }
})

t.test('timeline view: sanitised, wrapped, scrolled, pending last', async (t) => {
  const t9n = translator('en')
  const s = state({
    timeline: [
      item({ text: 'hello\x1b[2J\x1b]0;pwned\x07 world' }),
      item({ name: 'Ev\u202eil', text: 'x'.repeat(50) }),
      item({ type: 'join', text: '' })
    ],
    pending: [{ text: 'on its way', ts: Date.now() }]
  })
  const lines = timelineView(s, t9n, 30, 100)
  const all = lines.join('\n')
  t.notMatch(all, /\x1b|\x07|\u202e/, 'no escape, bell or bidi override reaches the screen')
  t.ok(lines.every((l) => displayWidth(l) <= 30), 'every line fits the width')
  t.match(all, /joined/, 'a join reads as a sentence')
  t.match(lines[lines.length - 1], /on its way … sending…/, 'a pending message shows at once, marked as sending')
  const scrolled = timelineView({ ...s, scroll: 2 }, t9n, 30, 3)
  t.equal(scrolled.length, 3, 'the view is cut to the pane height')
  t.not(scrolled[2], lines[lines.length - 1], 'scrolling up hides the newest lines')
})

t.test('French strings and local date format', async (t) => {
  await loadLang('fr')
  const fr = translator('fr')
  const s = state({ lang: 'fr', rooms: [{ id: 'r1', name: 'atelier', unread: 3 }, { id: 'r2', name: 'bureau', unread: 2 }], current: 'r1', status: { lanPeers: 2, internet: false, missing: 0, seen: { k: 1, n: 2 } } })
  t.equal(statusView(s, fr), 'Pairs locaux : 2 | Internet : coupé | synchronisé | vu par 1 sur 2', 'status bar in French')
  t.equal(roomsView(s, fr), '> atelier\n  bureau (2)', 'unread counts on other rooms only')
  t.equal(promptView({ ...s, stage: 'name' }, fr), 'Bienvenue dans tamtam. Quel est votre nom ?')
  const line = timelineView({ ...s, timeline: [item({ type: 'join' })] }, fr, 80, 5)[0]
  t.match(line, /^14:05|^\d{2}:\d{2}/, 'a 24-hour time in French')
  t.match(line, /a rejoint le salon/, 'the join sentence in French')
  t.match(membersView({ ...s, members: [{ name: 'Moussa', fingerprint: '8f25-b13d-1e02-1171', online: false, you: false, muted: false }] }, fr), /hors ligne/, 'offline in French')
})

t.test('a missing translation falls back to English', async (t) => {
  const unknown = translator('xx')
  t.equal(unknown('tui.synced'), 'synced')
})
