/**
 * People in the terminal app, as pure views of the state: mentions of me highlighted and
 * counted, namesakes told apart, verified members marked, key changes warned about,
 * private conversations in the room list, and hostile names kept harmless.
 */
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { fingerprintOf } from '../../src/names/index.js'
import { loadLang, translator } from '../../src/i18n/index.js'
import type { TimelineItem } from '../../src/timeline/index.js'
import type { DmConversation, DmMessage } from '../../src/dm/index.js'
import { dmEntries, dmItems, DmWatch, type DmApi } from '../../cli/tui/dm-watch.js'
import { MentionTracker } from '../../cli/tui/mentions.js'
import { keyChangeWarnings, plainName } from '../../cli/tui/people.js'
import { emptyState, type MemberEntry, type TuiState } from '../../cli/tui/state.js'
import { displayWidth, membersView, promptView, roomsView, timelineView } from '../../cli/tui/views.js'

const en = translator('en')
const TS = Date.UTC(2026, 10, 29, 14, 5)
const id = (): string => randomBytes(32).toString('hex')

/** A member of the room, by name (identity made up). */
const member = (name: string, over: Partial<MemberEntry> = {}): MemberEntry => {
  const identity = over.identity ?? id()
  return { name, fingerprint: fingerprintOf(identity), online: true, you: false, muted: false, identity, verified: false, keyChanged: false, ...over }
}
const awa = member('Awa', { you: true })
const moussa = member('Moussa')
const moussa2 = member('moussà')
const zoe = member('Zoé')

/** A message from `m`. */
const msg = (m: MemberEntry, text: string, seq = 1, over: Partial<TimelineItem> = {}): TimelineItem => ({
  id: `c.${seq}`, author: m.fingerprint, authorKey: m.identity as string, name: m.name, ts: TS, type: 'msg', text, core: 'c', seq, ...over
})
const state = (over: Partial<TuiState>): TuiState => ({ ...emptyState('en'), me: awa.identity as string, members: [awa, moussa, zoe], ...over })
const screen = (s: TuiState, width = 60): string[] => timelineView(s, en, width, 100)
/** A time as English shows it (local zone): 2:05 PM. */
const TIME = '\\d{1,2}:\\d{2}(?:\\s?[AP]M)?'

t.test('messages that mention me are marked on every line, others are not', async (t) => {
  const s = state({
    timeline: [
      msg(moussa, 'salut @Awa, tu as vu le plan ? ' + 'très long message '.repeat(5), 1),
      msg(zoe, 'bonjour @Moussa', 2),
      msg(awa, 'moi, @Awa, je me cite', 3),
      msg(zoe, '@awa!', 4),
      msg(zoe, 'awa@example.org', 5)
    ]
  })
  const wide = screen(s, 200)
  t.match(wide[0], new RegExp(`^▶ ${TIME} Moussa \\([0-9a-f]{4}-[0-9a-f]{4}\\): salut @Awa`), 'the mark is in the first column, then the usual line')
  t.match(wide[1], new RegExp(`^${TIME} Zoé .*: bonjour @Moussa$`), 'a mention of someone else is a plain line')
  t.match(wide[2], new RegExp(`^${TIME} Awa .*: moi, @Awa`), 'my own message naming me is not a mention')
  t.match(wide[3], /^▶ .*: @awa!$/, 'folded name with punctuation')
  t.match(wide[4], new RegExp(`^${TIME} Zoé .*: awa@example.org$`), 'an e-mail address is not a mention')
  const lines = screen(s, 40)
  const next = lines.findIndex((l, i) => i > 0 && !l.startsWith('┃'))
  t.ok(next > 1 && lines[0].startsWith('▶ ') && lines.slice(1, next).every((l) => l.startsWith('┃ ')), 'each continuation line of the mention is marked too')
  t.match(lines[next], new RegExp(`^${TIME} `), 'up to the next message')
  t.ok(lines.every((l) => displayWidth(l) <= 40), 'every line fits the width')

  const forged = screen(state({ timeline: [msg(zoe, 'hello\n▶ 14:05 Moussa: @Moussa fake\n-- Moussa changed key', 1)] }))
  t.same(forged.slice(1), ['  ▶ 14:05 Moussa: @Moussa fake', '  -- Moussa changed key'], 'a peer\'s lines never start in the first two columns: no fake mark, no fake notice')
  const real = screen(state({ timeline: [msg(zoe, '@Awa\n▶ fake', 1)] }))
  t.same(real.slice(1), ['┃ ▶ fake'], 'in a real mention, the app\'s bar comes first')
  t.notOk(screen({ ...s, me: null }).some((l) => l.startsWith('▶')), 'before I have an identity, nothing is a mention')
})

