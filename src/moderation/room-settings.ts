/**
 * Room settings moderators sign (protocol.md §13, "Room settings"): today only `expire`,
 * how long records are kept. A setting counts only if its author is a moderator in the
 * room's current verdict and the record sits before any revocation cutoff of their log;
 * of those, the latest by (ts, core, seq) wins. ts is the index's clamped ts, so a log
 * cannot reorder its own records. Every peer holding the same logs picks the same value.
 */
/** A setting record as the moderation scan lists it (a SettingEntry of moderation.ts). */
export interface SettingEntry { ts: number, core: string, seq: number, id: string, author: string, action: string, target: string }

/** The action name room-setting records get in the moderation index (log-index.ts). */
export const EXPIRE_ACTION = 'expire'
/** The action name rekey records get in the moderation index: target `NEXT_ID/PART/PARTS` (src/epochs). */
export const REKEY_ACTION = 'rekey'

/** The room's expiry: seconds records are kept (0: forever), and the record that set it. */
export interface RoomExpiry { seconds: number, by: string, ts: number, id: string }

/** Order of (ts, core, seq): the later of two settings wins. */
function later (a: SettingEntry, b: SettingEntry): boolean {
  return a.ts - b.ts > 0 || (a.ts === b.ts && (a.core > b.core || (a.core === b.core && a.seq > b.seq)))
}

/**
 * The room's expiry from its setting entries. Pure. `moderators` are the current ones;
 * `cut` maps a revoked moderator's log to the length past which nothing of it counts.
 */
export function chooseExpiry (entries: SettingEntry[], moderators: Set<string>, cut: Map<string, number>): RoomExpiry | null {
  let best: SettingEntry | null = null
  for (const e of entries) {
    if (e.action !== EXPIRE_ACTION || !moderators.has(e.author) || e.seq >= (cut.get(e.core) ?? Infinity)) continue
    if (!/^\d{1,9}$/.test(e.target)) continue
    if (best === null || later(e, best)) best = e
  }
  return best === null ? null : { seconds: Number(best.target), by: best.author, ts: best.ts, id: best.id }
}

/** The horizon: records placed before it are expired (ms), or null when the room keeps everything. */
export function horizonOf (expiry: RoomExpiry | null, now: number): number | null {
  return expiry === null || expiry.seconds === 0 ? null : now - expiry.seconds * 1000
}
