/**
 * The rooms this home belongs to, with their secrets and the member logs known so far.
 * Kept in rooms.json (mode 0600) because it holds secrets; written atomically.
 */
import { fail } from '../errors/index.js'
import { readJson, writeJsonPrivate } from '../home/index.js'
import { sanitizeName } from '../text/sanitize.js'
import { deriveRoomKeys, type RoomKeys } from './keys.js'

/** Version of the rooms.json format. */
export const ROOMS_FILE_VERSION = 1

/** One room as stored locally. */
export interface Room {
  /** Local name (unique in this home). */
  name: string
  secret: Buffer
  keys: RoomKeys
  /** Hex room id, the other way to name a room. */
  id: string
  createdAt: number
  /** Hex keys of the member logs known in this room (including our own). */
  members: string[]
  /** Choices made on this computer for this room: read and changed only through settings.ts. */
  settings: Record<string, unknown>
  /**
   * How many key rotations lead from the invite's secret to `secret` (src/epochs). 0 for a
   * room never rekeyed; `secret`, `keys`, `id` and `members` are always the current epoch's.
   */
  epoch: number
  /**
   * Earlier epochs this home was in, oldest first, each a Room of its own (its own secret,
   * id and member logs; `past` empty). Kept so their history stays readable and so members
   * who missed a rotation can still fetch it from us.
   */
  past: Room[]
}

/**
 * Most member logs a room may hold here. Member keys come from peers; without a cap one
 * hostile member could announce millions of keys and make everyone open millions of cores.
 */
/** See RoomRegistry.rootOf; a function too, for code that holds a Room but no registry. */
export function rootEpoch (room: Room): Room {
  return [...room.past, room].reduce((a, b) => b.epoch < a.epoch ? b : a)
}

export const MAX_ROOM_MEMBERS = 2000

/**
 * Member logs announced but not yet shown to be bound (block 0 not here, or not verified).
 * They do not count against MAX_ROOM_MEMBERS, are not announced to peers, and RoomLogs
 * closes them and removes them from rooms.json when no valid binding arrives within `timeoutMs`,
 * or within `unservedMs` when no connected peer serves the log at all (a made-up key).
 * At most `max` wait at once; keys past that are dropped (peers announce them again on
 * their next connection). Writable so tests can lower them.
 */
export const pendingMembers = { max: 2000, timeoutMs: 20_000, unservedMs: 4000 }

/** The registry that owns each loaded room, so RoomLogs can report verdicts to it. */
const owners = new WeakMap<Room, RoomRegistry>()

/**
 * A member log's binding verified: it now counts against MAX_ROOM_MEMBERS and is saved.
 * Returns false (and forgets the key) when the room already holds that many bound logs.
 */
export async function confirmMember (room: Room, key: string): Promise<boolean> {
  return await (owners.get(room)?.confirm(room, key) ?? Promise.resolve(true))
}

/** Mark a member log as unverified (e.g. read from rooms.json): it stops counting. */
export function markPending (room: Room, key: string): void {
  owners.get(room)?.markPending(room, key)
}

/** Forget a member log that never showed a valid binding (removed from rooms.json too). */
export async function forgetMember (room: Room, key: string): Promise<void> {
  await owners.get(room)?.forget(room, key)
}

/** Load, change and save the room list. Not safe across processes: one process owns a home. */
export class RoomRegistry {
  private readonly file: string
  private rooms: Room[] = []
  private loaded = false
  /** Saves run one after another, each writing the latest state, so none is lost. */
  private saving: Promise<void> = Promise.resolve()
  private queued: Promise<void> | null = null
  /** Per room id, the member keys not yet shown to be bound (see pendingMembers). */
  private readonly pending = new Map<string, Set<string>>()

  constructor (file: string) {
    this.file = file
  }

  /** Read rooms.json (idempotent). */
  async load (): Promise<void> {
    if (this.loaded) return
    let raw: { version?: number, rooms?: unknown[] } | undefined
    try {
      raw = await readJson(this.file) as typeof raw
    } catch (err) {
      throw fail('HOME_INVALID', `rooms.json cannot be read (${(err as Error).message})`, err)
    }
    if (raw !== undefined && raw.version !== ROOMS_FILE_VERSION) throw fail('HOME_INVALID', 'rooms.json has an unknown version')
    this.rooms = (raw?.rooms ?? []).map((r) => parseRoom(r))
    for (const room of this.rooms) for (const r of [room, ...room.past]) owners.set(r, this)
    this.loaded = true
  }

  /** Every room, in creation order. */
  list (): Room[] {
    return [...this.rooms]
  }

