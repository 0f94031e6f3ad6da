/**
 * Tamtam: the library facade over one home dir. It owns the identity, the room list and
 * the Corestore (which holds a lock, so one process owns a home). Commands, the node,
 * the CLI and the TUI all go through this class; it never touches a terminal.
 */
import { EventEmitter } from 'node:events'
import type Corestore from 'corestore'
import type { Hypercore } from 'hypercore'
import { fail, fromSystemError, isTamtamError } from './errors/index.js'
import { ensureHome, homePaths } from './home/index.js'
import { closeCorestore, newCorestore, pruneInfoLogs } from './home/store.js'
import { wipeRoomCores, type WipeReport } from './home/wipe-room.js'
import { scrubStore } from './home/scrub.js'
import { legacyRewrites } from './log/user-data.js'
import { checkName, createIdentity, loadIdentity, saveIdentity, type Identity } from './identity/index.js'
import { MemberLog } from './log/member-log.js'
import type { RoomLogs } from './log/room-logs.js'
import { RoomSessions } from './log/room-sessions.js'
import { ModScan, type ModState } from './moderation/moderation.js'
import { horizonOf } from './moderation/room-settings.js'
import { RelayRooms, type RelayRoom } from './relay/relay-rooms.js'
import { unlockHome } from './vault/lock.js'
import { decodeInvite, encodeInvite, newRoomSecret, RoomRegistry, type Room } from './room/index.js'
import { messageId, Timeline } from './timeline/index.js'


/**
 * How long after a value in clear from an older version was rewritten sealed the store is
 * scrubbed, so the clear bytes leave its files (rewrites come in bursts as rooms open).
 * Writable so tests can shorten it.
 */
export const legacyScrub = { delayMs: 30_000 }

/** Options for opening a home. */
export interface TamtamOptions {
  home: string
  /** The wall clock; drills and the clock-skew tests use a skewed one. */
  clock?: () => number
}

/** One home dir, opened. */
export class Tamtam extends EventEmitter {
  readonly home: string
  readonly paths: ReturnType<typeof homePaths>
  readonly rooms: RoomRegistry
  /** Rooms this home relays without their secret (relay hubs). */
  readonly relays: RelayRooms
  /** This home's wall clock in ms (Date.now unless a test or a simulation skews it). */
  readonly clock: () => number
  private identityCache: Identity | null = null
  private storeInstance: Corestore | null = null
  private storeOpening: Promise<Corestore> | null = null
  /** The open logs of every room, per epoch. */
  private readonly sessions: RoomSessions
  private readonly modScans = new Map<string, ModScan>()
  /** Cores of a room other than its member logs (blobs cores), by room id. */
  private readonly extraCores = new Map<string, Set<Hypercore>>()
  private closing: Promise<void> | null = null
  /** Set after a write failed with STORAGE_FULL: the next write reopens the store first. */
  private storageFailed = false
  private reopening: Promise<void> | null = null
  /** Opening a locked home: the passphrase is asked once per process (src/vault). */
  private unlocking: Promise<'open' | 'unlocked' | 'duress'> | null = null
  private legacyScrubTimer: NodeJS.Timeout | null = null
  /** A value in clear was rewritten sealed (log/user-data.ts): scrub the store soon, once per burst. */
  private readonly onLegacyRewrite = (): void => {
    if (this.legacyScrubTimer !== null || this.closing !== null) return
    this.legacyScrubTimer = setTimeout(() => {
      this.legacyScrubTimer = null
      const store = this.openStore()
      if (store !== null) void scrubStore(store).catch((err) => this.emit('warning', err))
    }, legacyScrub.delayMs)
    this.legacyScrubTimer.unref()
  }

  constructor (opts: TamtamOptions) {
    super()
    this.home = opts.home
    this.paths = homePaths(opts.home)
    this.rooms = new RoomRegistry(this.paths.rooms)
    this.relays = new RelayRooms(this.paths.relays)
    this.clock = opts.clock ?? Date.now
    this.sessions = new RoomSessions(this)
  }

  /** Create the home dir, unlock it if it has a passphrase, and read the room list (idempotent). */
  async open (): Promise<void> {
    await ensureHome(this.home)
    await this.unlock()
    await this.rooms.load()
    await this.relays.load()
  }

  /**
   * Ask for the passphrase of a locked home (once; a failure may be retried), keeping its key
   * in memory only. 'duress': the duress passphrase was typed and the home is now the empty one.
   */
  async unlock (): Promise<'open' | 'unlocked' | 'duress'> {
    this.unlocking ??= unlockHome(this.home)
    this.unlocking.catch(() => { this.unlocking = null })
    return await this.unlocking
  }

  /** True once close() has started. */
  get closed (): boolean {
    return this.closing !== null
  }

