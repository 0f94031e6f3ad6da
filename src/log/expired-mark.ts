/**
 * How far expiry (src/expiry) swept a member log: every block below the mark that is
 * missing was cleared on purpose (or never fetched because it had expired), so reads and
 * downloads skip it. Kept in the core's user data: local, never sent.
 */
import type { Hypercore } from 'hypercore'

/** User-data key of the mark. */
export const EXPIRED_KEY = 'tamtam/expired/v1'

/** The stored mark of a core (0 when none or unreadable). */
export async function loadExpiredTo (core: Hypercore): Promise<number> {
  const raw = await core.getUserData(EXPIRED_KEY)
  const n = raw === null ? 0 : Number(raw.toString())
  return Number.isSafeInteger(n) && n > 0 ? n : 0
}

/** Store the mark of a core. */
export async function saveExpiredTo (core: Hypercore, to: number): Promise<void> {
  await core.setUserData(EXPIRED_KEY, String(to))
}

/** Record types expiry never clears: the binding, moderation, room settings and nicknames (protocol.md §13). */
export const KEPT_TYPES: ReadonlySet<string> = new Set(['binding', 'mod', 'room-setting', 'nick'])
