/**
 * One member's log in one room: a block-encrypted Hypercore whose first block binds it
 * to the member's identity. The binding is verified once with tweetnacl and the result
 * cached in the core's local user data, because tweetnacl manages only ~64 verifies/s.
 * Every later block is authenticated by Hypercore's own signed Merkle tree.
 */
import type Corestore from 'corestore'
import type { Hypercore } from 'hypercore'
import { fail, fromSystemError } from '../errors/index.js'
import type { Identity } from '../identity/index.js'
import { sign } from '../identity/index.js'
import type { Room } from '../room/index.js'
import { emptyIndex, INDEX_KEY, indexRecord, positionsIn, seenBound, type IndexedMod, type LogIndex, type Positions, type PositionType } from './log-index.js'
import { checkBinding } from './binding.js'
import { loadExpiredTo, nextHeld, readablePast } from './expired-mark.js'
import { OpenedHostedBlocks } from './hosted-opened.js'
import { readUserData, writeUserData } from './user-data.js'
import { parseForkMark, parseIndex, parseVerdict, type ForkMark, type Verdict } from './stored-values.js'
import { bindingPayload, decodeRecord, encodeRecord, RECORD_VERSION, type BindingRecord, type Decoded, type LogRecord, type NewRecord } from './records.js'
import { ownCore } from '../home/core-names.js'

/** User-data key holding the cached, verified binding. */
const BINDING_CACHE = 'tamtam/binding/v1'

/** Blocks the first screen may read backwards to find a nickname the index has not reached. */
const NICK_SCAN_BUDGET = 2000

/** How many indexed blocks may go unpersisted before the nickname index is written. */
const NICK_PERSIST_EVERY = 10_000

/** Who a log belongs to, once its binding is verified; `host` for a phone's log, the node keeping it (hosted.ts). */
export interface Author { identity: string, name: string, host?: string }

export type { ForkMark } from './stored-values.js'

/** User-data key holding a log's fork mark (local, never sent). */
const FORK_MARK = 'tamtam/fork/v1'

/** Marks one Hypercore core object whose reorgs are guarded (sessions share it). */
const GUARDED: unique symbol = Symbol('tamtam.forkGuard')

/** A record read back from a log, with its position. */
export interface Entry { core: string, seq: number, record: LogRecord }

/** Name of the local core that holds our own log in a room. */
export function ownCoreName (room: Room): string {
  return `tamtam/room/${room.id}`
}

export type { IndexedMod } from './log-index.js'

/** A member log. Use `MemberLog.own` for ours and `MemberLog.remote` for others'. */
export class MemberLog {
  readonly core: Hypercore
  /** The room (the epoch, src/epochs) this log belongs to; RoomLogs.rebind moves it to a past epoch's Room. */
  room: Room
  /** Verified author, or null while unknown; `invalid` once the binding failed. */
  author: Author | null = null
  invalid = false
  /** Set once the author rewrote history (see ForkMark); persisted, so it survives restarts. */
  forked: ForkMark | null = null
  /** Called once the binding verdict is known (RoomLogs moves the log out of pending). */
  onVerdict: ((log: MemberLog) => void) | null = null
  /** Called when the log forks (RoomLogs emits 'fork'). */
  onFork: ((log: MemberLog) => void) | null = null
  /** Below this block, expiry (src/expiry) cleared what was too old: a missing block there is no gap. */
  expiredTo = 0
  /** Block numbers dropped as malformed or oversized, for diagnostics. */
  private readonly droppedSeqs = new Set<number>()
  /** Hosted blocks already opened and checked (a host reads its phones' records again and again). */
  private readonly hostedOpened = new OpenedHostedBlocks()
  private nick: LogIndex | null = null
  private lastTs = 0
  /** The verification in flight: every 'download' of a pending log asks, and one check answers them all. */
  private verifying: Promise<Author | null> | null = null

  /** Timestamp of the last record we appended (ts never goes backwards in a log). */
  get lastAppendTs (): number {
    return this.lastTs
  }
  private indexing: Promise<void> = Promise.resolve()
  private nickPersisted = 0

  private constructor (core: Hypercore, room: Room) {
    this.core = core
    this.room = room
  }