  /** The identity of this home; fails with NOT_INITIALISED before `init`. */
  async identity (): Promise<Identity> {
    if (this.identityCache === null) await this.unlock()
    this.identityCache ??= await loadIdentity(this.paths.identity)
    return this.identityCache
  }

  /** Create the identity (refuses to overwrite without force). */
  async init (name: string, opts: { force?: boolean } = {}): Promise<Identity> {
    await this.open()
    this.identityCache = await createIdentity(this.paths.identity, name, opts)
    return this.identityCache
  }

  /** The Corestore, opened on first use. A second process on the same home gets HOME_LOCKED. */
  async store (): Promise<Corestore> {
    if (this.closing !== null) throw fail('CLOSED')
    this.storeOpening ??= (async () => {
      const store = newCorestore(this.paths.store)
      try {
        await store.ready()
      } catch (err) {
        this.storeOpening = null
        await store.close().catch(() => {})
        throw fromSystemError(err, `cannot open the store in ${this.home}`)
      }
      this.storeInstance = store
      legacyRewrites.off('rewrite', this.onLegacyRewrite).on('rewrite', this.onLegacyRewrite)
      await pruneInfoLogs(this.paths.store)
      await this.relays.open(store)
      return store
    })()
    return await this.storeOpening
  }

  /** The Corestore if it is already open, else null (for code that must not wait). */
  openStore (): Corestore | null {
    return this.closing === null ? this.storeInstance : null
  }

  /** The open logs of a room (opened once, then shared); during a key rotation, the new epoch's. */
  async logs (room: Room): Promise<RoomLogs> {
    return await this.sessions.logs(room)
  }

  /**
   * Run a write to the store. After a write fails with STORAGE_FULL, RocksDB stays
   * read-only until it is reopened (measured: freeing space alone never helps a running
   * process), so the next write closes and reopens the store first. Listeners of
   * 'store-reopened' (the network, documents) drop what they held on the old one.
   */
  async write<T> (fn: () => Promise<T>): Promise<T> {
    if (this.storageFailed) await this.reopenStore()
    try {
      return await fn()
    } catch (err) {
      if (isTamtamError(err, 'STORAGE_FULL')) this.storageFailed = true
      throw err
    }
  }

  private async reopenStore (): Promise<void> {
    this.reopening ??= (async () => {
      this.modScans.clear()
      this.emit('store-closing')
      await this.sessions.closeAll()
      await this.relays.close()
      const old = this.storeOpening
      this.storeOpening = null
      this.storeInstance = null
      if (old !== null) await old.then(closeCorestore, () => {})
      await this.store()
      for (const room of this.rooms.list()) await this.logs(room)
      this.storageFailed = false
      this.emit('store-reopened')
    })().finally(() => { this.reopening = null })
    await this.reopening
  }

  /**
   * Register a core of a room that is not a member log (a document's blobs core), so it is
   * replicated on connections where the room is proven, and only there ('core' event).
   */
  addRoomCore (roomId: string, core: Hypercore): void {
    let set = this.extraCores.get(roomId)
    if (set === undefined) this.extraCores.set(roomId, set = new Set())
    if (set.has(core)) return
    set.add(core)
    core.once('close', () => set?.delete(core))
    this.emit('core', roomId, core)
  }

  /**
   * Every open core of a room: member logs, relayed logs and registered cores. Replication
   * offers these, and only these, on a connection that proved the room.
   */
  async roomCores (roomId: string): Promise<Hypercore[]> {
    const cores: Hypercore[] = []
    const room = this.rooms.epochById(roomId)
    if (room !== undefined) cores.push(...(await this.logs(room)).list().map((l) => l.core))
    cores.push(...this.relays.coresOf(roomId))
    cores.push(...(this.extraCores.get(roomId) ?? []))
    return cores
  }

  /** Create a room with a fresh secret; returns it with its invite. */
  async createRoom (name: string): Promise<{ room: Room, invite: string }> {
    const identity = await this.identity()
    const room = await this.rooms.add(name, newRoomSecret(identity.publicKey))
    await this.logs(room)
    this.emit('rooms')
    return { room, invite: encodeInvite(room.secret, room.name) }
  }

  /** Join a room from an invite code, under an optional local alias. */
  async joinRoom (code: string, alias?: string): Promise<Room> {
    await this.identity()
    const invite = decodeInvite(code)
    const room = await this.rooms.add(alias ?? invite.name, invite.secret)
    await this.logs(room)
    this.emit('rooms')
    return room
  }

  /** The invite code of a room. */
  invite (room: Room): string {
    return encodeInvite(room.secret, room.name)
  }

  /** Relay a room from its relay code: store and serve its ciphertext. */
  async addRelay (code: string): Promise<RelayRoom> {
    await this.open()
    const room = await this.relays.add(code)
    this.emit('rooms')
    return room
  }

  /** Stop relaying a room (its stored blocks stay until pruned). */
  async removeRelay (id: string): Promise<void> {
    await this.relays.remove(id)
    this.emit('rooms')
  }

