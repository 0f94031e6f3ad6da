/**
 * The phone's side of a session (docs/protocol.md §17), without the DOM: hello, then bind
 * the hosted log once, read the history, ask it again on each `update`, and append signed
 * records one at a time at the position the host last gave: the person's messages, and a
 * `drill-ack` for each drill probe that arrives while the page is open. A refused append
 * that names a `length` is signed again for it, once.
 */
import type { PhoneMessage } from '../../src/phone/index.js'
import { DmSync } from './dm-sync.js'
import type { PhoneDm, PhoneDms, SealRefusal } from './dms.js'
import { ProbeWatch } from './drill.js'
import { HistoryWindow } from './history.js'
import { People, type Person } from './people.js'
import type { PhoneKeys } from './identity.js'
import { signBinding, signRecord, type HostedLog, type NewRecord } from './signing.js'

/** A timeline item as the host sends it (already sanitised; still shown as text only). */
export interface Item {
  id: string, author: string, authorKey: string, name: string, ts: number, type: string, text: string, core: string, seq: number
  deleted?: boolean, moderated?: boolean, edited?: boolean
  /** On a `msg`: the identities it mentions (the host finds them with the room's names). */
  mentions?: string[]
  /** On a `drill-probe`: `drill` is the drill's id (hosts older than it leave it out). */
  probe?: { drill?: string }
}

/** What the page hears from a session. */
export interface SessionEvents {
  room: (name: string) => void
  /** The items kept, oldest first; `older` when an older page was added (keep the scroll place). */
  items: (items: Item[], view: { older: boolean, moreBefore: boolean }) => void
  people: (people: Person[]) => void
  /** "Seen by k of n" of my last message, or null when I wrote none in what is shown. */
  seen: (seen: { k: number, n: number } | null) => void
  refused: (detail: string) => void
  /** Private messages that just opened (dm-view.ts); the member list as the host sent it. */
  dms?: (fresh: PhoneDm[]) => void
  members?: (members: Member[]) => void
  /** The room's expiry in seconds (0: messages are kept), after each history answer. */
  expiry?: (seconds: number) => void
}

/** A member as the host lists it (sanitised names, still shown as text only). */
export interface Member { name: string, fingerprint: string, identity: string }

/** Least time between two requests for the latest page. */
export const HISTORY_EVERY_MS = 500

export class Session {
  private readonly send: (m: PhoneMessage) => boolean
  private readonly me: PhoneKeys
  private readonly name: string
  private readonly events: SessionEvents
  private readonly probes: ProbeWatch
  private log: HostedLog | null = null
  /** The host's own member log in the room: the hop probes come through (`via`). */
  private hostLog: string | null = null
  private length = 0
  private readonly outbox: NewRecord[] = []
  private inFlight: { record: NewRecord, retried: boolean } | null = null
  private readonly window = new HistoryWindow()
  private lastHistory = 0
  private historyTimer: ReturnType<typeof setTimeout> | null = null
  readonly people = new People()
  private readonly dmSync: DmSync | null
  private readonly dms: PhoneDms | null

  /** `probes` and `dms` outlive a session when the page reconnects, so a probe is acked once per page load. */
  constructor (send: (m: PhoneMessage) => boolean, me: PhoneKeys, name: string, events: SessionEvents, probes = new ProbeWatch(), dms: PhoneDms | null = null) {
    this.send = send
    this.me = me
    this.name = name
    this.events = events
    this.probes = probes
    this.dms = dms
    this.dmSync = dms === null ? null : new DmSync(send, dms, (fresh) => events.dms?.(fresh))
  }

  /** The channel is open: say who we are. */
  start (): void {
    this.send({ t: 'hello', v: 1, identity: this.me.hex, name: this.name })
  }

  /** Queue a message; it goes once the ones before it are stored. */
  write (text: string): void {
    this.outbox.push({ type: 'msg', text })
    this.pump()
  }

  /** Queue any record (a document's `doc`); it goes once the ones before it are stored. */
  announce (record: NewRecord): void {
    this.outbox.push(record)
    this.pump()
  }

  /** Seal a private message to `to` (identity hex) and queue it; null once queued, else why not. */
  writeDm (to: string, text: string): SealRefusal | null {
    const sealed = this.dms === null ? 'badKey' : this.dms.seal(to, text)
    if (typeof sealed === 'string') return sealed
    this.outbox.push({ type: 'dm', ...sealed })
    this.pump()
    return null
  }

