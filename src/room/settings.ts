/**
 * A room's local settings, as rooms.json keeps them: choices made on this computer only,
 * never sent to peers. Every feature reads and changes them through these functions, never
 * through the stored object, because rooms.json is a file a person (or an older or newer
 * tamtam) may have edited: each getter checks what it reads and falls back to the default.
 *
 * Setters change the room in memory and return whether anything changed; the caller saves
 * through the registry (`tt.rooms.save()`), so several changes cost one write.
 *
 * | key | what | default |
 * |---|---|---|
 * | `drillAck` | acknowledge drill probes (false turns it off) | on |
 * | `bell` | ring the terminal bell on a mention (TUI) | off |
 * | `muted` | identities whose messages are hidden here | none |
 * | `verified` | identities whose six words were compared aloud (src/names/trust) | none |
 * | `knownNames` | folded name → identity first seen with it (src/names/trust) | none |
 * | `documents` | document size limits over the defaults (src/documents/limits) | none |
 */

/** Anything with stored room settings (a Room). */
export interface HasSettings { settings: Record<string, unknown> }

/** The document limits a room may store, in bytes. */
export type DocumentLimitKey = 'maxFileBytes' | 'quotaBytes' | 'autoFetchBytes'

const IDENTITY = /^[0-9a-f]{64}$/
const LIMIT_KEYS: DocumentLimitKey[] = ['maxFileBytes', 'quotaBytes', 'autoFetchBytes']

const isSize = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

/** A stored list of identities, without anything that is not one. */
function identities (value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && IDENTITY.test(v)) : []
}

/** Add or remove `identity` in the list stored under `key`; returns whether anything changed. */
function toggle (room: HasSettings, key: 'muted' | 'verified', identity: string, on: boolean): boolean {
  const list = identities(room.settings[key])
  if (list.includes(identity) === on || !IDENTITY.test(identity)) return false
  room.settings[key] = on ? [...list, identity] : list.filter((v) => v !== identity)
  return true
}

/** Whether this home acknowledges drill probes in the room (on unless turned off). */
export function drillAckOn (room: HasSettings): boolean {
  return room.settings.drillAck !== false
}

/** Turn drill acknowledgements on or off; returns whether anything changed. */
export function setDrillAck (room: HasSettings, on: boolean): boolean {
  if (room.settings.drillAck === on) return false
  room.settings.drillAck = on
  return true
}

/** Whether the TUI rings the bell when someone mentions us in the room (off unless turned on). */
export function mentionBellOn (room: HasSettings): boolean {
  return room.settings.bell === true
}

/** Turn the mention bell on or off; returns whether anything changed. */
export function setMentionBell (room: HasSettings, on: boolean): boolean {
  if (mentionBellOn(room) === on) return false
  room.settings.bell = on
  return true
}

/** The identities muted in the room. */
export function mutedIn (room: HasSettings): string[] {
  return identities(room.settings.muted)
}

/** Mute or unmute `identity`; returns whether anything changed. */
export function setMuted (room: HasSettings, identity: string, on: boolean): boolean {
  return toggle(room, 'muted', identity, on)
}

/** The verified identities of the room. */
export function verifiedIn (room: HasSettings): string[] {
  return identities(room.settings.verified)
}

/** Mark or unmark `identity` as verified; returns whether anything changed. */
export function setVerified (room: HasSettings, identity: string, on: boolean): boolean {
  return toggle(room, 'verified', identity, on)
}

/** The remembered names of the room: folded name → identity first seen with it. */
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

/** Store the remembered names of the room (replacing them). */
export function setKnownNames (room: HasSettings, known: Map<string, string>): void {
  // defineProperty, not assignment: assigning "__proto__" would change the object's prototype.
  const out: Record<string, string> = {}
  for (const [name, identity] of known) Object.defineProperty(out, name, { value: identity, enumerable: true, writable: true, configurable: true })
  room.settings.knownNames = out
}

/** The document limits set for the room (valid sizes only; the rest is the defaults' to fill). */
export function documentLimitsIn (room: HasSettings): Partial<Record<DocumentLimitKey, number>> {
  const raw = room.settings.documents as Partial<Record<DocumentLimitKey, unknown>> | undefined
  const out: Partial<Record<DocumentLimitKey, number>> = {}
  for (const key of LIMIT_KEYS) if (isSize(raw?.[key])) out[key] = raw[key] as number
  return out
}

/** Store the document limits of the room (replacing them); sizes are checked by the caller. */
export function setDocumentLimits (room: HasSettings, limits: Record<DocumentLimitKey, number>): void {
  room.settings.documents = { maxFileBytes: limits.maxFileBytes, quotaBytes: limits.quotaBytes, autoFetchBytes: limits.autoFetchBytes }
}
