/**
 * People in the views: how an author is labelled (namesakes told apart, ✓ when
 * verified), which lines mention me, and the warning when a name comes back with another
 * key. Pure functions of the state; what is costly is computed once per member list.
 */
import type { Translate } from '../../src/i18n/index.js'
import { displayNames, mentionMatcher, type MentionMatcher } from '../../src/names/index.js'
import { sanitizeName } from '../../src/text/sanitize.js'
import type { TimelineItem } from '../../src/timeline/index.js'
import type { MemberEntry, TuiState } from './state.js'

/** Shown after the name of a verified member. */
export const VERIFIED_MARK = '✓'
/** In the first column of every line of a message that mentions me. */
export const MENTION_MARK = '▶'

// Marks the app draws itself must not come from a peer's name: "Awa ✓" would pass for verified.
const APP_MARKS = /[✓✔☑✅🗸🗹▶►]/gu
// A fingerprint in brackets at the end of a name would pass for the one the app adds.
const FAKE_PRINT = /(?:\s*[(#[]\s*[0-9a-f]{2,4}(?:-[0-9a-f]{0,4}){0,3}\s*[)\]]?)+$/iu

/** A name from a peer as the app shows it: sanitised, without marks that only the app may draw. */
export function plainName (name: string): string {
  const clean = sanitizeName(sanitizeName(name).replace(APP_MARKS, '').replace(FAKE_PRINT, ''))
  return clean === '' ? '?' : clean
}

/** What the views need to know about the members, computed once per member list. */
interface People {
  /** identity → label: the name, or `Moussa (ab12)` for namesakes. */
  labels: Map<string, string>
  /** Identities whose name is nobody else's. */
  unique: Set<string>
  verified: Set<string>
  mentions: MentionMatcher
}

const cache = new WeakMap<MemberEntry[], People>()

function peopleOf (members: MemberEntry[]): People {
  let people = cache.get(members)
  if (people === undefined) {
    const named = members.filter((m) => typeof m.identity === 'string').map((m) => ({ identity: m.identity as string, name: plainName(m.name) }))
    const labels = displayNames(named)
    const unique = new Set(named.filter((m) => labels.get(m.identity) === m.name).map((m) => m.identity))
    const verified = new Set(members.filter((m) => m.verified === true).map((m) => m.identity as string))
    people = { labels, unique, verified, mentions: mentionMatcher(named) }
    cache.set(members, people)
  }
  return people
}

/**
 * Who wrote an item: `Awa (3f2a-91bc)` for a name nobody else uses, `Moussa (ab12)` for
 * namesakes (the fingerprint grows until they differ), then ✓ when verified here.
 */
export function authorLabel (item: TimelineItem, members: MemberEntry[]): string {
  const people = peopleOf(members)
  const label = people.labels.get(item.authorKey)
  const who = label === undefined || people.unique.has(item.authorKey) ? `${label ?? plainName(item.name)} (${item.author.slice(0, 9)})` : label
  return people.verified.has(item.authorKey) ? `${who} ${VERIFIED_MARK}` : who
}

/** Whether an item is a message, from someone else, that mentions me. */
export function mentionsMeIn (item: TimelineItem, state: Pick<TuiState, 'members' | 'me'>): boolean {
  if (state.me === null || item.type !== 'msg' || item.deleted === true || item.authorKey === state.me) return false
  return peopleOf(state.members).mentions(item.text).includes(state.me)
}

/** A member's name in the member list: ✓ when verified. */
export function memberLabel (m: MemberEntry): string {
  return m.verified === true ? `${plainName(m.name)} ${VERIFIED_MARK}` : plainName(m.name)
}

/**
 * The warnings to show about members whose name was first seen with another key, except
 * those already warned about (`warned` holds identities). Verified members and I are
 * never warned about: their key was accepted.
 */
export function keyChangeWarnings (room: string, members: MemberEntry[], warned: ReadonlySet<string>, t: Translate): Array<{ identity: string, text: string }> {
  return members.filter((m) => m.keyChanged === true && m.verified !== true && !m.you && typeof m.identity === 'string' && !warned.has(m.identity)).map((m) => {
    const name = plainName(m.name)
    const who = `${name.replace(/ /g, '_')}#${m.fingerprint.slice(0, 4)}`
    return { identity: m.identity as string, text: t('tui.keyChanged', { name, room: sanitizeName(room), fingerprint: m.fingerprint.slice(0, 9), who }) }
  })
}
