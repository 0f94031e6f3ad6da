/**
 * The rooms this home relays: it stores and serves their member logs without the room
 * secret, so every block stays ciphertext here. Kept in relays.json (mode 0600: the
 * capability lets its holder sync the room's ciphertext). Cores are opened by key with no
 * encryption key and downloaded whole, like a member would, up to the member quota.
 */
import { EventEmitter } from 'node:events'
import type Corestore from 'corestore'
import type { Hypercore } from 'hypercore'
import { fail } from '../errors/index.js'
import { readJson, writeJsonPrivate } from '../home/index.js'
import { memberQuota } from '../log/room-logs.js'
import { MAX_ROOM_MEMBERS } from '../room/index.js'
import { sanitizeName } from '../text/sanitize.js'
import { decodeRelayCode } from './relay-code.js'

/** Version of relays.json. */
export const RELAYS_FILE_VERSION = 1

/** One relayed room. */
export interface RelayRoom { id: string, name: string, topic: Buffer, capability: Buffer, members: string[], addedAt: number }

/** The relayed rooms of one home and their open cores. Emits 'member' (room, key hex). */
export class RelayRooms extends EventEmitter {
  private readonly file: string
  private rooms: RelayRoom[] = []
  private loaded = false
  private saving: Promise<void> = Promise.resolve()
  private store: Corestore | null = null
  private readonly cores = new Map<string, Hypercore>()

  constructor (file: string) {
    super()
    this.file = file
  }

  /** Read relays.json (idempotent). */
  async load (): Promise<void> {
    if (this.loaded) return
    const raw = await readJson(this.file).catch((err) => { throw fail('HOME_INVALID', `relays.json cannot be read (${(err as Error).message})`, err) }) as { version?: number, rooms?: Array<Record<string, unknown>> } | undefined
    if (raw !== undefined && raw.version !== RELAYS_FILE_VERSION) throw fail('HOME_INVALID', 'relays.json has an unknown version')
    this.rooms = (raw?.rooms ?? []).map((r) => ({
      id: String(r.id),
      name: sanitizeName(String(r.name)),
      topic: Buffer.from(String(r.topic), 'hex'),
      capability: Buffer.from(String(r.capability), 'hex'),
      members: Array.isArray(r.members) ? r.members.filter((m): m is string => typeof m === 'string' && /^[0-9a-f]{64}$/.test(m)) : [],
      addedAt: Number(r.addedAt)
    }))
    this.loaded = true
  }

  /** Every relayed room. */
  list (): RelayRoom[] {
    return [...this.rooms]
  }

  /** Add a room from its relay code (idempotent: the same room twice is one room). */
  async add (code: string, now = Date.now()): Promise<RelayRoom> {
    await this.load()
    const decoded = decodeRelayCode(code)
    const id = decoded.id.toString('hex')
    const existing = this.rooms.find((r) => r.id === id)
    if (existing !== undefined) return existing
    const room: RelayRoom = { id, name: sanitizeName(decoded.name) || id.slice(0, 8), topic: decoded.topic, capability: decoded.capability, members: [], addedAt: now }
    this.rooms.push(room)
    await this.save()
    if (this.store !== null) await this.openRoom(room)
    return room
  }

  /** Stop relaying a room (its blocks stay in the store). */
  async remove (id: string): Promise<void> {
    this.rooms = this.rooms.filter((r) => r.id !== id)
    await this.save()
  }

  /** Open (and keep downloading) every relayed core on `store`. */
  async open (store: Corestore): Promise<void> {
    await this.load()
    this.store = store
    for (const room of this.rooms) await this.openRoom(room)
  }

  private async openRoom (room: RelayRoom): Promise<void> {
    for (const key of room.members) await this.openCore(key)
  }

  private async openCore (key: string): Promise<void> {
    if (this.store === null || this.cores.has(key)) return
    // No encryption key: blocks are stored and served exactly as the members wrote them.
    const core = this.store.get({ key: Buffer.from(key, 'hex') })
    this.cores.set(key, core)
    await core.ready()
    core.download({ start: 0, end: memberQuota.maxBlocks })
  }

  /** The open cores of a relayed room (none when it is not relayed here). */
  coresOf (id: string): Hypercore[] {
    const room = this.rooms.find((r) => r.id === id)
    if (room === undefined) return []
    return room.members.map((k) => this.cores.get(k)).filter((c): c is Hypercore => c !== undefined)
  }

  /** Accept member logs announced by a peer that proved the room's capability. */
  async addMembers (id: string, keys: string[]): Promise<string[]> {
    const room = this.rooms.find((r) => r.id === id)
    if (room === undefined) return []
    const known = new Set(room.members)
    const fresh = [...new Set(keys)].filter((k) => /^[0-9a-f]{64}$/.test(k) && !known.has(k)).slice(0, Math.max(0, MAX_ROOM_MEMBERS - room.members.length))
    if (fresh.length === 0) return []
    room.members.push(...fresh)
    await this.save()
    for (const key of fresh) {
      await this.openCore(key)
      this.emit('member', room, key)
    }
    return fresh
  }

  /** Blocks held per relayed room, for status output. */
  stats (): Array<{ room: string, id: string, members: number, blocks: number }> {
    return this.rooms.map((r) => ({ room: r.name, id: r.id, members: r.members.length, blocks: r.members.reduce((n, k) => n + (this.cores.get(k)?.contiguousLength ?? 0), 0) }))
  }

  private async save (): Promise<void> {
    const write = async (): Promise<void> => {
      await writeJsonPrivate(this.file, {
        version: RELAYS_FILE_VERSION,
        rooms: this.rooms.map((r) => ({ id: r.id, name: r.name, topic: r.topic.toString('hex'), capability: r.capability.toString('hex'), members: r.members, addedAt: r.addedAt }))
      })
    }
    this.saving = this.saving.then(write, write)
    await this.saving
  }

  /** Close the cores (the store belongs to the Tamtam). */
  async close (): Promise<void> {
    const cores = [...this.cores.values()]
    this.cores.clear()
    this.store = null
    await Promise.all(cores.map(async (c) => await c.close().catch(() => {})))
  }
}