  /** Find a room by local name, full id or a unique id prefix (6+ hex chars). */
  resolve (nameOrId: string): Room {
    const query = String(nameOrId ?? '').trim()
    const byName = this.rooms.find((r) => r.name === query)
    if (byName !== undefined) return byName
    const lower = query.toLowerCase()
    if (/^[0-9a-f]{6,64}$/.test(lower)) {
      const matches = this.rooms.filter((r) => r.id.startsWith(lower))
      if (matches.length === 1) return matches[0]
      if (matches.length > 1) throw fail('ROOM_AMBIGUOUS', `"${query}" matches ${matches.length} rooms`)
    }
    throw fail('ROOM_NOT_FOUND', `no room "${sanitizeName(query)}"`)
  }

  /** Find a room by its current id bytes, or undefined (a past epoch's id finds nothing: see epochById). */
  byId (id: Buffer | string): Room | undefined {
    const hex = typeof id === 'string' ? id : id.toString('hex')
    return this.rooms.find((r) => r.id === hex)
  }

  /**
   * The first epoch this home holds of `room` (its chain starts there, src/epochs): the
   * lowest epoch number, the earliest kept on a tie. Not simply past[0]: an epoch kept from a
   * rotation that lost is appended to `past` whenever it is found.
   */
  rootOf (room: Room): Room {
    return rootEpoch(room)
  }

  /**
   * The room of any epoch by its id: a current room, or a past epoch (a Room of its own).
   * Replication serves a past epoch's logs only on connections that proved that epoch.
   */
  epochById (id: string): Room | undefined {
    return this.byId(id) ?? this.rooms.flatMap((r) => r.past).find((p) => p.id === id)
  }

  /** The current room an id of any of its epochs belongs to (what views show), or undefined. */
  currentOf (id: string): Room | undefined {
    return this.byId(id) ?? this.rooms.find((r) => r.past.some((p) => p.id === id))
  }

  /**
   * Keep an epoch this room did not choose (a concurrent rotation that lost, src/epochs) as
   * a past one, so what its members wrote there stays in the one timeline. False when the
   * room already holds it.
   */
  async addPastEpoch (room: Room, secret: Buffer, epoch: number): Promise<Room | null> {
    const keys = deriveRoomKeys(secret)
    const id = keys.id.toString('hex')
    if (room.id === id || room.past.some((p) => p.id === id)) return null
    const side: Room = { ...room, secret, keys, id, epoch, members: [], past: [] }
    owners.set(side, this)
    room.past.push(side)
    await this.save()
    return side
  }

  /**
   * Move a room to another epoch, in place so every holder of the Room sees the new keys:
   * the current epoch joins `past` and `secret` becomes current. When `secret` is a past
   * epoch's (convergence went back to a sibling), that one leaves `past`. Saved at once.
   */
  async switchEpoch (room: Room, secret: Buffer, epoch: number): Promise<Room> {
    const keys = deriveRoomKeys(secret)
    const id = keys.id.toString('hex')
    const leaving: Room = { ...room, past: [], members: [...room.members] }
    owners.set(leaving, this)
    const pastMembers = room.past.find((p) => p.id === id)?.members ?? []
    room.past = [...room.past.filter((p) => p.id !== id), leaving]
    this.pending.set(leaving.id, this.pendingOf(room))
    this.pending.delete(id)
    room.secret = secret
    room.keys = keys
    room.id = id
    room.epoch = epoch
    room.members = [...pastMembers]
    await this.save()
    return leaving
  }

  /** Add a room; fails on a duplicate name or secret. */
  async add (name: string, secret: Buffer, now = Date.now()): Promise<Room> {
    const clean = sanitizeName(name)
    if (clean.length === 0) throw fail('INVALID_NAME', 'a room needs a name')
    if (/^[0-9a-f]{6,64}$/.test(clean)) throw fail('INVALID_NAME', 'a room name cannot look like a room id (hex)')
    const keys = deriveRoomKeys(secret)
    const existing = this.currentOf(keys.id.toString('hex'))
    if (existing !== undefined) throw fail('ROOM_EXISTS', `you are already in this room, as "${existing.name}"`)
    if (this.rooms.some((r) => r.name === clean)) throw fail('ROOM_EXISTS', `a room named "${clean}" already exists`)
    const room: Room = { name: clean, secret, keys, id: keys.id.toString('hex'), createdAt: now, members: [], settings: {}, epoch: 0, past: [] }
    this.rooms.push(room)
    owners.set(room, this)
    await this.save()
    return room
  }

