/**
 * One-trip delivery (protocol §5a). Without it a new block costs five one-way trips: the
 * writer's peer learns the new length, asks for the upgrade, gets it, asks for the block
 * and gets it. With it, a peer that appends to its log, or that has just received and
 * verified a recent block of a log it carries, sends the block with its proof straight to
 * the peers of that room (Hypercore 11's own push: a `data` message with request id 0,
 * verified by the receiver exactly like a requested block). Hypercore's replication stays
 * as it was, for history and for whatever a push missed.
 *
 * Bounds (pushLimits): only the newest block of each append is pushed, only blocks near the
 * tail of a log are accepted, one block of at most a record's size per message, a quota of pushes per connection per window, and a
 * connection that sends a few pushes that fail verification is cut.
 *
 * Copies: a receiver that gets a block it already holds drops it unverified, counts it, and
 * asks that sender to stop pushing that log to it (`push-mute`). The peer whose push arrived
 * first stays unmuted, so each log settles on one upstream per receiver. When that upstream
 * disconnects, the receiver lifts its mutes for the log (`push-mute` with muted false).
 */
import type { Hypercore } from 'hypercore'
import { MAX_RECORD_BYTES } from '../log/records.js'
import { memberQuota } from '../log/room-logs.js'
import { gateData, type DataGate, type HypercorePeer, type InternalCore, type Verdict, type WireData } from './push-gate.js'
import { WindowQuota } from './window-quota.js'

/**
 * The bounds of pushing; writable so tests can lower them.
 * - `window`: a push is accepted only for a block among this many at the tail of the log;
 * - `maxBlockBytes`: largest pushed block, a record at its cap plus room for encryption;
 * - `quota` pushes per connection in `quotaWindowMs`, over which the peer is cut as a flooder;
 * - `spacingMs`: at most one push of a log per this many ms; a burst pushes its newest block;
 * - `invalidLimit`: pushes failing verification one connection may send in `quotaWindowMs`
 *   before it is cut (honest pushes can fail too, when the tree moved while they travelled).
 */
export const pushLimits = { window: 32, maxBlockBytes: MAX_RECORD_BYTES + 1024, quota: 4096, quotaWindowMs: 10_000, invalidLimit: 16, spacingMs: 50 }

/** Why a push was dropped. */
export type PushDrop = 'oversized' | 'stale' | 'early' | 'limit' | 'fork' | 'forged' | 'quota' | 'unknown'

/** What pushing did on this node, for `status` and the benchmarks. */
export interface PushStats {
  /** Blocks offered to peers that accept pushes. */
  sent: number
  /** Pushed blocks verified and stored. */
  received: number
  receivedBytes: number
  /** Pushed blocks that were already held here (dropped unverified). */
  duplicates: number
  duplicateBytes: number
  dropped: Record<PushDrop, number>
}

/** What the pusher needs of a connection's room session. */
export interface PushSession {
  readonly stream: unknown
  sendPushMute: (roomId: string, core: Buffer, muted: boolean) => void
  disconnectFlooder: (detail: string) => void
}

interface Connection {
  session: PushSession
  quota: WindowQuota
  invalid: WindowQuota
  /** Logs (hex) this peer asked us not to push to it. */
  mutedByPeer: Set<string>
  /** Logs (hex) we asked this peer not to push to us. */
  mutedByUs: Set<string>
}

interface PushedCore { roomId: string, key: Buffer, hex: string }

/** Pushing and receiving pushes for every core of one node. */
export class BlockPush {
  readonly stats: PushStats = { sent: 0, received: 0, receivedBytes: 0, duplicates: 0, duplicateBytes: 0, dropped: { oversized: 0, stale: 0, early: 0, limit: 0, fork: 0, forged: 0, quota: 0, unknown: 0 } }
  private readonly connections = new Map<unknown, Connection>()
  private readonly cores = new WeakMap<InternalCore, PushedCore>()
  private readonly byHex = new Map<string, PushedCore>()
  /** Per log (hex), when we last pushed it, and the push waiting for the spacing to end. */
  private readonly lastPush = new Map<string, number>()
  private readonly pending = new Map<string, { except: HypercorePeer | null, timer: NodeJS.Timeout }>()
  /** Per log (hex), the connection we take its pushes from: the first whose push we stored. */
  private readonly upstream = new Map<string, unknown>()
  /** Per log (hex), the last block stored from a push and the connection it came from. */
  private readonly lastFirst = new Map<string, { index: number, stream: unknown }>()
  private readonly gate: DataGate = { admit: (peer, data) => this.admit(peer, data), handled: (peer, data, invalid) => this.handled(peer, data, invalid) }

