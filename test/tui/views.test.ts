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
    ['accents count single', 'ça va très bien', 7, ['ça va', 'très', 'bien']]
  ]
  for (const [what, text, width, expected] of cases) t.same(wrap(text, width), expected, what)
  t.equal(displayWidth('😀a'), 3, 'an emoji is two columns')
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