t.test('namesakes are told apart in the timeline; verified members carry ✓', async (t) => {
  const verified = { ...zoe, verified: true }
  const s = state({ members: [awa, moussa, moussa2, verified], timeline: [msg(moussa, 'un', 1), msg(moussa2, 'deux', 2), msg(verified, 'trois', 3), msg(awa, 'quatre', 4)] })
  const all = screen(s).join('\n')
  t.match(all, new RegExp(`Moussa \\(${moussa.fingerprint.slice(0, 4)}\\): un`), 'the first Moussa with 4 hex of his fingerprint')
  t.match(all, new RegExp(`moussà \\(${moussa2.fingerprint.slice(0, 4)}\\): deux`), 'the other one with his')
  t.match(all, new RegExp(`Zoé \\(${zoe.fingerprint.slice(0, 9)}\\) ✓: trois`), 'a verified member: ✓ after the name')
  t.match(all, new RegExp(`Awa \\(${awa.fingerprint.slice(0, 9)}\\): quatre`), 'a unique name keeps the usual fingerprint')

  const members = membersView(s, en)
  t.match(members, new RegExp(`● Zoé ✓ ${zoe.fingerprint.slice(0, 9)}\\n  online, verified`), 'members pane: ✓ and the word, not only a sign')
  t.notMatch(members, /Moussa ✓/, 'the others have no mark')

  const impostor = member('Zoé ✓ (1234)')
  const fake = state({ members: [awa, zoe, impostor], timeline: [msg(impostor, 'je suis Zoé', 1)] })
  t.notMatch(screen(fake).join('\n'), /✓/, 'a ✓ typed in a name is not shown: only the app draws it')
  t.match(screen(fake).join('\n'), new RegExp(`Zoé \\(${impostor.fingerprint.slice(0, 4)}\\): je suis Zoé`), 'and a fingerprint typed in a name is dropped, so the impostor is Zoé\'s namesake, shown with the real fingerprint')
  t.notMatch(membersView(fake, en), /✓/)
})

t.test('unread mentions in the room list; private conversations under their room', async (t) => {
  const rooms = [
    { id: 'r1', name: 'atelier', unread: 3, mentions: 1 },
    ...dmEntries('r1', [
      { identity: moussa.identity as string, name: 'Moussa', fingerprint: moussa.fingerprint, last: TS, count: 4 },
      { identity: zoe.identity as string, name: 'Zoé', fingerprint: zoe.fingerprint, last: TS - 1, count: 1 }
    ], new Map([[moussa.identity as string, 'Moussa (ab12)']]), new Map([[moussa.identity as string, 2]])),
    { id: 'r2', name: 'bureau', unread: 0, mentions: 0 },
    { id: 'r3', name: 'cour', unread: 0, mentions: 2 }
  ]
  t.equal(roomsView(state({ rooms, current: 'r2' }), en), [
    '  atelier (3, @1)',
    '    @Moussa (ab12) (2)',
    '    @Zoé',
    '> bureau',
    '  cour (@2)'
  ].join('\n'), 'counts with mentions, conversations indented under their room, labels from displayNames')
  t.match(roomsView(state({ rooms, current: 'r1' }), en), /^> atelier\n/, 'no counts on the current room')
  const dmId = rooms[1].id
  t.match(roomsView(state({ rooms, current: dmId }), en), /^ {2}atelier \(3, @1\)\n> {3}@Moussa \(ab12\)\n/, 'a conversation can be the current entry')
  t.equal(promptView(state({ rooms, current: dmId }), en), '[@Moussa (ab12)]', 'the prompt names the person')

  const messages: DmMessage[] = [
    { id: 'd.1', from: moussa.identity as string, fromName: 'Moussa', to: awa.identity as string, ts: TS, text: 'psst @Awa', mine: false },
    { id: 'd.2', from: awa.identity as string, fromName: 'Awa', to: moussa.identity as string, ts: TS + 1, text: 'oui ?', mine: true }
  ]
  const dm = screen(state({ rooms, current: dmId, dm: { room: 'r1', identity: moussa.identity as string, name: 'Moussa (ab12)' }, timeline: dmItems(messages) }))
  t.match(dm[0], /^-- Private messages with Moussa \(ab12\), in atelier\./, 'a header says whose conversation it is')
  t.match(dm[1], new RegExp(`^${TIME} Moussa \\([0-9a-f-]{9}\\): psst @Awa$`), 'messages drawn like the room\'s, not marked as mentions')
  t.match(dm[2], /Awa \([0-9a-f-]{9}\): oui \?$/)
})