  /** Remove a room from the list (its logs stay in the store until pruned). */
  async remove (room: Room): Promise<void> {
    this.rooms = this.rooms.filter((r) => r.id !== room.id)
    await this.save()
  }

  /**
   * Record member log keys announced by a peer; returns the ones that were new. They are
   * pending until their binding verifies (confirmMember): only bound logs count against
   * MAX_ROOM_MEMBERS, so keys that never show a binding cannot fill the room.
   */
  async addMembers (room: Room, coreKeys: string[]): Promise<string[]> {
    const known = new Set(room.members)
    const pending = this.pendingOf(room)
    if (room.members.length - pending.size >= MAX_ROOM_MEMBERS) return []
    const fresh = [...new Set(coreKeys)].filter((k) => /^[0-9a-f]{64}$/.test(k) && !known.has(k)).slice(0, Math.max(0, pendingMembers.max - pending.size))
    if (fresh.length === 0) return []
    for (const key of fresh) pending.add(key)
    room.members.push(...fresh)
    // Written now so a bundle import or a restart finds them; pruned when unbound.
    await this.save()
    return fresh
  }

  /** Member keys of a room that are not yet shown to be bound. */
  pendingOf (room: Room): Set<string> {
    let set = this.pending.get(room.id)
    if (set === undefined) this.pending.set(room.id, set = new Set())
    return set
  }

  /** See the exported confirmMember. */
  async confirm (room: Room, key: string): Promise<boolean> {
    const pending = this.pendingOf(room)
    if (!pending.has(key) && room.members.includes(key)) return true
    pending.delete(key)
    const added = !room.members.includes(key)
    if (added) room.members.push(key)
    if (room.members.length - pending.size > MAX_ROOM_MEMBERS) {
      await this.forget(room, key)
      return false
    }
    if (added) await this.save()
    return true
  }

  /** See the exported markPending. */
  markPending (room: Room, key: string): void {
    if (!room.members.includes(key)) room.members.push(key)
    this.pendingOf(room).add(key)
  }

  /** See the exported forgetMember. */
  async forget (room: Room, key: string): Promise<void> {
    const i = room.members.indexOf(key)
    if (i >= 0) room.members.splice(i, 1)
    this.pendingOf(room).delete(key)
    if (i >= 0) await this.save()
  }

  /**
   * Write rooms.json atomically. Calls made while a write is queued share it (it writes
   * the latest state when it starts), so pruning 2,000 keys costs a few writes, not 2,000.
   */
  async save (): Promise<void> {
    if (this.queued !== null) return await this.queued
    const run = this.saving.then(async () => {
      this.queued = null
      await this.write()
    })
    this.queued = run
    this.saving = run.catch(() => {})
    await run
  }

  private async write (): Promise<void> {
    await writeJsonPrivate(this.file, {
      version: ROOMS_FILE_VERSION,
      rooms: this.rooms.map((r) => ({
        name: r.name,
        secret: r.secret.toString('hex'),
        createdAt: r.createdAt,
        members: r.members,
        settings: r.settings,
        // Written only for rekeyed rooms, so a never-rekeyed room's entry is as before.
        ...(r.past.length === 0 ? {} : { epoch: r.epoch, past: r.past.map((p) => ({ secret: p.secret.toString('hex'), epoch: p.epoch, members: p.members })) })
      }))
    })
  }
}

function parseRoom (raw: unknown, parent?: Room): Room {
  const r = raw as Record<string, unknown>
  if (typeof r?.secret !== 'string' || !/^[0-9a-f]{64}$/.test(r.secret)) throw fail('HOME_INVALID', 'rooms.json holds a damaged room secret')
  const secret = Buffer.from(r.secret, 'hex')
  const keys = deriveRoomKeys(secret)
  const room: Room = {
    name: parent?.name ?? String(r.name),
    secret,
    keys,
    id: keys.id.toString('hex'),
    createdAt: parent?.createdAt ?? (Number(r.createdAt) || 0),
    members: Array.isArray(r.members) ? r.members.filter((k): k is string => typeof k === 'string' && /^[0-9a-f]{64}$/.test(k)) : [],
    settings: parent?.settings ?? (typeof r.settings === 'object' && r.settings !== null ? r.settings as Record<string, unknown> : {}),
    epoch: Number.isSafeInteger(r.epoch) && Number(r.epoch) >= 0 ? Number(r.epoch) : 0,
    past: []
  }
  if (parent === undefined && Array.isArray(r.past)) room.past = r.past.map((p) => parseRoom(p, room))
  return room
}
