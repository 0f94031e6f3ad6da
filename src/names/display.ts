/**
 * Names as shown: two members who go by the same name (once folded, see normalizeName)
 * are told apart by their fingerprint, so "Moussa" cannot pass for the other Moussa.
 */
import { shortFingerprint } from '../identity/index.js'
import { sanitizeName } from '../text/sanitize.js'
import { normalizeName } from './normalize.js'

/** Who a name belongs to: an identity (hex public key) and the nickname it uses. */
export interface NamedMember { identity: string, name: string }

/** The short fingerprint of an identity given as hex, e.g. '3f2a-91bc-0d44-7e10'. */
export function fingerprintOf (identity: string): string {
  return shortFingerprint(Buffer.from(String(identity), 'hex'))
}

/**
 * How each member is shown: their name (sanitised) when nobody else uses it, else the
 * name and the start of their fingerprint, `Moussa (ab12)`. Four hex digits suffice
 * between honest people; a forger could make a key with the same first four, so the
 * fingerprint grows (`Moussa (ab12-cd34)`, …) until every member of the group differs.
 */
export function displayNames (members: NamedMember[]): Map<string, string> {
  const groups = new Map<string, NamedMember[]>()
  for (const m of unique(members)) {
    const key = normalizeName(m.name)
    groups.set(key, [...(groups.get(key) ?? []), m])
  }
  const out = new Map<string, string>()
  for (const group of groups.values()) {
    if (group.length === 1) out.set(group[0].identity, sanitizeName(group[0].name))
    else for (const [identity, label] of disambiguate(group)) out.set(identity, label)
  }
  return out
}

/** One entry per identity (the last name given wins). */
function unique (members: NamedMember[]): NamedMember[] {
  return [...new Map(members.map((m) => [m.identity, m])).values()]
}

function disambiguate (group: NamedMember[]): Map<string, string> {
  const prints = group.map((m) => fingerprintOf(m.identity))
  // 4, 9, 14 then 19 characters: whole groups of the fingerprint as it is written.
  let length = 4
  while (length < 19 && new Set(prints.map((p) => p.slice(0, length))).size < group.length) length += 5
  return new Map(group.map((m, i) => [m.identity, `${sanitizeName(m.name)} (${prints[i].slice(0, length)})`]))
}
