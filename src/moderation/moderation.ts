/**
 * Room moderation, computed from the logs alone so every peer reaches the same verdict.
 * The room's creator (the identity its secret commits to, see isRoomCreator) is the first
 * moderator; moderators name and revoke others, hide and unhide messages, and remove and
 * restore members, each with a `mod` record in their own log. Records are applied in one
 * total order, (ts, core, seq), with each log's ts clamped so it never goes backwards;
 * a record counts only if its author is a moderator at that point in the order.
 */
import type { MemberLog } from '../log/member-log.js'
import { modsPastPrefix } from '../log/tail-peek.js'
import { isRoomCreator, rootEpoch, type Room } from '../room/index.js'
import { messageId } from '../timeline/index.js'
import { chooseExpiry, EXPIRE_ACTION, REKEY_ACTION, type RoomExpiry } from './room-settings.js'

/** One moderation record, with where it sits in the order. */
export interface ModEntry {
  ts: number
  core: string
  seq: number
  id: string
  author: string
  action: string
  target: string
  /** On revoke-mod: the revoked moderator's log and its length as the revoker saw it. */
  cutoff?: { core: string, length: number }
}

/** The moderation verdict of a room. */
export interface ModState {
  /** Identity of the creator, or null for rooms made before creators were recorded. */
  creator: string | null
  /** Current moderators (identity hex), the creator included. */
  moderators: Set<string>
  /** Hidden message ids. */
  hidden: Set<string>
  /** Removed members (identity hex): all their records are hidden. */
  removed: Set<string>
  /** Every record that took effect, in order (for `mod log`). */
  applied: ModEntry[]
  /** Records ignored because their author was not a moderator then. */
  ignored: ModEntry[]
  /** The room's message expiry (room-settings.ts), or null when no moderator set one. */
  expiry: RoomExpiry | null
  /** Rekey records written by a moderator at their point in the order (src/epochs picks among them). */
  rekeys: ModEntry[]
}

/**
 * A room's moderation, from each log's index (MemberLog.modRecords): no block is read twice.
 * It runs over the logs of every epoch (src/epochs), so moderators, removals and settings
 * carry over a key rotation; the creator is the one the first epoch's secret commits to.
 */
export class ModScan {
  private readonly logs: () => Promise<MemberLog[]>
  private readonly room: Room
  private creator: string | null = null

  constructor (logs: () => Promise<MemberLog[]>, room: Room) {
    this.logs = logs
    this.room = room
  }

  /** The current verdict. */
  async state (): Promise<ModState> {
    const entries: ModEntry[] = []
    for (const log of await this.logs()) entries.push(...await this.entriesOf(log))
    return decide(this.creator, entries)
  }

  private async entriesOf (log: MemberLog): Promise<ModEntry[]> {
    const author = await log.verifyBinding()
    if (author === null) return []
    const root = rootEpoch(this.room).secret
    if (this.creator === null && isRoomCreator(root, Buffer.from(author.identity, 'hex'))) this.creator = author.identity
    // A late joiner's log has a hole where expired blocks were: its setting may lie past it (tail-peek.ts).
    const mods = [...await log.modRecords(), ...await modsPastPrefix(log)]
    return mods.map((m) => ({ ...m, core: log.key, id: messageId(log.key, m.seq), author: author.identity }))
  }
}

/**
 * Apply mod records in (ts, core, seq) order. Pure: the same entries give the same verdict.
 * A revocation carries the revoked moderator's log length as the revoker saw it; records
 * at or past it never count, even if backdated to before the revocation. Cutoffs can
 * change which revocations apply, so this repeats until nothing changes (bounded).
 */
export function decide (creator: string | null, all: ModEntry[]): ModState {
  const entries = all.filter((e) => e.action !== EXPIRE_ACTION)
  let cut = new Map<string, number>()
  let state = pass(creator, entries, cut)
  for (let i = 0; i < 8; i++) {
    const next = new Map<string, number>()
    for (const e of state.applied) if (e.action === 'revoke-mod' && e.cutoff !== undefined) next.set(e.cutoff.core, Math.min(next.get(e.cutoff.core) ?? Infinity, e.cutoff.length))
    if (sameCuts(next, cut)) break
    cut = next
    state = pass(creator, entries, cut)
  }
  state.expiry = chooseExpiry(all, state.moderators, cut)
  state.rekeys = state.applied.filter((e) => e.action === REKEY_ACTION)
  return state
}

function sameCuts (a: Map<string, number>, b: Map<string, number>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v)
}

function pass (creator: string | null, entries: ModEntry[], cut: Map<string, number>): ModState {
  const state: ModState = { creator, moderators: new Set(creator === null ? [] : [creator]), hidden: new Set(), removed: new Set(), applied: [], ignored: [], expiry: null, rekeys: [] }
  const ordered = [...entries].sort((a, b) => a.ts - b.ts || (a.core < b.core ? -1 : a.core > b.core ? 1 : 0) || a.seq - b.seq)
  for (const e of ordered) {
    if (e.seq >= (cut.get(e.core) ?? Infinity) || !state.moderators.has(e.author) || !apply(state, e)) {
      state.ignored.push(e)
      continue
    }
    state.applied.push(e)
  }
  return state
}

/** Apply one record from a current moderator; false when it is meaningless. */
function apply (state: ModState, e: ModEntry): boolean {
  const isIdentity = /^[0-9a-f]{64}$/.test(e.target)
  switch (e.action) {
    case 'hide': state.hidden.add(e.target); return true
    case 'unhide': return state.hidden.delete(e.target)
    // The creator can be neither removed nor revoked: someone must be able to undo abuse.
    case 'remove': if (!isIdentity || e.target === state.creator) return false; state.removed.add(e.target); return true
    case 'restore': return state.removed.delete(e.target)
    case 'add-mod': if (!isIdentity) return false; state.moderators.add(e.target); return true
    case 'revoke-mod': if (e.target === state.creator) return false; return state.moderators.delete(e.target)
    // A key rotation changes no verdict: it counts (state.rekeys) when its author may rotate here.
    case REKEY_ACTION: return true
    default: return false
  }
}