  /** Track a connection's session (until `forget`). */
  addConnection (session: PushSession): void {
    this.connections.set(session.stream, { session, quota: new WindowQuota(pushLimits.quota, pushLimits.quotaWindowMs), invalid: new WindowQuota(pushLimits.invalidLimit, pushLimits.quotaWindowMs), mutedByPeer: new Set(), mutedByUs: new Set() })
  }

  /** A connection closed: logs it was our upstream for take pushes from every peer again. */
  forget (stream: unknown): void {
    this.connections.delete(stream)
    for (const [hex, from] of this.upstream) {
      if (from !== stream) continue
      this.upstream.delete(hex)
      this.lastFirst.delete(hex)
      for (const conn of this.connections.values()) {
        if (!conn.mutedByUs.delete(hex)) continue
        const pushed = this.byHex.get(hex)
        if (pushed !== undefined) conn.session.sendPushMute(pushed.roomId, pushed.key, false)
      }
    }
  }

  /** The peer asked us to stop (or resume) pushing a log to it. */
  onMute (stream: unknown, core: Buffer, muted: boolean): void {
    const conn = this.connections.get(stream)
    if (conn === undefined) return
    if (muted) conn.mutedByPeer.add(core.toString('hex'))
    else conn.mutedByPeer.delete(core.toString('hex'))
  }

  /**
   * Push this core's new blocks and accept pushes for it (once per core). Our own log pushes
   * what we append; a log we carry pushes what we receive, to everyone but the sender.
   */
  enable (core: Hypercore, roomId: string): void {
    const inner = internalOf(core)
    if (inner === null || this.cores.has(inner)) return
    const key = core.key as Buffer
    const pushed = { roomId, key, hex: key.toString('hex') }
    this.cores.set(inner, pushed)
    this.byHex.set(pushed.hex, pushed)
    // Only the newest block of each append, and of each push received: such a push always
    // carries its upgrade, and Hypercore verifies upgrades in order. Several blocks pushed at
    // once raced at the receiver (a block without its upgrade verified before the upgrade
    // landed, found by test/dm/incremental.test.ts with appends of 500); a batch's other blocks
    // arrive by replication, which asks for them as soon as the pushed upgrade lands.
    if (core.writable) {
      core.on('append', () => this.pushSoon(core, null))
      return
    }
    gateData(inner, this.gate)
    replicatorOf(core)?.setAllowPush(true)
    core.on('download', (index: number, bytes: number, from: HypercorePeer | null, request: unknown) => {
      const pushed = request === null || request === undefined
      if (pushed && index === core.length - 1 && bytes <= pushLimits.maxBlockBytes) this.pushSoon(core, from)
    })
  }

  /**
   * Push the newest block now, or, within `spacingMs` of the last push of this log, once
   * at the end of that spacing (the newest block then). A member appending 2,000 records as
   * fast as it can made every peer verify 2,000 upgrades (test/robustness/hostile-peers);
   * coalesced, a burst costs a push every few tens of milliseconds and replication, which
   * the pushed upgrade starts, fetches the rest in ranges.
   */
  private pushSoon (core: Hypercore, except: HypercorePeer | null): void {
    const hex = (core.key as Buffer).toString('hex')
    const now = Date.now()
    const last = this.lastPush.get(hex) ?? 0
    if (now - last >= pushLimits.spacingMs) {
      this.lastPush.set(hex, now)
      this.pushTo(core, core.length - 1, except)
      return
    }
    const waiting = this.pending.get(hex)
    if (waiting !== undefined) {
      waiting.except = except // the newest block's sender, which holds it
      return
    }
    const entry = { except, timer: setTimeout(() => {
      this.pending.delete(hex)
      this.lastPush.set(hex, Date.now())
      if (!core.closed) this.pushTo(core, core.length - 1, entry.except)
    }, pushLimits.spacingMs - (now - last)) }
    entry.timer.unref()
    this.pending.set(hex, entry)
  }

  /** Stop pending pushes (the node is closing). */
  close (): void {
    for (const { timer } of this.pending.values()) clearTimeout(timer)
    this.pending.clear()
  }

  private pushTo (core: Hypercore, index: number, except: HypercorePeer | null): void {
    const hex = (core.key as Buffer).toString('hex')
    for (const peer of replicatorOf(core)?.peers ?? []) {
      if (peer === except || !peer.remoteAllowPush) continue
      const conn = this.connections.get(peer.stream)
      if (conn === undefined || conn.mutedByPeer.has(hex)) continue
      this.stats.sent++
      void peer.push(index).catch(() => {})
    }
  }

