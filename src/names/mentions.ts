/**
 * Mentions: `@name` in a message. The rules, as people type them:
 *
 * - A mention is `@` at the start of the text or after anything but a letter, digit or `_`
 *   (so `awa@example.org` mentions nobody), then a name.
 * - Names are compared folded (see normalizeName): `@moussa`, `@MOUSSA` and `@Moussà` all
 *   mention Moussa.
 * - The whole name, not a prefix: `@Mouss` does not mention Moussa. Punctuation after it
 *   is not part of it (`@Moussa,` `@Moussa!` `@Moussa.` `@Moussa's`), but a mention glued
 *   to another `@` or `#` (`@Moussa@`, `@Moussa#x`) is none.
 * - A name with spaces is typed as is (`@Awa Diop`) or with `_` (`@Awa_Diop`); when
 *   several names fit, the longest wins (`@Awa Diop` is Awa Diop, not Awa).
 * - Two members with the same name: `@Moussa` mentions both; `@Moussa#ab12` picks the one
 *   whose fingerprint starts with ab12 (2 to 16 hex digits, dashes allowed, as displayNames
 *   shows it: `Moussa (ab12)`).
 * - A name that starts with neither a letter nor a digit cannot be mentioned.
 */
import { fingerprintOf, type NamedMember } from './display.js'
import { foldText, normalizeName } from './normalize.js'

/** At most this many `@` are looked at per message, so a message of 8000 `@` costs little. */
export const MAX_MENTIONS_SCANNED = 100

/** A compiled matcher: the identities a text mentions. */
export type MentionMatcher = (text: string) => string[]

interface Entry { identity: string, key: string, hex: string }
interface Candidate { entries: Entry[], end: number }

const WORD = /[\p{L}\p{N}_]/u
// What a typed name is made of; `.`, `-` and apostrophes inside names (J.-P., N'Diaye).
const TOKEN_RUN = /[\p{L}\p{N}_.\-'’]*/uy
const TRAILING = /[.\-'’]+$/u
const POSSESSIVE = /['’]s$/u
const AFTER_NAME = /(?:['’]s)?[.\-'’]*/uy
const SUFFIX = /#([0-9a-f]{2,4}(?:-?[0-9a-f]{1,4}){0,3})/y

/** Compile the members once, then match many texts (the TUI matches every line it draws). */
export function mentionMatcher (members: NamedMember[]): MentionMatcher {
  const byHandle = new Map<string, Entry[]>()
  const byLead = new Map<string, Entry[]>()
  for (const m of new Map(members.map((x) => [x.identity, x])).values()) {
    const key = normalizeName(m.name)
    if (key === '') continue
    const entry = { identity: m.identity, key, hex: fingerprintOf(m.identity).replace(/-/g, '') }
    push(byHandle, key.replace(/ /g, '_'), entry)
    // A name one token cannot spell (spaces, symbols) is found by its first word instead.
    const lead = stickyMatch(TOKEN_RUN, key, 0)
    if (lead !== key && lead !== '') push(byLead, lead, entry)
  }
  return (text) => scan(foldText(text), byHandle, byLead)
}

/** The identities `text` mentions (see the rules above), each once. */
export function findMentions (text: string, members: NamedMember[]): string[] {
  return mentionMatcher(members)(text)
}

/** Whether `text` mentions `myIdentity`. */
export function mentionsMe (text: string, members: NamedMember[], myIdentity: string): boolean {
  return findMentions(text, members).includes(myIdentity)
}

function push (map: Map<string, Entry[]>, key: string, entry: Entry): void {
  map.set(key, [...(map.get(key) ?? []), entry])
}

function stickyMatch (re: RegExp, s: string, at: number): string {
  re.lastIndex = at
  return re.exec(s)?.[0] ?? ''
}

function scan (s: string, byHandle: Map<string, Entry[]>, byLead: Map<string, Entry[]>): string[] {
  const found = new Set<string>()
  let looked = 0
  for (let at = s.indexOf('@'); at !== -1 && looked < MAX_MENTIONS_SCANNED; at = s.indexOf('@', at + 1)) {
    looked++
    const before = [...s.slice(Math.max(0, at - 2), at)].pop()
    if (before !== undefined && WORD.test(before)) continue
    for (const identity of mentionAt(s, at + 1, byHandle, byLead)) found.add(identity)
  }
  return [...found]
}

/** The identities mentioned by the name starting at `start` (just after an `@`). */
function mentionAt (s: string, start: number, byHandle: Map<string, Entry[]>, byLead: Map<string, Entry[]>): string[] {
  const token = stickyMatch(TOKEN_RUN, s, start)
  if (token === '') return []
  const bare = token.replace(POSSESSIVE, '')
  const variants = [...new Set([token, bare, token.replace(TRAILING, ''), bare.replace(TRAILING, '')])].filter((v) => v !== '')
  const candidates: Candidate[] = []
  const handle = variants.map((v) => byHandle.get(v)).find((hit) => hit !== undefined)
  if (handle !== undefined) candidates.push({ entries: handle, end: start + token.length })
  for (const v of variants) {
    for (const e of byLead.get(v) ?? []) if (s.startsWith(e.key, start)) candidates.push({ entries: [e], end: start + e.key.length })
  }
  // Longest first; a longer name that fails (glued to a letter) gives way to a shorter one.
  const ends = [...new Set(candidates.map((c) => c.end))].sort((a, b) => b - a)
  for (const end of ends) {
    const entries = candidates.filter((c) => c.end === end).flatMap((c) => c.entries)
    const picked = afterName(s, end, entries)
    if (picked !== null) return picked
  }
  return []
}

/** Check what follows a name ending at `end`: punctuation, an optional #fingerprint, then a boundary. */
function afterName (s: string, end: number, entries: Entry[]): string[] | null {
  let j = end + stickyMatch(AFTER_NAME, s, end).length
  let hex: string | null = null
  const suffix = stickyMatch(SUFFIX, s, j)
  if (suffix !== '') {
    hex = suffix.slice(1).replace(/-/g, '')
    j += suffix.length
    j += stickyMatch(AFTER_NAME, s, j).length
  }
  const next = [...s.slice(j, j + 2)][0]
  if (next !== undefined && (WORD.test(next) || next === '@' || next === '#')) return null
  const picked = hex === null ? entries : entries.filter((e) => e.hex.startsWith(hex))
  return [...new Set(picked.map((e) => e.identity))]
}
