/**
 * What this computer knows about members' keys, kept in a room's local settings
 * (src/room/settings.ts):
 *
 * - the verified identities, whose six fingerprint words were compared aloud and matched
 *   (`tamtam verify ROOM NAME --yes`);
 * - the known names: folded name (normalizeName) → the identity first seen with it, so a
 *   name that later shows up with another key is flagged: it may be someone else
 *   borrowing the name, or the same person on a new install; only the words can tell.
 *
 * These functions change the room in memory only; the caller saves the rooms
 * (`tt.rooms.save()`) when they report a change.
 */
import { knownNamesIn, setKnownNames, verifiedIn, type HasSettings } from '../room/settings.js'
import { normalizeName } from './normalize.js'

export { knownNamesIn, setVerified, verifiedIn, type HasSettings } from '../room/settings.js'

/** Names remembered per room at most; past this, new names are not remembered (a flood of nicknames). */
export const MAX_KNOWN_NAMES = 5000

const IDENTITY = /^[0-9a-f]{64}$/

/** Whether `identity` is verified in this room. */
export function isVerified (room: HasSettings, identity: string): boolean {
  return verifiedIn(room).includes(identity)
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
  if (changed) setKnownNames(room, known)
  return changed
}

/** Take `identity` as the key of `name` from now on (its words were checked); returns whether anything changed. */
export function acceptKey (room: HasSettings, name: string, identity: string): boolean {
  const known = knownNamesIn(room)
  const key = normalizeName(name)
  if (key === '' || known.get(key) === identity || !IDENTITY.test(identity)) return false
  known.set(key, identity)
  setKnownNames(room, known)
  return true
}