  private admit (peer: HypercorePeer, data: WireData): Verdict {
    if (data.request !== 0) return 'pass' // replies to our requests are Hypercore's business
    // An unasked reorg: Hypercore takes it even without pushes, and one forged fork number
    // stalled the log on that connection (found by test/fuzz/push.test.ts). An author's real
    // fork still arrives, in the reply to the upgrade its new fork makes us ask for.
    if (data.fork !== peer.core.state.fork) return this.drop('fork')
    if (data.block === null || data.block.value === null) return 'pass'
    const conn = this.connections.get(peer.stream)
    if (conn === undefined) return this.drop('unknown')
    if (!conn.quota.take(Date.now())) {
      conn.session.disconnectFlooder(`peer pushed over ${pushLimits.quota} blocks in ${pushLimits.quotaWindowMs} ms`)
      return this.drop('quota')
    }
    const { index } = data.block
    const bytes = data.block.value.byteLength
    if (bytes > pushLimits.maxBlockBytes) return this.drop('oversized')
    if (index >= memberQuota.maxBlocks) return this.drop('limit')
    const known = Math.max(peer.core.state.length, data.upgrade === null ? 0 : data.upgrade.start + data.upgrade.length)
    if (index < known - pushLimits.window) return this.drop('stale')
    // A block past our length without the upgrade that proves it cannot verify yet.
    if (data.upgrade === null && index >= peer.core.state.length) return this.drop('early')
    if (peer.core.bitfield?.get(index) === true) {
      this.stats.duplicates++
      this.stats.duplicateBytes += bytes
      this.muteUpstreamCopy(peer, conn, index)
      return 'drop'
    }
    return 'pass'
  }

  private handled (peer: HypercorePeer, data: WireData, invalid: boolean): void {
    if (data.request !== 0 || data.block === null || data.block.value === null) return
    const conn = this.connections.get(peer.stream)
    const { index } = data.block
    if (peer.core.bitfield?.get(index) !== true) {
      // Not stored: Hypercore marked the block in flight when the push came and, when its
      // verification only says no (the tree moved meanwhile), never unmarks it, so nobody
      // would ask for it again. Unmark it and let replication fetch it.
      peer.replicator._unmarkInflight(index)
      peer.replicator.queueUpdateAll()
    }
    if (invalid) {
      this.drop('forged')
      if (conn !== undefined && !conn.invalid.take(Date.now())) conn.session.disconnectFlooder(`peer pushed over ${pushLimits.invalidLimit} blocks that failed verification in ${pushLimits.quotaWindowMs} ms`)
      return
    }
    const pushed = this.cores.get(peer.core)
    if (pushed === undefined || peer.core.bitfield?.get(index) !== true) return
    this.stats.received++
    this.stats.receivedBytes += data.block.value.byteLength
    if (!this.upstream.has(pushed.hex)) this.upstream.set(pushed.hex, peer.stream)
    this.lastFirst.set(pushed.hex, { index: data.block.index, stream: peer.stream })
  }

  /**
   * A copy of a block we hold: ask its sender to stop pushing this log to us (once). Only
   * once a push was stored, so a block that came by request mutes nobody, and never the
   * upstream, unless another connection, not muted, beat it to this very block: then that
   * one becomes the upstream. So at least one connection keeps pushing each log to us.
   */
  private muteUpstreamCopy (peer: HypercorePeer, conn: Connection, index: number): void {
    const pushed = this.cores.get(peer.core)
    if (pushed === undefined || conn.mutedByUs.has(pushed.hex)) return
    const upstream = this.upstream.get(pushed.hex)
    if (upstream === undefined) return
    if (upstream === peer.stream) {
      const first = this.lastFirst.get(pushed.hex)
      const winner = first === undefined ? undefined : this.connections.get(first.stream)
      if (first?.index !== index || first.stream === upstream || winner === undefined || winner.mutedByUs.has(pushed.hex)) return
      this.upstream.set(pushed.hex, first.stream)
    }
    conn.mutedByUs.add(pushed.hex)
    conn.session.sendPushMute(pushed.roomId, pushed.key, true)
  }

  private drop (reason: PushDrop): 'drop' {
    this.stats.dropped[reason]++
    return 'drop'
  }
}

interface CoreReplicator { peers: HypercorePeer[], setAllowPush: (allow: boolean) => void }

function internalOf (core: Hypercore): InternalCore | null {
  return (core as unknown as { core: InternalCore | null }).core ?? null
}

function replicatorOf (core: Hypercore): CoreReplicator | null {
  return (core as unknown as { core: { replicator: CoreReplicator } | null }).core?.replicator ?? null
}