  /** Open (and bind, if new) our own log in a room. */
  static async own (store: Corestore, room: Room, identity: Identity): Promise<MemberLog> {
    const core = await ownCore(store, ownCoreName(room), { encryption: { key: room.keys.encryptionKey } })
    await core.ready()
    const log = new MemberLog(core, room)
    if (core.length === 0) await log.writeBinding(identity)
    await log.verifyBinding()
    log.expiredTo = await loadExpiredTo(core, room)
    const last = await log.read(core.length - 1)
    log.lastTs = last?.record.ts ?? 0
    return log
  }

  /** Open another member's log by key; the binding is checked when block 0 is local. */
  static async remote (store: Corestore, room: Room, key: Buffer): Promise<MemberLog> {
    const core = store.get({ key, encryption: { key: room.keys.encryptionKey } })
    await core.ready()
    const log = new MemberLog(core, room)
    const mark = await readUserData(core, room, FORK_MARK)
    if (mark !== null) log.forked = parseForkMark(mark)
    log.guardForks()
    log.expiredTo = await loadExpiredTo(core, room)
    await log.verifyBinding()
    return log
  }

  /**
   * Refuse any reorg of this log while we hold some of it. Hypercore follows a writer that
   * truncates and appends again (a new fork): it deletes the blocks past the common
   * ancestor and takes the new ones, so a message id would come back with other content.
   * Hypercore verifies a reorg (verifyReorg) before applying it; throwing there makes it
   * treat the data as invalid and pause that peer for this core, and nothing changes in
   * our store. A log we hold nothing of yet follows the fork and is only marked. Tested
   * against hypercore 11.39 (test/lan/hostile-member-fork.test.ts).
   */
  private guardForks (): void {
    const inner = (this.core as unknown as { core?: { verifyReorg?: (proof: unknown) => Promise<unknown>, [GUARDED]?: boolean } }).core
    if (inner?.verifyReorg === undefined || inner[GUARDED] === true) return
    inner[GUARDED] = true
    const original = inner.verifyReorg.bind(inner)
    inner.verifyReorg = async (proof: unknown) => {
      const fork = Number((proof as { fork?: number }).fork ?? 0)
      const held = this.core.contiguousLength
      // The author's signature first: any peer can send a reorg unasked (Hypercore takes
      // them even without pushes), and a forged one must not mark the member as a forger.
      const batch = await original(proof)
      if (this.forked === null) await this.markForked({ length: held, fork, seenAt: Date.now() })
      if (held > 0) throw new Error(`member log ${this.key.slice(0, 8)} rewrote history (fork ${fork}); keeping the ${held} blocks we hold`)
      return batch
    }
  }

  private async markForked (mark: ForkMark): Promise<void> {
    this.forked = mark
    await writeUserData(this.core, this.room, FORK_MARK, JSON.stringify(mark)).catch(() => {})
    this.onFork?.(this)
  }

  /** How many distinct blocks were dropped as malformed or oversized. */
  get dropped (): number {
    return this.droppedSeqs.size
  }

  /** Hex key of the core. */
  get key (): string {
    return this.core.key.toString('hex')
  }

  /**
   * Blocks readable locally without waiting for the network: the contiguous prefix, where
   * blocks expiry cleared (below expiredTo) count as held (reads of them return null).
   */
  get readable (): number {
    return this.core.writable ? this.core.length : readablePast(this.core, this.expiredTo)
  }

  private async writeBinding (identity: Identity): Promise<void> {
    const sig = sign(bindingPayload(this.room.keys.id, this.core.key, identity.publicKey), identity.secretKey)
    const binding: BindingRecord = {
      v: RECORD_VERSION, type: 'binding', ts: Date.now(), room: this.room.id, core: this.key,
      identity: identity.publicKey.toString('hex'), name: identity.name, sig: sig.toString('hex')
    }
    await this.core.append(encodeRecord(binding))
  }

  /**
   * Verify block 0 once and cache the verdict. Returns the author, or null when block 0
   * is not here yet or the binding is forged (then `invalid` is set and reads return nothing).
   */
  async verifyBinding (): Promise<Author | null> {
    if (this.author !== null || this.invalid) return this.author
    this.verifying ??= this.checkBindingOnce().finally(() => { this.verifying = null })
    return await this.verifying
  }

