/**
 * The automatic side of drills, running in every node:
 * - a participant acknowledges each probe the moment its block arrives, recording when
 *   (its own clock) and through which peer (the member whose connection delivered it);
 * - a facilitator records when acknowledgements of its own probes arrive (its clock), in
 *   drill-seen records, so round trips can be rebuilt from the logs alone.
 * Only live downloads count: blocks already stored when the node started are not acked.
 */
import { EventEmitter } from 'node:events'
import type { MemberLog } from '../log/member-log.js'
import { MAX_SEEN_PER_RECORD } from '../log/records.js'
import type { Room } from '../room/index.js'
import { drillAckOn } from '../room/settings.js'
import type { Tamtam } from '../tamtam.js'
import { messageId } from '../timeline/index.js'

/** A connection as the responder needs it: who is at the other end, per room. */
export interface PeerView { stream: { remotePublicKey: Buffer | null }, remoteSelf: Map<string, string> }

/** How often pending receipts are written, in ms. */
export const SEEN_FLUSH_MS = 1000

/** Acknowledges probes and records receipts of our own probes' acknowledgements. */
export class DrillResponder extends EventEmitter {
  /** Acknowledgements written so far, for status output and tests. */
  acked = 0
  private readonly tt: Tamtam
  private readonly peers: () => PeerView[]
  private readonly watched = new WeakSet<MemberLog>()
  private readonly ackedProbes = new Set<string>()
  /** room id → drill → [ack id, facilitator clock] waiting to be written. */
  private readonly pending = new Map<string, Map<string, Array<[string, number]>>>()
  private timer: NodeJS.Timeout | null = null
  private stopped = false

  constructor (tt: Tamtam, peers: () => PeerView[]) {
    super()
    this.tt = tt
    this.peers = peers
  }

  private readonly onMember = (room: Room, log: MemberLog): void => this.watch(room, log)
  private readonly onRooms = (): void => { void this.watchAll() }

  /** Watch every room's logs now and as members and rooms are added. */
  async start (): Promise<void> {
    this.tt.on('member', this.onMember)
    this.tt.on('rooms', this.onRooms)
    this.tt.on('store-reopened', this.onRooms)
    await this.watchAll()
    this.timer = setInterval(() => { void this.flush().catch((err) => this.emit('warning', err)) }, SEEN_FLUSH_MS)
    this.timer.unref()
  }

  private async watchAll (): Promise<void> {
    for (const room of this.tt.rooms.list()) {
      const logs = await this.tt.logs(room)
      for (const log of logs.list()) this.watch(room, log)
    }
  }

  private watch (room: Room, log: MemberLog): void {
    if (this.watched.has(log)) return
    if (log.core.writable) {
      void this.watchHosted(room, log).catch((err) => this.emit('warning', err))
      return
    }
    this.watched.add(log)
    log.core.on('download', (index: number, _bytes: number, from?: { remotePublicKey?: Buffer | null }) => {
      const at = this.tt.clock()
      void this.onBlock(room, log, index, at, from?.remotePublicKey ?? null).catch((err) => this.emit('warning', err))
    })
  }

  /**
   * A phone's hosted log, kept by this node: its blocks are appended here, never downloaded,
   * so they are read as they are appended. Without this, a drill run by the phone's own host
   * never timed the phone's acknowledgements (its clock showed as unverified).
   */
  private async watchHosted (room: Room, log: MemberLog): Promise<void> {
    if (log.key === (await this.tt.logs(room)).own.key || this.watched.has(log)) return
    this.watched.add(log)
    let next = log.core.length
    log.core.on('append', () => {
      const at = this.tt.clock()
      for (; next < log.core.length; next++) void this.onBlock(room, log, next, at, null).catch((err) => this.emit('warning', err))
    })
  }

  private async onBlock (room: Room, log: MemberLog, index: number, at: number, from: Buffer | null): Promise<void> {
    if (this.stopped || index === 0 || await log.verifyBinding() === null) return
    // readHere: a pushed probe may arrive past the readable prefix; a phone's log is checked too.
    const entry = await log.readHere(index)
    if (entry === null) return
    const r = entry.record as unknown as Record<string, unknown>
    if (r.type === 'drill-probe') await this.acknowledge(room, log, index, r, at, from)
    else if (r.type === 'drill-ack') await this.noteSeen(room, log, index, r, at)
  }

  private async acknowledge (room: Room, log: MemberLog, index: number, r: Record<string, unknown>, at: number, from: Buffer | null): Promise<void> {
    const current = this.tt.rooms.list().find((x) => x.id === room.id)
    if (current === undefined || !drillAckOn(current)) return
    const probe = messageId(log.key, index)
    if (this.ackedProbes.has(probe)) return
    this.ackedProbes.add(probe)
    const via = from === null ? null : this.memberBehind(from, room)
    await this.tt.write(async () => {
      const logs = await this.tt.logs(room)
      await logs.own.append([{ type: 'drill-ack', drill: String(r.drill), probe, receivedAt: at, via }], this.tt.clock())
    })
    this.acked++
    this.emit('ack', { room: room.name, drill: String(r.drill), probe, via })
  }

  /** The member log of whoever is at the other end of a connection, in this room. */
  private memberBehind (remoteKey: Buffer, room: Room): string | null {
    const peer = this.peers().find((p) => p.stream.remotePublicKey?.equals(remoteKey) === true)
    return peer?.remoteSelf.get(room.id) ?? null
  }

  private async noteSeen (room: Room, log: MemberLog, index: number, r: Record<string, unknown>, at: number): Promise<void> {
    const logs = await this.tt.logs(room)
    // Only acknowledgements of our own probes are timed; the probe id names its log.
    if (!String(r.probe).startsWith(messageId(logs.own.key, 0).split('.')[0] + '.')) return
    const byDrill = this.pending.get(room.id) ?? new Map<string, Array<[string, number]>>()
    const list = byDrill.get(String(r.drill)) ?? []
    list.push([messageId(log.key, index), at])
    byDrill.set(String(r.drill), list)
    this.pending.set(room.id, byDrill)
  }

  /** Write pending receipts as drill-seen records (at most MAX_SEEN_PER_RECORD each). */
  async flush (): Promise<void> {
    const pending = [...this.pending]
    this.pending.clear()
    for (const [roomId, byDrill] of pending) {
      const room = this.tt.rooms.list().find((x) => x.id === roomId)
      if (room === undefined) continue
      const records = [...byDrill].flatMap(([drill, seen]) => {
        const chunks = []
        for (let i = 0; i < seen.length; i += MAX_SEEN_PER_RECORD) chunks.push({ type: 'drill-seen' as const, drill, seen: seen.slice(i, i + MAX_SEEN_PER_RECORD) })
        return chunks
      })
      await this.tt.write(async () => { await (await this.tt.logs(room)).own.append(records, this.tt.clock()) })
    }
  }

  /** Stop watching; writes what is pending first. */
  async stop (): Promise<void> {
    if (this.stopped) return
    if (this.timer !== null) clearInterval(this.timer)
    this.tt.off('member', this.onMember)
    this.tt.off('rooms', this.onRooms)
    this.tt.off('store-reopened', this.onRooms)
    await this.flush().catch((err) => this.emit('warning', err))
    this.stopped = true
  }
}