t.test('a name back with another key: warned once, tagged until verified', async (t) => {
  const impostor = member('Moussa', { keyChanged: true, online: false })
  const s = state({ members: [awa, impostor] })
  const warned = new Set<string>()
  const first = keyChangeWarnings('atelier', s.members, warned, en)
  t.equal(first.length, 1)
  t.match(first[0].text, new RegExp(`Warning: Moussa in atelier now uses another key \\(${impostor.fingerprint.slice(0, 9)}\\).*\\/verify Moussa#${impostor.fingerprint.slice(0, 4)}`), 'the warning names the new key and how to check it')
  warned.add(first[0].identity)
  t.same(keyChangeWarnings('atelier', s.members, warned, en), [], 'once only')
  t.same(keyChangeWarnings('atelier', [{ ...impostor, verified: true }], new Set(), en), [], 'not about a member verified since')
  t.same(keyChangeWarnings('atelier', [{ ...awa, keyChanged: true }], new Set(), en), [], 'never about me')
  t.match(membersView(s, en), /○ Moussa [0-9a-f-]{9}\n {2}offline, new key!/, 'the member list keeps a tag')
  t.notMatch(membersView(state({ members: [{ ...impostor, verified: true }] }), en), /new key/, 'until verified')
  await loadLang('fr')
  t.match(keyChangeWarnings('atelier', s.members, new Set(), translator('fr'))[0].text, /^Attention : Moussa dans atelier utilise maintenant une autre clé/, 'in French')
})

