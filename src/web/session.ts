/**
 * The host's side of one phone session, version 1 (docs/protocol.md §17): what each frame
 * from the phone asks, once the socket's handshake named the room. The phone says hello
 * with its identity; the host opens the hosted log it keeps for that identity in the room
 * (§3a) and says welcome; the phone binds the log once, then appends records it signed;
 * it reads the room's timeline page by page, and is nudged when the room changes. Every
 * failure is an `error` frame with a stable code: a phone cannot crash the node.
 */
import { fail, isTamtamError } from '../errors/index.js'
import type { HostedWriter } from '../log/hosted-writer.js'
import { MAX_RECORD_BYTES, type BindingRecord } from '../log/records.js'
import { roomMembers, type Member } from '../members/index.js'
import { mentionMatcher } from '../names/mentions.js'
import type { PhoneMessage } from '../phone/index.js'
import type { Room } from '../room/index.js'
import type { Tamtam } from '../tamtam.js'
import { dmFrames, parseDmRequest, readDmRecords } from './dm-feed.js'
import { horizonOf } from '../moderation/room-settings.js'
import { fitFrame, historyFrames, parseHistory, type RoomExpiryFields } from './history.js'
import { PRESENCE_EVERY_MS, presenceOf, samePresence, type Presence } from './presence.js'
import { DOC_FRAMES, PhoneDocs, type DocsHost } from './phone-docs.js'

/** The version of the session protocol (§17). */
export const SESSION_VERSION = 1
/** Most `update` nudges a phone gets: one per this many ms, however fast the room changes. */
export const UPDATE_EVERY_MS = 250
/**
 * A block that arrives makes more than one change (its download, then the log's new
 * length): a nudge waits this long so the history it brings already holds the block.
 */
const SETTLE_MS = 15

/** What a session needs from its host. */
export interface SessionHost {
  tt: Tamtam
  /** The host's identity, hex (phones name it in their binding). */
  identity: string
  /** The hosted log of a phone, shared by every session of that phone in that room. */
  writer: (room: Room, phone: string) => Promise<HostedWriter>
  release: (writer: HostedWriter) => Promise<void>
  /** Member logs (hex keys) online in `room` as the host knows: its peers, itself, the phones it serves. */
  onlineLogs: (room: Room) => Set<string>
  warn: (err: unknown) => void
  /** Documents to and from phones; without it, document frames are USAGE errors. */
  docs?: DocsHost
}

const HEX64 = /^[0-9a-f]{64}$/

/** One phone's session in one room. */
export class PhoneSession {
  private readonly host: SessionHost
  private readonly room: Room
  private readonly send: (message: PhoneMessage) => void
  private writer: HostedWriter | null = null
  private closed = false
  private closing: Promise<void> | null = null
  private nudge: NodeJS.Timeout | null = null
  private lastNudge = 0
  private readonly docs: PhoneDocs | null
  private presenceTimer: NodeJS.Timeout | null = null
  private presence: Presence | null = null
  /** The members last sent: presence maps online logs to them between two member changes. */
  private members: Member[] = []

  /** `queued`: bytes waiting in the socket's buffer (a download sends only while it is low). */
  /** Id of the room this session serves (the server closes its sessions when the room is wiped). */
  get roomId (): string {
    return this.room.id
  }

  constructor (host: SessionHost, room: Room, send: (message: PhoneMessage) => void, queued: () => number = () => 0) {
    this.host = host
    this.room = room
    this.send = send
    this.docs = host.docs === undefined ? null : new PhoneDocs(host.docs, room, send, queued)
  }

  /** Whether a frame that just arrived is an upload's data frame, which the frame quota does not count. */
  exempt (message: PhoneMessage): boolean {
    return this.docs?.admit(message) ?? false
  }

  /** Whether the phone said hello and was welcomed. */
  get greeted (): boolean {
    return this.writer !== null
  }

  /** Handle one frame; answers go out through `send`. Never throws. */
  async receive (message: PhoneMessage): Promise<void> {
    try {
      await this.dispatch(message)
    } catch (err) {
      if (!isTamtamError(err)) this.host.warn(err)
      const code = isTamtamError(err) ? err.code : 'INTERNAL'
      const text = isTamtamError(err) ? err.message : 'the host could not do that'
      this.send({ t: 'error', re: message.t.slice(0, 32), code, message: text.slice(0, 500), ...this.positionHint(message) })
    }
  }

  private async dispatch (m: PhoneMessage): Promise<void> {
    if (m.t === 'hello') return await this.hello(m)
    if (this.writer === null) throw fail('USAGE', 'say hello first')
    if (m.t === 'bind') return await this.bind(this.writer, m)
    if (m.t === 'append') return await this.append(this.writer, m)
    if (m.t === 'history') return await this.history(m)
    if (m.t === 'members') return await this.sendMembers()
    if (this.docs !== null && DOC_FRAMES.has(m.t)) return await this.docs.receive(m, this.writer)
    if (m.t === 'dms') return await this.dms(m)
    throw fail('USAGE', `unknown frame type "${m.t.slice(0, 32)}"`)
  }

  private async hello (m: PhoneMessage): Promise<void> {
    if (this.writer !== null) throw fail('USAGE', 'hello was already said')
    if (m.v !== SESSION_VERSION) throw fail('USAGE', `this host speaks session version ${SESSION_VERSION}`)
    if (typeof m.identity !== 'string' || !HEX64.test(m.identity)) throw fail('USAGE', 'identity is 64 lowercase hex characters')
    const writer = await this.host.writer(this.room, m.identity)
    if (this.closed) return await this.host.release(writer)
    // The host's own member log: the hop a phone names as `via` when it acknowledges a drill probe.
    const hostLog = (await this.host.tt.logs(this.room)).own.key
    if (this.closed) return await this.host.release(writer)
    this.writer = writer
    this.send({ t: 'welcome', v: SESSION_VERSION, room: { id: this.room.id, name: this.room.name }, host: this.host.identity, hostLog, core: writer.key.toString('hex'), length: writer.length, bound: writer.bound })
    await this.sendMembers()
    if (!this.closed) this.presenceTimer = setInterval(() => { this.sendPresence().catch(this.host.warn) }, PRESENCE_EVERY_MS)
  }