  /** Forget a room: it leaves the list and stops syncing; its logs stay on disk. */
  async leaveRoom (room: Room): Promise<void> {
    this.modScans.delete(room.id)
    await this.sessions.drop(room.id)
    await this.rooms.remove(room)
    this.emit('rooms')
  }

  /**
   * Leave a room and remove it from this computer (`room leave --wipe`): close its sessions
   * ('room-wiping' lets the node's parts let go of theirs), purge every core of the room from
   * the store (home/wipe-room.ts), drop its secret and settings from rooms.json, then flush
   * and compact the store so the bytes leave its files. Peers keep their copies.
   */
  async wipeRoom (room: Room, progress?: (event: Record<string, unknown>) => void): Promise<WipeReport> {
    const store = await this.store()
    this.emit('room-wiping', room)
    this.modScans.delete(room.id)
    await this.sessions.drop(room.id, { alone: true })
    for (const core of this.extraCores.get(room.id) ?? []) await core.close().catch(() => {})
    this.extraCores.delete(room.id)
    const report = await this.write(async () => await wipeRoomCores(store, room, this.paths.store, progress))
    await this.rooms.remove(room)
    this.emit('rooms')
    return report
  }

  /** Append a message; resolves once the block is stored. */
  async send (room: Room, text: string): Promise<{ id: string, seq: number, ts: number }> {
    if (String(text ?? '').trim().length === 0) throw fail('MESSAGE_EMPTY')
    return await this.write(async () => {
      const own = await this.ownLog(room)
      const [seq] = await own.append([{ type: 'msg', text }], this.clock())
      return { id: messageId(own.key, seq), seq, ts: own.lastAppendTs }
    })
  }

  /** Change our nickname in every room (one nick record per room) and in the identity file. */
  async setNick (name: string): Promise<void> {
    const identity = await this.identity()
    identity.name = checkName(name)
    await saveIdentity(this.paths.identity, identity)
    await this.write(async () => {
      for (const room of this.rooms.list()) await (await this.ownLog(room)).append([{ type: 'nick', name: identity.name }])
    })
  }

  /** Our own log of `room`, to append to (the room's logs' own, or opened alone: RoomSessions.ownLog). */
  private async ownLog (room: Room): Promise<MemberLog> {
    return await this.sessions.ownLog(room)
  }

  /** The member logs of every epoch of a room (src/epochs): one timeline and one moderation verdict run over all of them. */
  async allLogs (room: Room): Promise<MemberLog[]> {
    return await this.sessions.allLogs(room)
  }

  /** The timeline of a room over every log held locally, of every epoch, with moderation applied. */
  async timeline (room: Room, opts: { showHidden?: boolean } = {}): Promise<Timeline> {
    const logs = await this.allLogs(room)
    const moderation = await this.moderation(room)
    const horizon = horizonOf(moderation.expiry, this.clock()) ?? undefined
    return new Timeline(logs, { moderation, showHidden: opts.showHidden, horizon })
  }

  /** The moderation verdict of a room, from the logs of all its epochs (scanned incrementally). */
  async moderation (room: Room): Promise<ModState> {
    let scan = this.modScans.get(room.id)
    if (scan === undefined) {
      scan = new ModScan(async () => await this.allLogs(room), room)
      this.modScans.set(room.id, scan)
    }
    return await scan.state()
  }

  /** Keep an epoch the room did not choose as a past one (src/epochs): its logs open and sync. */
  async addPastEpoch (room: Room, secret: Buffer, epoch: number): Promise<void> {
    const side = await this.rooms.addPastEpoch(room, secret, epoch)
    if (side === null) return
    await this.sessions.openPast(side)
    this.modScans.delete(room.id)
    this.emit('rooms')
  }

  /**
   * Move a room to another epoch (src/epochs decides which): the current epoch's logs stay
   * open as a past epoch, so its history stays readable and is still served to members who
   * missed the rotation; the new epoch's logs open with our own new log. The Room changes in
   * place, so every part of the node follows it. Emits 'epoch' (room, the id it left) and 'rooms'.
   */
  async switchEpoch (room: Room, secret: Buffer, epoch: number): Promise<void> {
    this.modScans.delete(room.id)
    await this.sessions.switchEpoch(room, secret, epoch)
    this.emit('epoch', room, room.past[room.past.length - 1].id)
    this.emit('rooms')
  }

  /** Close every room session, then the store (idempotent). */
  async close (): Promise<void> {
    this.closing ??= (async () => {
      legacyRewrites.off('rewrite', this.onLegacyRewrite)
      if (this.legacyScrubTimer !== null) clearTimeout(this.legacyScrubTimer)
      await this.sessions.closeAll()
      await this.relays.close()
      if (this.storeOpening !== null) await this.storeOpening.then(closeCorestore, () => {})
    })()
    await this.closing
  }
}
