/**
 * Views: pure functions from state to text. blessed only receives their output, with tags
 * disabled, so nothing a peer wrote can be interpreted as markup or escape sequences.
 */
import { formatTime, type Translate } from '../../src/i18n/index.js'
import { sanitizeName, sanitizeText } from '../../src/text/sanitize.js'
import type { TimelineItem } from '../../src/timeline/index.js'
import { authorLabel, memberLabel, MENTION_MARK, mentionsMeIn } from './people.js'
import { lineText } from '../format.js'
export { lineText }
import type { RoomEntry, TuiState } from './state.js'

/** Display width of a string: wide (CJK, emoji) characters take two columns. */
export function displayWidth (text: string): number {
  let width = 0
  for (const ch of text) width += isWide(ch.codePointAt(0) ?? 0) ? 2 : 1
  return width
}

function isWide (cp: number): boolean {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd)
}

/** Wrap one logical line to `width` columns, breaking at spaces when it can. */
export function wrap (text: string, width: number): string[] {
  const out: string[] = []
  for (const paragraph of text.split('\n')) {
    let line = ''
    let lineWidth = 0
    for (const word of paragraph.split(/(?<= )/)) {
      const w = displayWidth(word)
      if (lineWidth + w <= width) {
        line += word
        lineWidth += w
        continue
      }
      if (line.length > 0) out.push(line.trimEnd())
      line = ''
      lineWidth = 0
      for (const ch of word) {
        const cw = displayWidth(ch)
        if (lineWidth + cw > width) {
          out.push(line)
          line = ''
          lineWidth = 0
        }
        line += ch
        lineWidth += cw
      }
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

/** The status bar: LAN peers, Internet, sync state, reach of my last message. */
export function statusView (state: TuiState, t: Translate): string {
  const s = state.status
  const internet = s.internet === null ? '?' : t(s.internet ? 'tui.internetUp' : 'tui.internetDown')
  const sync = s.missing === 0 ? t('tui.synced') : t('tui.syncing', { missing: s.missing })
  const seen = s.seen === null ? t('tui.noSeen') : t('tui.seenBy', { k: s.seen.k, n: s.seen.n })
  return t('tui.status', { peers: s.lanPeers, internet, sync, seen })
}

/** The prompt label in front of the input line. */
export function promptView (state: TuiState, t: Translate): string {
  if (state.stage === 'name') return t('tui.askName')
  if (state.stage === 'lang') return t('tui.askLang')
  const room = state.rooms.find((r) => r.id === state.current)
  if (room === undefined) return t('tui.askRoom')
  return room.dm === undefined ? `[${sanitizeName(room.name)}]` : `[@${sanitizeName(room.name)}]`
}
