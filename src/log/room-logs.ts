/**
 * All member logs of one room that this peer holds: our own plus every member we have
 * heard of. Emits 'update' when any of them grows, 'member' when a new one is added (once
 * its binding verified), 'pending' when an announced log is opened to fetch its binding,
 * 'fork' when a member rewrote history, so the timeline and the UI can redraw live.
 */
import { EventEmitter } from 'node:events'
import type Corestore from 'corestore'
import type { Identity } from '../identity/index.js'
import { confirmMember, forgetMember, markPending, pendingMembers, type Room } from '../room/registry.js'
import { takeBelowMark } from './expired-mark.js'
import { MemberLog } from './member-log.js'
import { MAX_RECORD_BYTES } from './records.js'
import { flat, MerkleTree, type TreeCore, type TreeNode } from './tree-internals.js'
import { readUserJson, writeUserJson } from './user-data.js'
import { parseLimit, parseSeen, type LogLimit } from './stored-values.js'

/**
 * Largest block we download. Blocks over MAX_RECORD_BYTES are dropped on read (counted);
 * a block over this is never requested, and the log is followed no further: honest
 * tamtam never writes one, and the signed tree tells its size before any byte arrives.
 */
export const MAX_BLOCK_BYTES = 4 * MAX_RECORD_BYTES

/**
 * Storage limit per member log: a peer keeps at most `maxBlocks` blocks and `maxBytes`
 * bytes (record bytes, as the author's signed tree counts them) of another member's log,
 * so a member who floods cannot fill everyone's disk. Both are positions in the log, so
 * they hold across restarts. Writable so tests can lower them.
 */
export const memberQuota = { maxBlocks: 1_000_000, maxBytes: 256 * 1024 * 1024 }

/**
 * Live-growth limit per member log: a log that grows by more than `blocks` in one window
 * of `windowMs` while we are connected is flooding. Its first sync in a run is counted
 * against the time since we last saw the log (persisted), so a restart does not reset it;
 * a log never seen before is not counted (a week of backlog arrives in one jump). An
 * honest person, or a script sending 2,000 messages as fast as the API allows, stays below
 * it. Writable so tests can lower it.
 */
export const liveGrowthQuota = { blocks: 5000, windowMs: 10_000 }

/** User-data key of a log's download limit (why and where we stopped following it). */
const LIMIT_KEY = 'tamtam/limit/v1'
/** User-data key of the length we last saw and when (the live-growth baseline). */
const SEEN_KEY = 'tamtam/seen/v1'
/** How long to wait for the tree nodes that prove a range's byte length. */
const SEEK_TIMEOUT_MS = 10_000

export type { LogLimit } from './stored-values.js'

/** The open logs of one room. */
export class RoomLogs extends EventEmitter {
  room: Room // the epoch these logs are in; changed only by rebind
  readonly own: MemberLog
  private readonly store: Corestore
  private readonly logs = new Map<string, MemberLog>()
  /** Announced logs whose binding is not here or not verified yet, oldest first. */
  private readonly pending = new Map<string, { log: MemberLog, timer: NodeJS.Timeout }>()
  /** Member logs (hex) that went over the live-growth quota in this run. */
  readonly flooding = new Set<string>()
  /** Per member log (hex), where and why we stopped downloading it. */
  readonly limits = new Map<string, LogLimit>()
  /** Logs being opened, so two announcements of one key open it once. */
  private readonly opening = new Map<string, Promise<MemberLog>>()
  private closed = false
  horizon: number | null = null // the room's expiry horizon (ms) as the last sweep saw it (src/expiry)
  readonly refollow = new Map<string, () => void>() // per log (hex): restarts its ranges above a new expiry mark (src/expiry)

  private constructor (store: Corestore, room: Room, own: MemberLog) {
    super()
    this.store = store
    this.room = room
    this.own = own
    this.logs.set(own.key, own)
    this.track(own)
  }

  /** Open our own log and every member log recorded for the room. */
  static async open (store: Corestore, room: Room, identity: Identity): Promise<RoomLogs> {
    const own = await MemberLog.own(store, room, identity)
    const logs = new RoomLogs(store, room, own)
    for (const key of [...room.members]) await logs.addMember(Buffer.from(key, 'hex'))
    return logs
  }

