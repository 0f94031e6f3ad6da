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
  /** Per-room settings, e.g. drill acknowledgements. */
  settings: Record<string, unknown>
}

/**
 * Most member logs a room may hold here. Member keys come from peers; without a cap one
 * hostile member could announce millions of keys and make everyone open millions of cores.
 */
export const MAX_ROOM_MEMBERS = 2000

/** Load, change and save the room list. Not safe across processes: one process owns a home. */
export class RoomRegistry {
  private readonly file: string
  private rooms: Room[] = []
  private loaded = false
  /** Saves run one after another, each writing the latest state, so none is lost. */
  private saving: Promise<void> = Promise.resolve()

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
    this.rooms = (raw?.rooms ?? []).map(parseRoom)
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

  /** Find a room by its id bytes, or undefined. */
  byId (id: Buffer | string): Room | undefined {
    const hex = typeof id === 'string' ? id : id.toString('hex')
    return this.rooms.find((r) => r.id === hex)
  }

  /** Add a room; fails on a duplicate name or secret. */
  async add (name: string, secret: Buffer, now = Date.now()): Promise<Room> {
    const clean = sanitizeName(name)
    if (clean.length === 0) throw fail('INVALID_NAME', 'a room needs a name')
    if (/^[0-9a-f]{6,64}$/.test(clean)) throw fail('INVALID_NAME', 'a room name cannot look like a room id (hex)')
    const keys = deriveRoomKeys(secret)
    const existing = this.byId(keys.id)
    if (existing !== undefined) throw fail('ROOM_EXISTS', `you are already in this room, as "${existing.name}"`)
    if (this.rooms.some((r) => r.name === clean)) throw fail('ROOM_EXISTS', `a room named "${clean}" already exists`)
    const room: Room = { name: clean, secret, keys, id: keys.id.toString('hex'), createdAt: now, members: [], settings: {} }
    this.rooms.push(room)
    await this.save()
    return room
  }

  /** Remove a room from the list (its logs stay in the store until pruned). */
  async remove (room: Room): Promise<void> {
    this.rooms = this.rooms.filter((r) => r.id !== room.id)
    await this.save()
  }

  /** Record member log keys; returns the ones that were new. */
  async addMembers (room: Room, coreKeys: string[]): Promise<string[]> {
    const known = new Set(room.members)
    const fresh = [...new Set(coreKeys)].filter((k) => /^[0-9a-f]{64}$/.test(k) && !known.has(k)).slice(0, Math.max(0, MAX_ROOM_MEMBERS - room.members.length))
    if (fresh.length === 0) return []
    room.members.push(...fresh)
    await this.save()
    return fresh
  }

  /** Write rooms.json atomically. */
  async save (): Promise<void> {
    const run = this.saving.then(async () => await this.write())
    this.saving = run.catch(() => {})
    await run
  }

  private async write (): Promise<void> {
    await writeJsonPrivate(this.file, {
      version: ROOMS_FILE_VERSION,
      rooms: this.rooms.map((r) => ({ name: r.name, secret: r.secret.toString('hex'), createdAt: r.createdAt, members: r.members, settings: r.settings }))
    })
  }
}

function parseRoom (raw: unknown): Room {
  const r = raw as Record<string, unknown>
  if (typeof r?.secret !== 'string' || !/^[0-9a-f]{64}$/.test(r.secret)) throw fail('HOME_INVALID', 'rooms.json holds a damaged room secret')
  const secret = Buffer.from(r.secret, 'hex')
  const keys = deriveRoomKeys(secret)
  return {
    name: String(r.name),
    secret,
    keys,
    id: keys.id.toString('hex'),
    createdAt: Number(r.createdAt) || 0,
    members: Array.isArray(r.members) ? r.members.filter((k): k is string => typeof k === 'string' && /^[0-9a-f]{64}$/.test(k)) : [],
    settings: typeof r.settings === 'object' && r.settings !== null ? r.settings as Record<string, unknown> : {}
  }
}