  private async bind (writer: HostedWriter, m: PhoneMessage): Promise<void> {
    const binding = m.binding
    if (binding === null || typeof binding !== 'object' || Array.isArray(binding)) throw fail('USAGE', 'binding is a binding record')
    if (Buffer.byteLength(JSON.stringify(binding)) > MAX_RECORD_BYTES) throw fail('RECORD_TOO_LARGE', `a binding is at most ${MAX_RECORD_BYTES} bytes`)
    await writer.bind(binding as BindingRecord, this.host.identity)
    // Announced to the room like any member log: peers fetch it and check every block.
    await (await this.host.tt.logs(this.room)).addMember(writer.key)
    this.send({ t: 'bound', length: writer.length })
  }

  private async append (writer: HostedWriter, m: PhoneMessage): Promise<void> {
    if (!Number.isSafeInteger(m.seq) || (m.seq as number) < 1) throw fail('USAGE', 'seq is the position the block was signed for')
    if (typeof m.block !== 'string') throw fail('USAGE', 'block is the signed block, as a JSON string')
    const block = Buffer.from(m.block)
    if (block.length > MAX_RECORD_BYTES) throw fail('RECORD_TOO_LARGE', `a block is at most ${MAX_RECORD_BYTES} bytes`)
    if (m.seq !== writer.length) throw fail('HOSTED_INVALID', `the next position is ${writer.length}, not ${String(m.seq)}`)
    const seq = await writer.append(block)
    this.send({ t: 'appended', seq })
  }

  /** The room's expiry for the page (§17, the last `items` frame). */
  private async expiryFields (): Promise<RoomExpiryFields> {
    const expiry = (await this.host.tt.moderation(this.room)).expiry
    const horizon = horizonOf(expiry, this.host.tt.clock())
    return horizon === null ? { expire: 0 } : { expire: expiry?.seconds ?? 0, horizon }
  }

  private async history (m: PhoneMessage): Promise<void> {
    const { limit, before } = parseHistory(m)
    const items = await (await this.host.tt.timeline(this.room)).page({ limit, before })
    // Mentions are found here, with the room's members, so the page needs no name rules of its own.
    const mentioned = mentionMatcher(await roomMembers(this.host.tt, this.room))
    const marked = items.map((i) => i.type === 'msg' ? { ...i, mentions: mentioned(i.text) } : i)
    for (const frame of historyFrames(marked, await this.expiryFields())) this.send(frame)
  }

  /** The room's private messages since the phone's cursor, sealed: only the phone can open them. */
  private async dms (m: PhoneMessage): Promise<void> {
    const { since, limit } = parseDmRequest(m)
    for (const frame of dmFrames(await readDmRecords(await this.host.tt.logs(this.room), since, limit))) this.send(frame)
  }

  private async sendMembers (): Promise<void> {
    if (this.closed || this.writer === null) return
    const all = await roomMembers(this.host.tt, this.room)
    this.members = all
    const members = all.map((p) => ({ name: p.name, fingerprint: p.fingerprint, identity: p.identity }))
    const fit = fitFrame(members)
    if (!this.closed) this.send({ t: 'members', members: fit, more: fit.length < members.length })
    await this.sendPresence()
  }

  /** Who is online, and who holds the phone's log how far; sent when it changed. */
  private async sendPresence (): Promise<void> {
    if (this.closed || this.writer === null) return
    const now = presenceOf(await this.host.tt.logs(this.room), this.members, this.host.onlineLogs(this.room), this.writer.core)
    if (this.closed || samePresence(this.presence, now)) return
    this.presence = now
    this.send({ t: 'presence', ...now })
  }

  /** A log of `room` grew (the server listens once for every session). */
  roomChanged (room: Room): void {
    if (room.id !== this.room.id) return
    this.scheduleUpdate()
    this.sendPresence().catch(this.host.warn)
  }

  /** A member log joined `room`. */
  membersChanged (room: Room): void {
    if (room.id === this.room.id) this.sendMembers().catch(this.host.warn)
  }

  /** Many changes in a burst make one nudge: the phone asks for history when it wants. */
  private scheduleUpdate (): void {
    if (this.closed || this.writer === null || this.nudge !== null) return
    // The first change after a quiet spell is told almost at once (a message alone arrives
    // fast); changes within UPDATE_EVERY_MS of the last nudge wait for one more.
    const wait = Math.max(SETTLE_MS, this.lastNudge + UPDATE_EVERY_MS - Date.now())
    this.nudge = setTimeout(() => {
      this.nudge = null
      this.sendNudge()
    }, wait)
  }

  private sendNudge (): void {
    if (this.closed) return
    this.lastNudge = Date.now()
    this.send({ t: 'update' })
  }

  /** On a refused append, where the next block goes: the phone signs again for it. */
  private positionHint (m: PhoneMessage): Record<string, number> {
    return m.t === 'append' && this.writer !== null ? { length: this.writer.length } : {}
  }

  /** Stop nudging and let go of the hosted log (idempotent: every call waits for the same close). */
  async close (): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true
      if (this.nudge !== null) clearTimeout(this.nudge)
      await this.docs?.close()
      if (this.presenceTimer !== null) clearInterval(this.presenceTimer)
      if (this.writer !== null) await this.host.release(this.writer)
    })()
    await this.closing
  }
}