  /** After a key rotation (Tamtam.switchEpoch) these logs are `past`'s, the epoch they were opened in; nothing reopens. */
  rebind (past: Room): void {
    this.room = past
    for (const log of [...this.logs.values(), ...[...this.pending.values()].map((p) => p.log)]) log.room = past
  }

  /** Every open log whose binding verified, ours included (what views and peers get). */
  list (): MemberLog[] {
    return [...this.logs.values()]
  }

  /** How many announced logs wait for a binding. */
  get pendingCount (): number {
    return this.pending.size
  }

  /** Logs whose author rewrote history (see MemberLog.forked). */
  forkedLogs (): MemberLog[] {
    return this.list().filter((l) => l.forked !== null)
  }

  /** Open a member's log if it is not open yet; returns it. */
  async addMember (key: Buffer): Promise<MemberLog> {
    const hex = key.toString('hex')
    const existing = this.logs.get(hex) ?? this.pending.get(hex)?.log ?? this.opening.get(hex)
    if (existing !== undefined) return await existing
    const opening = this.openMember(key)
    this.opening.set(hex, opening)
    try {
      return await opening
    } finally {
      this.opening.delete(hex)
    }
  }

  private async openMember (key: Buffer): Promise<MemberLog> {
    const log = await MemberLog.remote(this.store, this.room, key)
    if (this.closed) {
      await log.close()
      return log
    }
    log.onFork = (forked) => this.emit('fork', forked)
    if (log.author !== null) await this.admit(log)
    else if (log.invalid) await this.drop(log)
    else this.hold(log)
    return log
  }

  /**
   * Keep an announced log open only to fetch and check its binding. It is not listed,
   * not forwarded and does not count against the room's cap; without a valid binding
   * within pendingMembers.timeoutMs, or when pendingMembers.max newer ones arrive, it is
   * closed and forgotten.
   */
  private hold (log: MemberLog): void {
    markPending(this.room, log.key)
    const drop = (): void => { void this.drop(log).catch((err) => this.emit('error', err)) }
    const timer = setTimeout(drop, pendingMembers.timeoutMs)
    timer.unref()
    // A made-up key has no author to serve it: nobody sends even its length.
    setTimeout(() => { if (log.core.length === 0 && log.core.peers.length === 0) drop() }, pendingMembers.unservedMs).unref()
    this.pending.set(log.key, { log, timer })
    const onDownload = (): void => { void log.verifyBinding().catch(() => {}) }
    log.onVerdict = () => {
      log.core.off('download', onDownload) // asked once per block otherwise, for the log's whole life
      void this.settle(log).catch((err) => this.emit('error', err))
    }
    log.core.on('download', onDownload)
    log.core.download({ start: 0, end: 1 })
    // Replicate it (to fetch block 0) without announcing it: see Tamtam.logs.
    this.emit('pending', log)
  }

  /** A pending log's binding verdict arrived: list it, or drop it. */
  private async settle (log: MemberLog): Promise<void> {
    const held = this.pending.get(log.key)
    if (held === undefined || held.log !== log) return
    clearTimeout(held.timer)
    this.pending.delete(log.key)
    if (log.author !== null) await this.admit(log)
    else await this.drop(log)
  }

  /** A log with a verified binding: list it (if the room has room), follow it, announce it. */
  private async admit (log: MemberLog): Promise<void> {
    if (this.closed || !(await confirmMember(this.room, log.key))) {
      await this.drop(log)
      return
    }
    this.logs.set(log.key, log)
    this.track(log)
    this.follow(log)
    this.emit('member', log)
  }

  /** Close and forget a log that never showed a valid binding (and free what it stored). */
  private async drop (log: MemberLog): Promise<void> {
    const held = this.pending.get(log.key)
    if (held?.log === log) {
      clearTimeout(held.timer)
      this.pending.delete(log.key)
    }
    if (this.logs.get(log.key) === log) this.logs.delete(log.key)
    if (!this.closed) await forgetMember(this.room, log.key)
    if (!log.core.closed && log.core.length > 0) await (log.core as unknown as TreeCore).clear(0, log.core.length).catch(() => {})
    await log.close().catch(() => {})
  }

