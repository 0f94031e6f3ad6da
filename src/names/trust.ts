/**
 * What this computer knows about members' keys, kept in a room's local settings:
 *
 * - `settings.verified`: identities (hex public keys) whose six fingerprint words were
 *   compared aloud and matched (`tamtam verify ROOM NAME --yes`);
 * - `settings.knownNames`: folded name (normalizeName) → the identity first seen with it,
 *   so a name that later shows up with another key is flagged: it may be someone else
 *   borrowing the name, or the same person on a new install; only the words can tell.
 *
 * These functions read and change `room.settings` only; the caller saves the rooms
 * (`tt.rooms.save()`) when they report a change.
 */
import { normalizeName } from './normalize.js'

/** Anything with per-room settings (a Room). */
export interface HasSettings { settings: Record<string, unknown> }

/** Names remembered per room at most; past this, new names are not remembered (a flood of nicknames). */
export const MAX_KNOWN_NAMES = 5000

const IDENTITY = /^[0-9a-f]{64}$/

/** The verified identities of a room. */
export function verifiedIn (room: HasSettings): string[] {
  const list = room.settings.verified
  return Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string' && IDENTITY.test(v)) : []
}

/** Whether `identity` is verified in this room. */
export function isVerified (room: HasSettings, identity: string): boolean {
  return verifiedIn(room).includes(identity)
}

/** Mark or unmark `identity` as verified; returns whether anything changed. */
export function setVerified (room: HasSettings, identity: string, on: boolean): boolean {
  const list = verifiedIn(room)
  if (list.includes(identity) === on) return false
  room.settings.verified = on ? [...list, identity] : list.filter((v) => v !== identity)
  return true
}

/** The remembered names of a room: folded name → identity first seen with it. */
export function knownNamesIn (room: HasSettings): Map<string, string> {
  const raw = room.settings.knownNames
  const out = new Map<string, string>()
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return out
  // Own keys only: a name such as "__proto__" or "constructor" is data, not an inherited property.
  for (const [name, identity] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof identity === 'string' && IDENTITY.test(identity)) out.set(name, identity)
  }
  return out
}

/** Whether `name` was first seen here with another key than `identity`. */
export function keyChanged (room: HasSettings, name: string, identity: string): boolean {
  const first = knownNamesIn(room).get(normalizeName(name))
  return first !== undefined && first !== identity
}

/** Remember the names not seen before, with their identity; returns whether anything changed. */
export function rememberNames (room: HasSettings, members: Array<{ identity: string, name: string }>): boolean {
  const known = knownNamesIn(room)
  let changed = false
  for (const m of members) {
    const name = normalizeName(m.name)
    if (name === '' || known.has(name) || known.size >= MAX_KNOWN_NAMES || !IDENTITY.test(m.identity)) continue
    known.set(name, m.identity)
    changed = true
  }
  if (changed) writeKnown(room, known)
  return changed
}

/** Take `identity` as the key of `name` from now on (its words were checked); returns whether anything changed. */
export function acceptKey (room: HasSettings, name: string, identity: string): boolean {
  const known = knownNamesIn(room)
  const key = normalizeName(name)
  if (key === '' || known.get(key) === identity || !IDENTITY.test(identity)) return false
  known.set(key, identity)
  writeKnown(room, known)
  return true
}

function writeKnown (room: HasSettings, known: Map<string, string>): void {
  // defineProperty, not assignment: assigning "__proto__" would change the object's prototype.
  const out: Record<string, string> = {}
  for (const [name, identity] of known) Object.defineProperty(out, name, { value: identity, enumerable: true, writable: true, configurable: true })
  room.settings.knownNames = out
}