  private async checkBindingOnce (): Promise<Author | null> {
    const cached = parseVerdict(await readUserData(this.core, this.room, BINDING_CACHE))
    if (cached !== null) return this.adoptCached(cached)
    if (this.readable === 0) return null
    const block = await this.core.get(0, { wait: false })
    const verdict = checkBinding(block, this.room, this.core.key)
    await writeUserData(this.core, this.room, BINDING_CACHE, JSON.stringify(verdict))
    return this.adoptCached(verdict)
  }

  private adoptCached (verdict: Verdict): Author | null {
    if (!verdict.ok) this.invalid = true
    else this.author = { identity: String(verdict.identity), name: String(verdict.name), ...(typeof verdict.host === 'string' ? { host: verdict.host } : {}) }
    this.onVerdict?.(this)
    return this.author
  }

  /** Read and validate one block; null when missing, malformed or the log is unbound. */
  async read (seq: number): Promise<Entry | null> {
    if (seq >= this.readable) return null
    return await this.readHere(seq)
  }

  /**
   * Read and validate one block held here, wherever it is (a pushed block may sit past the
   * readable prefix); null when missing, malformed or the log is unbound. In a phone's
   * hosted log, every block must carry the phone's signature (hosted.ts).
   */
  async readHere (seq: number): Promise<Entry | null> {
    if (seq < 1 || this.invalid) return null
    const author = this.author ?? await this.verifyBinding()
    const block = await this.core.get(seq, { wait: false })
    const decoded: Decoded = author?.host === undefined
      ? decodeRecord(block)
      : block === null ? { ok: false, reason: 'missing block' } : this.hostedOpened.open(block, author.identity, this.room.keys.id, this.core.key, seq)
    if (!decoded.ok) {
      // A block expiry cleared is gone on purpose: not a bad block.
      if (this.droppedSeqs.size < 100_000 && !(block === null && seq < this.expiredTo)) this.droppedSeqs.add(seq)
      return null
    }
    return { core: this.key, seq, record: decoded.record }
  }

  /** Append records (ours only). Timestamps never go backwards within a log. */
  async append (records: NewRecord[], now = Date.now()): Promise<number[]> {
    if (!this.core.writable) throw new Error('cannot append to another member\'s log')
    if (this.author?.host !== undefined) throw new Error('a hosted log takes only blocks its phone signed')
    const blocks = records.map((r) => {
      this.lastTs = Math.max(now, this.lastTs)
      return encodeRecord({ ...r, v: RECORD_VERSION, ts: this.lastTs } as LogRecord)
    })
    let length: number
    try {
      ({ length } = await this.core.append(blocks))
    } catch (err) {
      throw fromSystemError(err, 'cannot append to the log')
    }
    await this.indexOwn(records, length)
    return blocks.map((_, i) => length - blocks.length + i)
  }

  /** Keep the nickname index current for our own appends, so no later scan is needed. */
  private async indexOwn (records: NewRecord[], length: number): Promise<void> {
    await this.serialised(async () => await this.indexOwnNow(records, length))
  }

  /** Run index updates one at a time, so two never interleave and write a stale index. */
  private async serialised (fn: () => Promise<void>): Promise<void> {
    const run = this.indexing.then(fn)
    this.indexing = run.catch(() => {})
    await run
  }

  private async indexOwnNow (records: NewRecord[], length: number): Promise<void> {
    const nick = await this.loadNickIndex()
    if (nick === null || nick.scanned !== length - records.length) return
    let changed = false
    records.forEach((r, i) => {
      changed = indexRecord(nick, length - records.length + i, { ...r, ts: this.lastTs } as unknown as Record<string, unknown>) || changed
    })
    nick.scanned = length
    await this.persistNickIndex(changed)
  }

  /**
   * Write the index to the core's user data. Each write costs a storage flush, which made
   * batched appends 5x slower when done every time; so write on a change, every
   * NICK_PERSIST_EVERY blocks, and on close. A crash only costs a short rescan.
   */
  private async persistNickIndex (force: boolean): Promise<void> {
    const nick = this.nick
    if (nick === null) return
    if (!force && nick.scanned - this.nickPersisted < NICK_PERSIST_EVERY) return
    await writeUserData(this.core, this.room, INDEX_KEY, JSON.stringify(nick))
    this.nickPersisted = nick.scanned
  }