  private track (log: MemberLog): void {
    // Coalesce bursts of 'download' events (one per block) into one index pass and one update.
    let pending = false
    const onGrow = (): void => {
      if (log.core.writable) {
        // Our own log indexes itself on append; just tell listeners.
        this.emit('update', log)
        return
      }
      if (pending) return
      pending = true
      setImmediate(() => {
        pending = false
        if (this.closed) return
        void log.verifyBinding().then(() => log.indexNicknames()).then(() => this.emit('update', log), (err) => this.emit('error', err))
      })
    }
    log.core.on('append', onGrow)
    log.core.on('download', onGrow)
    if (!log.core.writable) void this.watchGrowth(log).catch((err) => this.emit('error', err))
  }

  /**
   * Download a remote log as it grows, but never past memberQuota, a block over the record
   * MAX_BLOCK_BYTES, or a stored limit. Each is found from the author's signed Merkle tree
   * before the blocks are requested: a root (or subtree) whose byte size exceeds its block
   * count times MAX_BLOCK_BYTES holds an oversized block, and is split down to that block. A block that still arrives oversized stops
   * the log at that block too.
   */
  private follow (log: MemberLog): void {
    let requested = 0
    let ranges: Array<{ destroy: () => void }> = []
    let running: Promise<void> | null = null
    let again = false
    const widen = async (): Promise<void> => {
      do {
        again = false
        const end = await this.allowedEnd(log)
        if (end < requested || requested < log.expiredTo) { // never ask again for what expiry cleared
          for (const r of ranges) r.destroy()
          ranges = []
          requested = log.expiredTo
        }
        if (end > requested && !this.closed && !log.core.closed) {
          ranges.push(log.core.download({ start: requested, end }))
          requested = end
        }
      } while (again && !this.closed)
    }
    const kick = (): void => {
      if (running !== null) {
        again = true
        return
      }
      running = widen().catch((err) => { this.emit('error', err) }).finally(() => { running = null })
    }
    log.core.on('append', kick)
    this.refollow.set(log.key, kick)
    log.core.on('download', (index: number, byteLength: number) => {
      if (index < log.expiredTo) void takeBelowMark(log, index, this.horizon).catch((err) => this.emit('error', err))
      if (byteLength > MAX_BLOCK_BYTES) {
        void this.limit(log, { end: index, reason: 'oversized' }).then(kick, (err) => this.emit('error', err))
        return
      }
      // A request already in flight when the limit was set can still deliver a block past
      // it: drop it as it arrives, so nothing past a limit is kept.
      const end = this.limits.get(log.key)?.end
      if (end !== undefined && index >= end) void (log.core as unknown as TreeCore).clear(index, index + 1).catch(() => {})
    })
    kick()
  }

  /** Stop a log at `limit.end` for good: persisted, and blocks past it cleared. */
  private async limit (log: MemberLog, limit: LogLimit): Promise<void> {
    const known = this.limits.get(log.key)
    if (known !== undefined && known.end <= limit.end) {
      // Already stopped earlier: a block at or past the limit that arrived anyway is dropped.
      if (!log.core.closed && log.core.length > known.end) await (log.core as unknown as TreeCore).clear(known.end, log.core.length).catch(() => {})
      return
    }
    this.limits.set(log.key, limit)
    if (log.core.closed) return
    await writeUserJson(log.core, this.room, LIMIT_KEY, limit)
    if (log.core.length > limit.end) await (log.core as unknown as TreeCore).clear(limit.end, log.core.length).catch(() => {})
    this.emit('limit', log, limit)
  }

  /** How far a remote log may be downloaded now (see follow). */
  private async allowedEnd (log: MemberLog): Promise<number> {
    if (!this.limits.has(log.key)) {
      const stored = parseLimit(await readUserJson(log.core, this.room, LIMIT_KEY))
      if (stored !== null) this.limits.set(log.key, stored)
    }
    const cap = Math.min(log.core.length, memberQuota.maxBlocks, this.limits.get(log.key)?.end ?? Infinity)
    const core = log.core as unknown as TreeCore
    const padding = core.padding
    let at = { block: 0, bytes: 0 }
    for (const root of [...core.state.roots]) {
      if (at.block >= cap) break
      const next = await this.checkTree(log, root, at, padding)
      if (next === null) return Math.min(at.block, cap)
      if ('reason' in next) {
        await this.limit(log, next)
        return Math.min(next.end, cap)
      }
      at = next
    }
    return Math.min(at.block, cap)
  }

