/**
 * How far expiry (src/expiry) swept a member log: every block below the mark that is
 * missing was cleared on purpose (or never fetched because it had expired), so reads and
 * downloads skip it. Kept in the core's user data: local, never sent.
 */
import type { Hypercore } from 'hypercore'
import type { Room } from '../room/index.js'
import { readUserData, writeUserData } from './user-data.js'

/** Hypercore's bitfield of the blocks held here (not in our hand-written types). */
interface Bitfield { firstSet: (i: number) => number, firstUnset: (i: number) => number }
const bitfieldOf = (core: Hypercore): Bitfield | undefined => (core as unknown as { core?: { bitfield?: Bitfield } }).core?.bitfield

/** User-data key of the mark. */
export const EXPIRED_KEY = 'tamtam/expired/v1'

/** The stored mark of a core (0 when none or unreadable); sealed like all user data (user-data.ts). */
export async function loadExpiredTo (core: Hypercore, room: Room): Promise<number> {
  const raw = await readUserData(core, room, EXPIRED_KEY)
  const n = raw === null ? 0 : Number(raw.toString())
  return Number.isSafeInteger(n) && n > 0 ? n : 0
}

/** Store the mark of a core. */
export async function saveExpiredTo (core: Hypercore, room: Room, to: number): Promise<void> {
  await writeUserData(core, room, EXPIRED_KEY, String(to))
}

/** Record types expiry never clears: the binding, moderation, room settings and nicknames (protocol.md §13). */
export const KEPT_TYPES: ReadonlySet<string> = new Set(['binding', 'mod', 'room-setting', 'nick', 'rekey'])

/** The first block at or after `from` held here, or -1. */
export function nextHeld (core: Hypercore, from: number): number {
  const bitfield = bitfieldOf(core)
  if (bitfield === undefined) return from < core.length ? from : -1
  const at = bitfield.firstSet(from)
  return at === -1 || at >= core.length ? -1 : at
}

/**
 * How far a remote log reads without the network: its contiguous prefix, where a missing
 * block below `mark` counts as held (expiry cleared it on purpose).
 */
export function readablePast (core: Hypercore, mark: number): number {
  const contiguous = core.contiguousLength
  if (contiguous >= mark) return contiguous
  const gap = bitfieldOf(core)?.firstUnset(mark) ?? mark
  return Math.min(core.length, gap === -1 ? core.length : gap)
}

/** What takeBelowMark needs of a member log. */
interface MarkedLog { core: Hypercore, readHere: (seq: number) => Promise<{ record: { type: string } } | null>, indexLate: (seq: number) => Promise<void> }

/**
 * A block below the expiry mark arrived (a range in flight, a pushing peer): index it if it
 * is a kept record (a late joiner's hole filling), else clear it while the room expires records.
 */
export async function takeBelowMark (log: MarkedLog, index: number, horizon: number | null): Promise<void> {
  const entry = await log.readHere(index)
  if (entry !== null && KEPT_TYPES.has(entry.record.type)) await log.indexLate(index)
  else if (horizon !== null) await (log.core as unknown as { clear: (s: number, e: number) => Promise<unknown> }).clear(index, index + 1).catch(() => {})
}
