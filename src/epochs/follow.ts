/**
 * Following and making key rotations (protocol.md §20). `followEpoch` reads the rotations
 * the moderation verdict counts, opens our boxes, walks the chain (chain.ts) and moves the
 * room to the epoch it ends on: the one code path every node, the moderator who rotated
 * included, takes. `rekeyRoom` writes a rotation. Everything else (documents, private
 * messages, drills, bundles, relay codes, phone links) derives its keys from the room's
 * current secret, so it follows the room without knowing about epochs.
 */
import { DmKeys } from '../dm/keys.js'
import { fail } from '../errors/index.js'
import type { MemberLog } from '../log/member-log.js'
import { MAX_REKEY_PARTS, REKEY_BOXES_PER_RECORD, type RekeyRecord } from '../log/records.js'
import type { ModEntry } from '../moderation/moderation.js'
import { newRoomSecret, type Room } from '../room/index.js'
import type { Tamtam } from '../tamtam.js'
import { walkChain, type ChainEnd, type Rotation } from './chain.js'
import { openRekey, sealRekey } from './seal.js'

/** Where a room stands: its epoch, and whether a rotation left this home out. */
export interface EpochStatus {
  epoch: number
  id: string
  /** A counted rotation leaves the current epoch without a box for us: we read nothing after it. */
  outOfDate: { by: string, ts: number } | null
}

/** Opened boxes, per record (core.seq): a rotation's parts are read and tried once. */
const opened = new WeakMap<Tamtam, Map<string, Buffer | null>>()
/** Our box keys per node, kept between walks: the shared key with each moderator costs 3.4 ms. */
const boxKeys = new WeakMap<Tamtam, DmKeys>()

async function keysOf (tt: Tamtam): Promise<DmKeys> {
  const identity = await tt.identity()
  let keys = boxKeys.get(tt)
  if (keys?.me !== identity.publicKey.toString('hex')) boxKeys.set(tt, keys = new DmKeys(identity))
  return keys
}

/** The rotations counted in `room`, with our secret where a box opened. */
async function rotations (tt: Tamtam, room: Room): Promise<Rotation[]> {
  const state = await tt.moderation(room)
  if (state.rekeys.length === 0) return []
  const epochOf = new Map<string, { log: MemberLog, epoch: Room }>()
  for (const epoch of [...room.past, room]) for (const log of (await tt.logs(epoch)).list()) epochOf.set(log.key, { log, epoch })
  const keys = await keysOf(tt)
  let cache = opened.get(tt)
  if (cache === undefined) opened.set(tt, cache = new Map())
  // One rotation is its parts from one log with the same next epoch; part 0 places it.
  const groups = new Map<string, ModEntry[]>()
  for (const e of state.rekeys) {
    const key = `${e.core}/${e.target.split('/')[0]}`
    groups.set(key, [...(groups.get(key) ?? []), e])
  }
  const out: Rotation[] = []
  for (const parts of groups.values()) {
    const [next, , total] = parts[0].target.split('/')
    const where = epochOf.get(parts[0].core)
    if (where === undefined) continue
    const seen = new Set(parts.map((p) => Number(p.target.split('/')[1])))
    const first = parts.find((p) => p.target.split('/')[1] === '0') ?? parts[0]
    let secret: Buffer | null = null
    for (const p of parts) {
      const id = `${p.core}.${p.seq}`
      if (!cache.has(id)) {
        const entry = await where.log.readHere(p.seq)
        const record = entry?.record as RekeyRecord | undefined
        cache.set(id, record?.type === 'rekey' && record.next === next ? openRekey(keys.sharedWith(p.author), where.epoch.keys.id, record) : null)
      }
      secret ??= cache.get(id) ?? null
    }
    out.push({ from: where.epoch.id, next, ts: first.ts, core: first.core, seq: first.seq, author: first.author, complete: seen.size === Number(total), secret })
  }
  return out
}

/** Where the chain of `room` ends, from the logs held here. */
export async function chainEnd (tt: Tamtam, room: Room): Promise<ChainEnd> {
  return (await walk(tt, room)).end
}

async function walk (tt: Tamtam, room: Room): Promise<{ end: ChainEnd, all: Rotation[] }> {
  const root = tt.rooms.rootOf(room)
  const all = await rotations(tt, room)
  return { end: walkChain(root.id, all), all }
}

/**
 * Move `room` to the epoch its chain ends on, if that is not the current one. Returns the
 * room's status after. Safe to call often: it reads only records not read before.
 */