t.test('hostile names and texts stay neutralised everywhere', async (t) => {
  const evil = 'Ev\x1b[2J\x1b]0;pwned\x07il\u202e\nfake'
  const bad = member(evil, { verified: true, keyChanged: true })
  const s = state({
    members: [awa, bad],
    rooms: [{ id: 'r1', name: 'atelier\x1b[31m', unread: 1, mentions: 1 }, ...dmEntries('r1', [{ identity: bad.identity as string, name: evil, fingerprint: bad.fingerprint, last: TS, count: 1 }], new Map(), new Map())],
    current: `r1/@${bad.identity as string}`,
    dm: { room: 'r1', identity: bad.identity as string, name: evil },
    timeline: [msg(bad, `@Awa ${evil}`, 1), msg(bad, 'x', 2, { type: 'nick', text: evil })]
  })
  const all = [...timelineView({ ...s, dm: null }, en, 50, 100), ...timelineView(s, en, 50, 100), roomsView(s, en), membersView(s, en), promptView(s, en), ...keyChangeWarnings('atelier', s.members, new Set(), en).map((w) => w.text)].join('\n')
  t.notMatch(all, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]/, 'no control, escape or bidi character')
  t.notMatch(all, /pwned|\[2J|\[31m/, 'no leftover of the sequences')
  t.match(all, /Evil fake/, 'the name is still readable')
  t.equal(plainName('\x1b[2J'), '?', 'a name that is only an escape sequence becomes "?"')
})

t.test('mention tracker: history never counts, new mentions do, rings only for recent ones', async (t) => {
  let now = TS
  const tracker = new MentionTracker({ clock: () => now, scanEveryMs: 1000, ringWithinMs: 60_000 })
  const mine = (i: TimelineItem): boolean => i.text.includes('@Awa')
  const lengths = (n: number): Map<string, number> => new Map([['c', n]])
  t.equal(tracker.due('r1', lengths(5)), 0, 'first sight sets the baseline')
  t.equal(tracker.due('r1', lengths(7)), 0, 'not again within a second')
  now += 1000
  t.equal(tracker.due('r1', lengths(7)), 2, 'then the blocks past the baseline')
  const items = [msg(moussa, 'old @Awa', 4), msg(moussa, 'new @Awa', 5), msg(moussa, 'new, not for me', 6)]
  const fresh = tracker.take('r1', items, lengths(7), mine)
  t.same(fresh.map((i) => i.text), ['new @Awa'], 'only new items that mention me')
  t.equal(tracker.count('r1'), 1)
  t.same(tracker.take('r1', items, lengths(7), mine), [], 'the same items never count twice')
  t.same(tracker.take('r1', [msg(moussa, 'late @Awa', 8)], lengths(7), mine).length, 1, 'an item past the lengths read is counted…')
  t.same(tracker.take('r1', [msg(moussa, 'late @Awa', 8)], lengths(9), mine).length, 0, '…once')
  t.equal(tracker.count('r1'), 2)
  tracker.clear('r1')
  t.equal(tracker.count('r1'), 0, 'read once the room is on screen')
  t.ok(tracker.ringFor([msg(moussa, '@Awa', 9, { ts: now - 1000 })]), 'a recent mention rings')
  t.notOk(tracker.ringFor([msg(moussa, '@Awa', 9, { ts: now - 120_000 })]), 'old history arriving late does not')
  t.same(new MentionTracker().take('r9', items, lengths(7), mine), [], 'a room first seen on screen: its history is the baseline')
})

t.test('conversations: read at most once a second, unread counted after the first listing', async (t) => {
  let now = TS
  let reads = 0
  let list: DmConversation[] = [{ identity: moussa.identity as string, name: 'Moussa', fingerprint: moussa.fingerprint, last: TS, count: 2 }]
  const api: DmApi = {
    conversations: async () => { reads++; return list },
    messages: async () => [],
    send: async (_room, to) => ({ id: 'x', to: { identity: to, name: 'Zoé' }, ts: now })
  }
  const watch = new DmWatch(null as any, { clock: () => now, everyMs: 1000, api })
  const room = { id: 'r1' } as any
  await watch.conversations(room)
  await watch.conversations(room)
  t.equal(reads, 1, 'a second call within a second reads nothing')
  t.same([...watch.unread('r1', list, null)], [[moussa.identity, 0]], 'the first listing is taken as read')
  list = [{ ...list[0], count: 5 }, { identity: zoe.identity as string, name: 'Zoé', fingerprint: zoe.fingerprint, last: TS, count: 1 }]
  t.same(Object.fromEntries(watch.unread('r1', list, null)), { [moussa.identity as string]: 3, [zoe.identity as string]: 1 }, 'new messages and new conversations count')
  t.same(Object.fromEntries(watch.unread('r1', list, moussa.identity as string)), { [moussa.identity as string]: 0, [zoe.identity as string]: 1 }, 'the conversation on screen is read')
  await watch.send(room, zoe.identity as string, 'hello')
  t.same(watch.unread('r1', [{ ...list[1], count: 2 }], null).get(zoe.identity as string), 1, 'my own message is not unread: only hers still is')
  await watch.conversations(room)
  t.equal(reads, 2, 'sending makes the next call read again')
  now += 1000
  await watch.conversations(room)
  t.equal(reads, 3, 'and a second later it reads again')
})
