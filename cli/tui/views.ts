/**
 * Views: pure functions from state to text. blessed only receives their output, with tags
 * disabled, so nothing a peer wrote can be interpreted as markup or escape sequences.
 */
import { formatExpire } from '../../src/expiry/duration.js'
import { formatTime, type Translate } from '../../src/i18n/index.js'
import { sanitizeName, sanitizeText } from '../../src/text/sanitize.js'
import type { TimelineItem } from '../../src/timeline/index.js'
import { authorLabel, memberLabel, MENTION_MARK, mentionsMeIn } from './people.js'
import { lineText } from '../render/line.js'
export { lineText }
import type { RoomEntry, TuiState } from './state.js'

/**
 * Characters that take two terminal columns: Unicode's East Asian Wide and Fullwidth, as
 * glibc's wcwidth and the terminals count them. JavaScript has no East_Asian_Width property,
 * but every character shown as an emoji by default (Emoji_Presentation) is Wide since Unicode 9,
 * whether in the BMP (✅ ⭐ ⌚) or not (🀄 🆎 😀); the rest are the CJK, Hangul and Kana blocks.
 * Regional indicators (the halves of a flag) are Emoji_Presentation but narrow.
 */
export const WIDE_CHAR = /[\u1100-\u115f\u2329\u232a\u2e80-\u303e\u3041-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6\u{16fe0}-\u{16fe4}\u{16ff0}-\u{16ff1}\u{17000}-\u{18cff}\u{18d00}-\u{18d08}\u{1aff0}-\u{1b2ff}\u{1f200}-\u{1f2ff}\u{20000}-\u{2fffd}\u{30000}-\u{3fffd}]|(?![\u{1f1e6}-\u{1f1ff}])\p{Emoji_Presentation}/u

/**
 * Characters that take no column of their own: combining marks, which the terminal draws on
 * the letter before, the joiners and selectors inside emoji sequences, invisible format
 * characters, and Hangul's medial and final jamo.
 */