  /**
   * Check the subtree `node`, which starts at `at`: its blocks all within MAX_BLOCK_BYTES
   * and the log within maxBytes. Returns where the next subtree starts, the limit found
   * inside it, or null when the tree nodes needed are not available yet (retry later).
   */
  private async checkTree (log: MemberLog, node: TreeNode, at: { block: number, bytes: number }, padding: number): Promise<{ block: number, bytes: number } | LogLimit | null> {
    const [left, right] = flat.spans(node.index)
    const blocks = (right - left) / 2 + 1
    const bytes = node.size - blocks * padding
    if (bytes <= blocks * MAX_BLOCK_BYTES && at.bytes + bytes <= memberQuota.maxBytes) return { block: at.block + blocks, bytes: at.bytes + bytes }
    if (blocks === 1) return { end: at.block, reason: bytes > MAX_BLOCK_BYTES ? 'oversized' : 'bytes' }
    const children = await this.children(log, node, at)
    if (children === null) return null
    const first = await this.checkTree(log, children[0], at, padding)
    if (first === null || 'reason' in first) return first
    return await this.checkTree(log, children[1], first, padding)
  }

  /** The two children of a tree node, fetched (a seek proof, no block) when not stored here. */
  private async children (log: MemberLog, node: TreeNode, at: { bytes: number }): Promise<[TreeNode, TreeNode] | null> {
    const core = log.core as unknown as TreeCore
    const get = async (): Promise<Array<TreeNode | null>> => await Promise.all([flat.leftChild(node.index), flat.rightChild(node.index)].map(async (i) => await MerkleTree.get(core.state, i)))
    let nodes = await get()
    if (nodes.some((n) => n === null)) {
      try {
        await core.seek(at.bytes + 1, { wait: true, timeout: SEEK_TIMEOUT_MS })
      } catch {
        return null
      }
      nodes = await get()
    }
    return nodes[0] !== null && nodes[1] !== null ? [nodes[0], nodes[1]] : null
  }

  /**
   * Emit 'flood' (once per run) when a remote log grows faster than liveGrowthQuota. The
   * first sync of a run is checked against the time since the length we last saw, which
   * is kept in the core's user data, so restarting does not let a backlog through unseen.
   */
  private async watchGrowth (log: MemberLog): Promise<void> {
    const seen = parseSeen(await readUserJson(log.core, this.room, SEEN_KEY))
    let last = log.core.length
    let firstSync = true
    let windowStart = 0
    let grown = 0
    const flood = (n: number): void => {
      if (this.flooding.has(log.key)) return
      this.flooding.add(log.key)
      this.emit('flood', log, n)
    }
    const remember = (): void => { void writeUserJson(log.core, this.room, SEEN_KEY, { length: log.core.length, at: Date.now() }).catch(() => {}) }
    log.core.on('append', () => {
      const delta = log.core.length - last
      last = log.core.length
      const now = Date.now()
      if (firstSync) {
        firstSync = false
        if (seen !== null) this.checkBacklog(log.core.length - seen.length, seen.at, flood)
        windowStart = now
        grown = 0
        remember()
        return
      }
      if (now - windowStart >= liveGrowthQuota.windowMs) {
        windowStart = now
        grown = 0
        remember()
      }
      grown += delta
      if (grown > liveGrowthQuota.blocks) flood(grown)
    })
  }

  /** A backlog of `grown` blocks since `since` is a flood if it beats the quota's rate. */
  private checkBacklog (grown: number, since: number, flood: (n: number) => void): void {
    const windows = Math.max(1, Math.ceil((Date.now() - since) / liveGrowthQuota.windowMs))
    if (grown > liveGrowthQuota.blocks * windows) flood(grown)
  }

  /** Close every log session (idempotent). */
  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const { timer } of this.pending.values()) clearTimeout(timer)
    const logs = [...this.list(), ...[...this.pending.values()].map((p) => p.log)]
    this.pending.clear()
    await Promise.all(logs.map(async (l) => {
      if (!l.core.writable && !l.core.closed) await writeUserJson(l.core, this.room, SEEN_KEY, { length: l.core.length, at: Date.now() }).catch(() => {})
      await l.close()
    }))
  }
}