  private async loadNickIndex (): Promise<LogIndex | null> {
    const author = await this.verifyBinding()
    if (author === null) return null
    if (this.nick === null) {
      const cached = await readUserData(this.core, this.room, INDEX_KEY)
      this.nick = parseIndex(cached) ?? emptyIndex(author.name)
      this.nickPersisted = this.nick?.scanned ?? 0
    }
    return this.nick
  }

  /**
   * Bring the nickname index up to the local length (the node calls this as blocks
   * arrive, so it reads each block once, in the background).
   */
  async indexNicknames (): Promise<void> {
    await this.serialised(async () => await this.indexNicknamesNow())
  }

  private async indexNicknamesNow (): Promise<void> {
    const nick = await this.loadNickIndex()
    if (nick === null) return
    const end = this.readable
    if (nick.scanned >= end) return
    let changed = false
    for (let seq = nick.scanned; seq < end; seq++) {
      const entry = await this.read(seq)
      if (entry !== null) changed = indexRecord(nick, seq, entry.record as unknown as Record<string, unknown>) || changed
    }
    nick.scanned = end
    await this.persistNickIndex(changed)
  }

  /**
   * The moderation records of this log (src/moderation), from the same index as the
   * nickname, so a view reads no block it has read before. When the index lags far behind
   * (a log just received in bulk), return what is indexed and catch up in the background:
   * the first screen stays fast and moderation applies a moment later.
   */
  async modRecords (): Promise<IndexedMod[]> {
    const nick = await this.loadNickIndex()
    if (nick === null) return []
    if (this.readable - nick.scanned <= NICK_SCAN_BUDGET) await this.indexNicknames()
    else void this.indexNicknames().catch(() => {})
    return nick.mods
  }

  /** Index a mod or setting record that arrived below the index's prefix (a hole an expiry mark passed: src/expiry). */
  async indexLate (seq: number): Promise<void> {
    await this.serialised(async () => {
      const index = await this.loadNickIndex()
      const entry = index === null || seq >= index.scanned || index.mods.some((m) => m.seq === seq) ? null : await this.readHere(seq)
      if ((entry?.record.type === 'mod' || entry?.record.type === 'room-setting') && indexRecord(index as LogIndex, seq, entry.record as unknown as Record<string, unknown>)) await this.persistNickIndex(true)
    })
  }

  /** The first block at or after `from` held here, or -1 (Hypercore's bitfield, no read). */
  nextHeld (from: number): number {
    return nextHeld(this.core, from)
  }

  /**
   * Where this log's records of `types` are (DMs, drill records), from the same index.
   * Unlike modRecords it always catches up first: a DM missing from `tamtam dms` would look
   * lost. The catch-up reads only blocks never indexed, and the index is kept, so each
   * block is read once.
   */
  async positions (types: readonly PositionType[]): Promise<Positions> {
    const index = await this.loadNickIndex()
    if (index === null) return { seqs: [], upTo: 1, capped: false }
    await this.indexNicknames()
    return positionsIn(index, types)
  }

  /**
   * Current nickname: the latest nick record, else the name in the binding. When the index
   * lags far behind (a log just received in bulk), look back at most NICK_SCAN_BUDGET blocks
   * so the first screen stays fast; the background index catches up later.
   */
  async currentName (): Promise<string | null> {
    const nick = await this.loadNickIndex()
    if (nick === null) return null
    const end = this.readable
    if (end - nick.scanned <= NICK_SCAN_BUDGET) {
      await this.indexNicknames()
      return nick.name
    }
    for (let seq = end - 1; seq >= end - NICK_SCAN_BUDGET; seq--) {
      const entry = await this.read(seq)
      if (entry?.record.type === 'nick') return (entry.record as { name: string }).name
    }
    return nick.name
  }

  /** Latest time block `seq` may be placed at: when this peer first indexed it (log-index.ts seenBound). */
  async seenBound (seq: number): Promise<number> {
    const index = await this.loadNickIndex()
    return index === null ? Infinity : seenBound(index, seq)
  }

  /** Close this session on the core. */
  async close (): Promise<void> {
    await this.serialised(async () => await this.persistNickIndex(true)).catch(() => {})
    await this.core.close()
  }
}

/** Raised by callers that need a verified author. */
export function bindingError (log: MemberLog): Error {
  return fail('BINDING_INVALID', `log ${log.key.slice(0, 8)}`)
}
