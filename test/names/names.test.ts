/**
 * Names: folding, display names for namesakes, mentions (the table of how people type
 * them), member lookup, and what a room remembers about keys. All pure: no store.
 */
import t from 'tap'
import { createHash, randomBytes } from 'node:crypto'
import { acceptKey, displayNames, findMentions, fingerprintOf, isVerified, keyChanged, knownNamesIn, matchMembers, MAX_MENTIONS_SCANNED, mentionMatcher, mentionsMe, normalizeName, rememberNames, setVerified, verifiedIn } from '../../src/names/index.js'
import { shortFingerprint } from '../../src/identity/index.js'

/** A random identity (hex public key). */
const id = (): string => randomBytes(32).toString('hex')

/** An identity whose fingerprint starts with `prefix` (found by trying keys: 16 bits take ~65k tries). */
function idWithPrint (prefix: string): string {
  for (;;) {
    const key = randomBytes(32)
    if (createHash('sha256').update(key).digest('hex').startsWith(prefix)) return key.toString('hex')
  }
}

const moussa = { identity: id(), name: 'Moussa' }
const moussa2 = { identity: id(), name: 'moussà' }
const awa = { identity: id(), name: 'Awa' }
const awaDiop = { identity: id(), name: 'Awa Diop' }
const ndiaye = { identity: id(), name: 'N\'Diaye' }
const zoe = { identity: id(), name: 'Zoé ☀' }
const print = (m: { identity: string }): string => fingerprintOf(m.identity).replace(/-/g, '')

t.test('normalizeName: table of cases', async (t) => {
  const cases: Array<[string, string, string]> = [
    // [what, name, folded]
    ['lower case', 'MOUSSA', 'moussa'],
    ['accents stripped', 'Moussà Zoé Ñandú', 'moussa zoe nandu'],
    ['trimmed, spaces collapsed', '  Awa \t Diop ', 'awa diop'],
    ['compatibility forms (fullwidth, ligature)', 'Ｍｏｕｓｓａ ﬁ', 'moussa fi'],
    ['zero-width and bidi characters removed', 'Mou\u200bss\u202ea', 'moussa'],
    ['dotted capital I', 'İbrahim', 'ibrahim'],
    ['not a string', undefined as unknown as string, '']
  ]
  for (const [what, name, folded] of cases) t.equal(normalizeName(name), folded, what)
})

t.test('displayNames: namesakes get their fingerprint, unique names stay', async (t) => {
  const names = displayNames([moussa, moussa2, awa, awaDiop])
  t.equal(names.get(awa.identity), 'Awa', 'a unique name is unchanged')
  t.equal(names.get(awaDiop.identity), 'Awa Diop', 'a name that only starts like another is unique too')
  t.equal(names.get(moussa.identity), `Moussa (${fingerprintOf(moussa.identity).slice(0, 4)})`, 'same folded name: first 4 hex of the fingerprint')
  t.equal(names.get(moussa2.identity), `moussà (${fingerprintOf(moussa2.identity).slice(0, 4)})`, 'each keeps their own spelling')
  t.equal(names.size, 4)
  t.equal(displayNames([awa, { ...awa, name: 'Awa B.' }]).get(awa.identity), 'Awa B.', 'one identity listed twice is one member (last name wins)')

  const a = idWithPrint('ab12')
  const b = idWithPrint('ab12')
  const forged = displayNames([{ identity: a, name: 'Moussa' }, { identity: b, name: 'Moussa' }])
  t.not(forged.get(a), forged.get(b), 'a forged key with the same first 4 hex still shows differently')
  t.match(forged.get(a), /^Moussa \(ab12-[0-9a-f]{4}\)$/, 'the fingerprint grows by a group until they differ')

  const hostile = displayNames([{ identity: id(), name: 'Evil\x1b[2J\x1b]0;pwned\x07\u202e' }])
  t.notMatch([...hostile.values()].join(''), /[\x00-\x1f\x7f-\x9f\u202e]/, 'names are sanitised')
})

