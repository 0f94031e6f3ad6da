/**
 * Views: pure functions from state to text. blessed only receives their output, with tags
 * disabled, so nothing a peer wrote can be interpreted as markup or escape sequences.
 */
import { formatTime, type Translate } from '../../src/i18n/index.js'
import { sanitizeName, sanitizeText } from '../../src/text/sanitize.js'
import { itemText } from '../format.js'
import type { TuiState } from './state.js'

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

/** The room list: one line per room, with unread counts; the current one marked. */
export function roomsView (state: TuiState, t: Translate): string {
  if (state.rooms.length === 0) return t('tui.noRoom')
  return state.rooms.map((r) => {
    const mark = r.id === state.current ? '>' : ' '
    const unread = r.unread > 0 && r.id !== state.current ? ` (${r.unread})` : ''
    return `${mark} ${sanitizeName(r.name)}${unread}`
  }).join('\n')
}

/** The members: name, short fingerprint, online or offline. */
export function membersView (state: TuiState, t: Translate): string {
  return state.members.map((m) => {
    const dot = m.online || m.you ? '●' : '○'
    const tags = [m.you ? t('tui.you') : m.online ? t('tui.online') : t('tui.offline'), m.muted ? 'mute' : ''].filter(Boolean).join(', ')
    return `${dot} ${sanitizeName(m.name)} ${m.fingerprint.slice(0, 9)}\n  ${tags}`
  }).join('\n')
}

/**
 * The timeline as screen lines for a pane `width` columns wide and `height` rows high,
 * scrolled `state.scroll` lines up from the bottom. Pending messages come last.
 */
export function timelineView (state: TuiState, t: Translate, width: number, height: number): string[] {
  const lines: string[] = []
  // Items come sanitised from the library; sanitise again here so no code path that builds
  // an item by hand can ever reach the terminal with escape sequences.
  for (const item of state.timeline) lines.push(...wrap(`${formatTime(item.ts, state.lang)} ${sanitizeText(itemText(item, t), { multiline: true })}`, width))
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
  return room === undefined ? t('tui.askRoom') : `[${sanitizeName(room.name)}]`
}