export const ZERO_WIDTH_CHAR = /[\p{Mn}\p{Me}\u1160-\u11ff\ud7b0-\ud7ff\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/u

/** Columns one code point takes on a terminal: 0, 1 or 2. */
export function charWidth (cp: number): number {
  if (cp < 0x300) return 1
  const ch = String.fromCodePoint(cp)
  if (ZERO_WIDTH_CHAR.test(ch)) return 0
  return WIDE_CHAR.test(ch) ? 2 : 1
}

/** Display width of a string: wide (CJK, emoji) characters take two columns, combining marks none. */
export function displayWidth (text: string): number {
  let width = 0
  for (const ch of text) width += charWidth(ch.codePointAt(0) ?? 0)
  return width
}

const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' })

/**
 * Wrap one logical line to `width` columns, breaking at spaces when it can. A word longer than
 * a whole row (an invite code, a link, a row of emoji) starts a row and is cut at the edge, but
 * only between grapheme clusters: an accent never leaves its letter, an emoji sequence is never
 * split. Spaces after a word hang past the edge and are dropped where the row ends.
 */
export function wrap (text: string, width: number): string[] {
  const out: string[] = []
  for (const paragraph of text.split('\n')) {
    let line = ''
    let lineWidth = 0
    /** Start a new row unless `w` more columns fit on this one. */
    const makeRoom = (w: number): void => {
      if (line === '' || lineWidth + w <= width) return
      out.push(line.trimEnd())
      line = ''
      lineWidth = 0
    }
    const place = (piece: string, w: number): void => {
      makeRoom(w)
      line += piece
      lineWidth += w
    }
    for (const word of paragraph.split(/(?<= )/)) {
      const bare = word.trimEnd()
      const w = displayWidth(bare)
      makeRoom(w)
      if (w <= width) place(bare, w)
      else for (const { segment } of GRAPHEMES.segment(bare)) place(segment, displayWidth(segment))
      const spaces = Math.min(word.length - bare.length, Math.max(0, width - lineWidth))
      line += ' '.repeat(spaces)
      lineWidth += spaces
    }
    out.push(line.trimEnd())
  }
  return out
}

/** Unread counts of an entry: `(3)`, `(3, @1)` when one of them mentions me. */
function counts (entry: RoomEntry): string {
  const parts = [entry.unread > 0 ? String(entry.unread) : '', (entry.mentions ?? 0) > 0 ? `@${entry.mentions ?? 0}` : ''].filter(Boolean)
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`
}

/**
 * The room list: one line per room, with unread counts (and mentions of me); private
 * conversations under their room as `@Name`; the current entry marked.
 */
export function roomsView (state: TuiState, t: Translate): string {
  if (state.rooms.length === 0) return t('tui.noRoom')
  return state.rooms.map((r) => {
    const mark = r.id === state.current ? '>' : ' '
    const name = r.dm === undefined ? sanitizeName(r.name) : `  @${sanitizeName(r.name)}`
    return `${mark} ${name}${r.id === state.current ? '' : counts(r)}`
  }).join('\n')
}

/** The members: name (✓ when verified), short fingerprint, online or offline, and warnings. */
export function membersView (state: TuiState, t: Translate): string {
  return state.members.map((m) => {
    const dot = m.online || m.you ? '●' : '○'
    const tags = [
      m.you ? t('tui.you') : m.online ? t('tui.online') : t('tui.offline'),
      m.muted ? 'mute' : '',
      m.verified === true ? t('tui.verifiedTag') : '',
      m.keyChanged === true && m.verified !== true && !m.you ? t('tui.keyChangedTag') : ''
    ].filter(Boolean).join(', ')
    return `${dot} ${memberLabel(m)} ${m.fingerprint.slice(0, 9)}\n  ${tags}`
  }).join('\n')
}


/**
 * One item as screen lines. The first two columns belong to the app: continuation lines
 * are indented, so no line a peer wrote can pass for a notice or another message, and a
 * message that mentions me has the mention mark in front of every line.
 */
function itemLines (text: string, width: number, mention: boolean): string[] {
  const lines = wrap(text, Math.max(1, width - 2))
  if (mention) return lines.map((l, i) => `${i === 0 ? MENTION_MARK : '┃'} ${l}`)
  return lines.map((l, i) => i === 0 ? l : `  ${l}`)
}

/**
 * The timeline as screen lines for a pane `width` columns wide and `height` rows high,
 * scrolled `state.scroll` lines up from the bottom. Pending messages come last.
 */
export function timelineView (state: TuiState, t: Translate, width: number, height: number): string[] {
  const lines: string[] = []
  if (state.dm !== null) lines.push(...wrap(`-- ${t('tui.dmHeader', { name: sanitizeName(state.dm.name), room: sanitizeName(state.rooms.find((r) => r.id === state.dm?.room)?.name ?? '') })}`, width))
  // Items come sanitised from the library; sanitise again here so no code path that builds
  // an item by hand can ever reach the terminal with escape sequences.
  for (const item of state.timeline) {
    const text = sanitizeText(lineText(item, authorLabel(item, state.members), t), { multiline: true })
    lines.push(...itemLines(`${formatTime(item.ts, state.lang)} ${text}`, width, state.dm === null && mentionsMeIn(item, state)))
  }
  for (const p of state.pending) lines.push(...wrap(`${formatTime(p.ts, state.lang)} ${sanitizeText(p.text, { multiline: true })} … ${t('tui.sending')}`, width))
  for (const n of state.notices) lines.push(...wrap(`-- ${sanitizeText(n, { multiline: true })}`, width))
  const end = Math.max(0, lines.length - state.scroll)
  return lines.slice(Math.max(0, end - height), end)
}

/** The status bar: LAN peers, Internet, sync state, reach of my last message, the room's expiry. */
export function statusView (state: TuiState, t: Translate): string {
  const s = state.status
  const internet = s.internet === null ? '?' : t(s.internet ? 'tui.internetUp' : 'tui.internetDown')
  const sync = s.missing === 0 ? t('tui.synced') : t('tui.syncing', { missing: s.missing })
  const seen = s.seen === null ? t('tui.noSeen') : t('tui.seenBy', { k: s.seen.k, n: s.seen.n })
  const expiry = s.expire !== undefined && s.expire > 0 ? ` | ${t('expiry.status', { after: formatExpire(s.expire) })}` : ''
  const line = t('tui.status', { peers: s.lanPeers, internet, sync, seen }) + expiry
  // Said first: whoever stops `tamtam up` in the other terminal stops this app's network too.
  return state.attached === null ? line : `${t('tui.attached')} | ${line}`
}

/** The prompt label in front of the input line. */
export function promptView (state: TuiState, t: Translate): string {
  if (state.stage === 'name') return t('tui.askName')
  if (state.stage === 'lang') return t('tui.askLang')
  const room = state.rooms.find((r) => r.id === state.current)
  if (room === undefined) return t('tui.askRoom')
  return room.dm === undefined ? `[${sanitizeName(room.name)}]` : `[@${sanitizeName(room.name)}]`
}
