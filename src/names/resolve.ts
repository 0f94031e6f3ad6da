/**
 * Finding the member someone typed: a fingerprint prefix (`ab12-cd34`, `ab12cd34`, at
 * least 4 hex digits), a name with a fingerprint to pick between namesakes (`Moussa#ab12`,
 * or `Moussa (ab12)` as displayNames writes it), or a nickname in any case and accents
 * (`Moussa`, `moussa`), with `_` for spaces (`Awa_Diop`).
 */
import { fingerprintOf, type NamedMember } from './display.js'
import { normalizeName } from './normalize.js'

const WITH_PRINT = /^(.*?)\s*(?:#|\()\s*([0-9a-f][0-9a-f-]{1,18})\)?$/i
const PRINT = /^[0-9a-f][0-9a-f-]{3,18}$/i

/**
 * The members `query` can mean. Fingerprints come first: a peer chooses its name freely,
 * so someone named "8f25-b13d" or "Moussa#8f25" must not catch a query meant for the
 * member with that fingerprint. Then the name, folded: "Moussa" also means "moussà", as
 * in mentions, so namesakes always need their fingerprint. Several results mean the
 * query is ambiguous.
 */
export function matchMembers<M extends NamedMember> (members: M[], query: string): M[] {
  const q = String(query ?? '').trim()
  if (q === '') return []
  for (const tier of [byPrint, byNameAndPrint, byName]) {
    const found = tier(members, q)
    if (found.length > 0) return found
  }
  return []
}

const hex = (m: NamedMember): string => fingerprintOf(m.identity).replace(/-/g, '')
const folded = (name: string): string => normalizeName(name).replace(/_/g, ' ')
const sameName = (m: NamedMember, name: string): boolean => normalizeName(m.name) === normalizeName(name) || normalizeName(m.name) === folded(name)

function byPrint<M extends NamedMember> (members: M[], q: string): M[] {
  const prefix = q.toLowerCase().replace(/-/g, '')
  return PRINT.test(q) && prefix.length >= 4 ? members.filter((m) => hex(m).startsWith(prefix)) : []
}

function byNameAndPrint<M extends NamedMember> (members: M[], q: string): M[] {
  const parts = WITH_PRINT.exec(q)
  if (parts === null || parts[1] === '') return []
  const prefix = parts[2].toLowerCase().replace(/-/g, '')
  return members.filter((m) => sameName(m, parts[1]) && hex(m).startsWith(prefix))
}

function byName<M extends NamedMember> (members: M[], q: string): M[] {
  return members.filter((m) => sameName(m, q))
}