  /** One frame from the host. */
  receive (m: PhoneMessage): void {
    if (m.t === 'welcome') this.welcome(m)
    else if (m.t === 'bound') this.length = m.length as number
    else if (m.t === 'items') this.items(m)
    else if (m.t === 'update') { this.history(); this.dmSync?.nudge() }
    else if (m.t === 'dm-records') this.dmSync?.receive(m)
    else if (m.t === 'members') {
      this.dmSync?.members(m)
      this.events.members?.(Array.isArray(m.members) ? m.members as Member[] : [])
      this.peopleChanged(() => this.people.membersFrame(m))
    } else if (m.t === 'presence') this.peopleChanged(() => this.people.presenceFrame(m))
    else if (m.t === 'appended') this.appended(m)
    else if (m.t === 'error') this.error(m)
  }

  private welcome (m: PhoneMessage): void {
    const room = m.room as { id: string, name: string }
    this.log = { room: room.id, core: m.core as string, host: m.host as string }
    this.hostLog = typeof m.hostLog === 'string' && /^[0-9a-f]{64}$/.test(m.hostLog) ? m.hostLog : null
    this.length = m.length as number
    this.events.room(String(room.name))
    if (m.bound !== true) this.send({ t: 'bind', binding: signBinding(this.me, this.name, this.log, Date.now()) })
    this.history()
    this.dmSync?.ask()
    this.pump()
  }

  /**
   * Ask the latest page, at most once per HISTORY_EVERY_MS: the host nudges up to four
   * times a second in a busy room, and the host closes a phone that sends more than 50
   * frames in 10 s (§17 limits), which history alone would reach.
   */
  private history (): void {
    const wait = this.lastHistory + HISTORY_EVERY_MS - Date.now()
    if (wait > 0) {
      this.historyTimer ??= setTimeout(() => {
        this.historyTimer = null
        this.history()
      }, wait)
      return
    }
    const ask = this.window.askLatest()
    if (ask === null) return
    this.lastHistory = Date.now()
    this.send(ask)
  }

  /** Ask the page before the oldest item shown (the person scrolled back). */
  older (): void {
    const ask = this.window.askOlder()
    if (ask !== null) this.send(ask)
  }

  private items (m: PhoneMessage): void {
    const answer = this.window.take(m)
    if (answer === null) return
    this.events.expiry?.(this.window.expiry.expire)
    // Only the latest page brings probes that arrive now; older pages are history.
    if (answer.ask === 'latest') this.acknowledge(answer.items)
    this.showItems(answer.ask === 'older')
    if (answer.again) this.history()
  }

  private showItems (older: boolean): void {
    const items = this.window.all()
    this.events.items(items, { older, moreBefore: this.window.moreBefore })
    this.showSeen(items)
  }

  private showSeen (items = this.window.all()): void {
    const core = this.log?.core
    const mine = items.filter((i) => i.core === core && i.type === 'msg').pop()
    this.events.seen(mine === undefined ? null : this.people.seen(mine.seq))
  }

  private peopleChanged (change: () => void): void {
    change()
    this.events.people(this.people.list())
    this.showSeen()
  }

  /** Queue a `drill-ack` for each probe that arrived while the page is open (§3 "Drills"). */
  private acknowledge (items: Item[]): void {
    const receipts = this.probes.arrived(items, Date.now())
    for (const r of receipts) this.outbox.push({ type: 'drill-ack', drill: r.drill, probe: r.probe, receivedAt: r.receivedAt, via: this.hostLog })
    if (receipts.length > 0) this.pump()
  }

  private pump (): void {
    if (this.inFlight !== null || this.log === null || this.outbox.length === 0) return
    this.inFlight = { record: this.outbox.shift() as NewRecord, retried: false }
    this.append()
  }

  private append (): void {
    const flight = this.inFlight
    if (flight === null || this.log === null) return
    this.send({ t: 'append', seq: this.length, block: signRecord(this.me, this.log, this.length, flight.record, Date.now()) })
  }

  private appended (m: PhoneMessage): void {
    this.length = (m.seq as number) + 1
    this.inFlight = null
    this.pump()
  }

  private error (m: PhoneMessage): void {
    if (m.re === 'dms') return this.dmSync?.refused()
    if (m.re !== 'append' || this.inFlight === null) return this.events.refused(String(m.message ?? m.code))
    if (typeof m.length === 'number' && !this.inFlight.retried) {
      this.length = m.length
      this.inFlight.retried = true
      return this.append()
    }
    this.inFlight = null
    this.events.refused(String(m.message ?? m.code))
    this.pump()
  }
}
