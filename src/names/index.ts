/**
 * Names: how members are told apart, mentioned and trusted. Pure functions over member
 * lists and room settings; no store, no network, no terminal.
 */
export { foldText, normalizeName } from './normalize.js'
export { displayNames, fingerprintOf, type NamedMember } from './display.js'
export { findMentions, mentionMatcher, mentionsMe, MAX_MENTIONS_SCANNED, type MentionMatcher } from './mentions.js'
export { matchMembers } from './resolve.js'
export { acceptKey, isVerified, keyChanged, knownNamesIn, MAX_KNOWN_NAMES, rememberNames, setVerified, verifiedIn, type HasSettings } from './trust.js'