t.test('findMentions: table of how people type them', async (t) => {
  const members = [moussa, awa, awaDiop, ndiaye, zoe, { identity: id(), name: 'J.-P.' }]
  const cases: Array<[string, string, string[]]> = [
    // [what, text, identities mentioned]
    ['plain', 'salut @Moussa', [moussa.identity]],
    ['lower case', '@moussa ça va', [moussa.identity]],
    ['upper case', '@MOUSSA', [moussa.identity]],
    ['with an accent', '@Moussà', [moussa.identity]],
    ['comma after', '@Moussa, tu viens ?', [moussa.identity]],
    ['exclamation after', 'merci @Moussa!', [moussa.identity]],
    ['full stop after', 'vu par @Moussa.', [moussa.identity]],
    ['colon after', '@Moussa: oui', [moussa.identity]],
    ['possessive', '@Moussa\'s laptop', [moussa.identity]],
    ['in parentheses', '(@Moussa)', [moussa.identity]],
    ['a prefix is not a mention', '@Mouss', []],
    ['glued to another @', '@Mouss@', []],
    ['a whole name glued to another @', '@Moussa@', []],
    ['a longer word is not the name', '@Moussamoussa', []],
    ['an e-mail address is not a mention', 'moussa@example.org awa@Moussa', []],
    ['no @, no mention', 'Moussa', []],
    ['two mentions', '@Awa et @Moussa', [awa.identity, moussa.identity]],
    ['the same one twice counts once', '@Awa @awa', [awa.identity]],
    ['a name with a space, typed as is: the longest wins', '@Awa Diop, bonjour', [awaDiop.identity]],
    ['a name with a space, typed with _', '@awa_diop', [awaDiop.identity]],
    ['the shorter name when the longer does not fit', '@Awa Diopette', [awa.identity]],
    ['an apostrophe inside a name', '@N\'Diaye!', [ndiaye.identity]],
    ['a name with a symbol', 'bravo @Zoe ☀ !', [zoe.identity]],
    ['dots and dashes inside a name', '@J.-P. merci', [members[5].identity]],
    ['fullwidth @', '＠Moussa', [moussa.identity]],
    ['a lone @', '@ @@ @, @!', []]
  ]
  for (const [what, text, expected] of cases) t.same(findMentions(text, members).sort(), [...expected].sort(), `${what}: ${JSON.stringify(text)}`)
})

t.test('findMentions: namesakes', async (t) => {
  const members = [moussa, moussa2, awa]
  const a = print(moussa).slice(0, 4)
  const b = print(moussa2).slice(0, 4)
  // A hex digit neither fingerprint starts with.
  const nobody = [...'0123456789abcdef'].find((c) => c !== a[0] && c !== b[0])
  const cases: Array<[string, string, string[]]> = [
    // [what, text, identities mentioned]
    ['a plain ambiguous name mentions both', '@Moussa', [moussa.identity, moussa2.identity]],
    ['#fingerprint picks one', `@Moussa#${a}`, [moussa.identity]],
    ['#fingerprint picks the other, any case and accent', `@MOUSSÀ#${b}, oui`, [moussa2.identity]],
    ['#fingerprint with dashes', `@moussa#${fingerprintOf(moussa2.identity).slice(0, 9)}`, [moussa2.identity]],
    ['a fingerprint of nobody mentions nobody', `@Moussa#${nobody}${nobody}`, []],
    ['# without hex is not a mention', '@Moussa#general', []],
    ['# with one hex digit is too short', `@Moussa#${a[0]}`, []]
  ]
  for (const [what, text, expected] of cases) t.same(findMentions(text, members).sort(), [...expected].sort(), `${what}: ${JSON.stringify(text)}`)
  t.ok(mentionsMe('@moussa', members, moussa2.identity), 'mentionsMe: an ambiguous mention is mine too')
  t.notOk(mentionsMe(`@Moussa#${a}`, members, moussa2.identity), 'mentionsMe: not when it picks the other one')
  t.notOk(mentionsMe('@Awa', members, moussa.identity), 'mentionsMe: someone else')
})

t.test('mentions: hostile texts stay cheap and match nothing odd', async (t) => {
  const many = Array.from({ length: 2000 }, (_, i) => ({ identity: id(), name: `Moussa x${i}` }))
  const match = mentionMatcher([...many, moussa])
  const started = Date.now()
  t.same(match('@Moussa '.repeat(1000)), [moussa.identity], 'a thousand mentions of one name')
  t.same(match('@'.repeat(8000)), [], '8000 @ signs')
  t.same(match(`${'@x '.repeat(MAX_MENTIONS_SCANNED)}@Moussa`), [], 'only the first @ signs are looked at')
  t.ok(Date.now() - started < 2000, `fast even with 2000 names sharing a first word (${Date.now() - started} ms)`)
  t.same(findMentions('@Moussa\x1b[31m', [moussa]), [moussa.identity], 'an escape sequence after a name is not part of it')
  t.same(findMentions('@__proto__ @constructor', [moussa]), [], 'names that are object properties match nobody')
})