export async function followEpoch (tt: Tamtam, room: Room): Promise<EpochStatus> {
  // One walk per room at a time: the node's runner and a command (rekeyRoom) may both ask.
  const before = following.get(room) ?? Promise.resolve()
  const run = before.catch(() => {}).then(async () => await followOnce(tt, room))
  following.set(room, run)
  return await run
}

/** The walk in progress per room, so walks run one after another. */
const following = new WeakMap<Room, Promise<EpochStatus>>()

async function followOnce (tt: Tamtam, room: Room): Promise<EpochStatus> {
  const { end, all } = await walk(tt, room)
  // Never back to an earlier epoch we hold: a walk that ends there is missing records (logs
  // still opening or being indexed after a restart), not a verdict. Measured in namespaces:
  // a restarted node went back to the first epoch for a moment and wrote there.
  const backwards = end.depth < room.epoch && room.past.some((p) => p.id === end.id)
  if (end.id !== room.id && !backwards) {
    const secret = end.secret ?? (room.past.find((p) => p.id === end.id)?.secret)
    if (secret !== undefined) await tt.switchEpoch(room, secret, end.depth)
  }
  // A concurrent rotation that lost still holds what its side wrote before the partition
  // healed: we hold its key too (it was sealed to us), so it joins the past epochs. Only one
  // that leaves an epoch the walk passed and leads off it: never one still ahead of us.
  for (const r of all) {
    const from = end.path.indexOf(r.from)
    if (r.secret !== null && from >= 0 && from < end.path.length - 1 && !end.path.includes(r.next)) await tt.addPastEpoch(room, r.secret, from + 1)
  }
  const left = end.id === room.id ? end.leftOut : null
  return { epoch: room.epoch, id: room.id, outOfDate: left === null ? null : { by: left.author, ts: left.ts } }
}

/** What a rotation did, for the command's output. */
export interface RekeyResult {
  epoch: number
  id: string
  recipients: number
  records: number
  removed: string[]
  /** Another moderator's rotation came first (chain.ts): the room follows theirs, not ours. */
  superseded: boolean
}

/**
 * Rotate the room's key (moderators only): a fresh secret sealed to every member bound in
 * any epoch except the removed ones, written as rekey records in our log of the current
 * epoch; then follow the chain like every other member does. The new secret commits to us
 * (newRoomSecret), so a member who joins by a new invite and holds no earlier epoch sees
 * us as the room's first moderator; our first records there name the other moderators again
 * and the room's expiry, so their view matches everyone's.
 */
export async function rekeyRoom (tt: Tamtam, room: Room, opts: { removed?: string[] } = {}): Promise<RekeyResult> {
  const identity = await tt.identity()
  const me = identity.publicKey.toString('hex')
  const state = await tt.moderation(room)
  if (!state.moderators.has(me)) throw fail('NOT_MODERATOR', state.creator === null ? 'this room was made before moderation existed: it has no moderators' : `only a moderator of ${room.name} can change its keys`)
  const removed = new Set([...state.removed, ...(opts.removed ?? [])])
  const recipients = new Set<string>([me])
  for (const log of await tt.allLogs(room)) {
    const author = await log.verifyBinding()
    if (author !== null && !removed.has(author.identity)) recipients.add(author.identity)
  }
  if (recipients.size > MAX_REKEY_PARTS * REKEY_BOXES_PER_RECORD) throw fail('REKEY_TOO_MANY', `${recipients.size} members`)
  const secret = newRoomSecret(identity.publicKey)
  const records = sealRekey(new DmKeys(identity), room.keys.id, secret, [...recipients], opts.removed ?? [])
  await tt.write(async () => { await (await tt.logs(room)).own.append(records, tt.clock()) })
  await followEpoch(tt, room)
  const result = { epoch: room.epoch, id: room.id, recipients: recipients.size, records: records.length, removed: opts.removed ?? [] }
  if (room.id !== records[0].next) return { ...result, superseded: true }
  const carried = [...state.moderators].filter((m) => m !== me).map((target) => ({ type: 'mod' as const, action: 'add-mod' as const, target }))
  const expiry = state.expiry === null ? [] : [{ type: 'room-setting' as const, expire: state.expiry.seconds }]
  if (carried.length + expiry.length > 0) await tt.write(async () => { await (await tt.logs(room)).own.append([...carried, ...expiry], tt.clock()) })
  return { ...result, superseded: false }
}