t.test('matchMembers: how a member is named in commands', async (t) => {
  const impostors = [{ identity: id(), name: fingerprintOf(awa.identity).slice(0, 9) }, { identity: id(), name: `Moussa#${print(moussa).slice(0, 4)}` }]
  const members = [moussa, moussa2, awa, awaDiop, ...impostors]
  const cases: Array<[string, string, string[]]> = [
    // [what, query, identities]
    ['exact name', 'Awa', [awa.identity]],
    ['folded name', 'awa diop', [awaDiop.identity]],
    ['underscore for the space', 'Awa_Diop', [awaDiop.identity]],
    ['folded namesakes are ambiguous, whatever the spelling', 'moussà', [moussa.identity, moussa2.identity]],
    ['in any case', 'MOUSSA', [moussa.identity, moussa2.identity]],
    ['name#fingerprint', `moussa#${print(moussa2).slice(0, 4)}`, [moussa2.identity]],
    ['name (fingerprint) as displayNames writes it', `Moussa (${fingerprintOf(moussa.identity).slice(0, 9)})`, [moussa.identity]],
    ['fingerprint prefix', fingerprintOf(awa.identity).slice(0, 9), [awa.identity]],
    ['fingerprint prefix without dashes', print(awa).slice(0, 8), [awa.identity]],
    ['a fingerprint prefix under 4 hex is not enough', print(awa).slice(0, 3), []],
    ['nobody', 'Zoé', []],
    ['a name that looks like a fingerprint does not catch it', fingerprintOf(awa.identity).slice(0, 9), [awa.identity]],
    ['nor does a name with a fingerprint in it', `Moussa#${print(moussa).slice(0, 4)}`, [moussa.identity]],
    ['empty', ' ', []]
  ]
  for (const [what, query, expected] of cases) t.same(matchMembers(members, query).map((m) => m.identity).sort(), [...expected].sort(), what)
})

t.test('trust: verified list, first-seen names and key changes', async (t) => {
  const room = { settings: {} as Record<string, unknown> }
  t.same(verifiedIn(room), [])
  t.ok(setVerified(room, awa.identity, true), 'marking changes the settings')
  t.notOk(setVerified(room, awa.identity, true), 'marking twice does not')
  t.ok(isVerified(room, awa.identity))
  t.ok(setVerified(room, awa.identity, false))
  t.notOk(isVerified(room, awa.identity), 'undone')
  room.settings.verified = ['junk', 42, awa.identity]
  t.same(verifiedIn(room), [awa.identity], 'junk in rooms.json is ignored')

  t.ok(rememberNames(room, [moussa, awa]), 'new names are remembered')
  t.notOk(rememberNames(room, [moussa, awa]), 'and only once')
  t.notOk(keyChanged(room, 'Moussa', moussa.identity), 'same name, same key')
  t.ok(keyChanged(room, 'moussà', moussa2.identity), 'same folded name, another key: flagged')
  t.notOk(rememberNames(room, [moussa2]), 'the first key stays the one remembered')
  t.ok(keyChanged(room, 'MOUSSA', moussa2.identity), 'still flagged')
  t.notOk(keyChanged(room, 'Zoé', zoe.identity), 'a name never seen is not flagged')
  t.ok(acceptKey(room, 'Moussa', moussa2.identity), 'accepting the new key (words checked)')
  t.notOk(keyChanged(room, 'Moussa', moussa2.identity), 'no longer flagged')
  t.ok(keyChanged(room, 'Moussa', moussa.identity), 'the old key now is')

  const hostile = { settings: {} as Record<string, unknown> }
  t.ok(rememberNames(hostile, [{ identity: awa.identity, name: '__proto__' }, { identity: moussa.identity, name: 'constructor' }]))
  const saved = JSON.parse(JSON.stringify(hostile.settings)) as Record<string, unknown>
  t.equal(Object.getPrototypeOf(hostile.settings.knownNames), Object.prototype, 'the prototype is untouched')
  t.same(knownNamesIn({ settings: saved }), new Map([['__proto__', awa.identity], ['constructor', moussa.identity]]), '"__proto__" is stored as a name and read back after JSON')
  t.ok(keyChanged({ settings: saved }, '__proto__', moussa.identity))
  t.equal(shortFingerprint(Buffer.from(awa.identity, 'hex')), fingerprintOf(awa.identity), 'fingerprintOf is the identity\'s short fingerprint')
})
