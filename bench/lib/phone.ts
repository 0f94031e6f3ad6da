/**
 * A phone in Node for the benchmarks (issue 20): what the browser page does, over a real
 * WebSocket, without a browser. It runs the §16 handshake with src/phone's client, then
 * §17 in encrypted frames, with a tweetnacl identity of its own, signing its binding and
 * records as the page does. Same steps as test/web/phone-client.ts (benches do not import
 * tests); `localAddress` lets many phones come from distinct loopback addresses, since the
 * host caps sockets per address.
 */
import nacl from 'tweetnacl'
import WebSocket from 'ws'
import { hostedBindingPayload, signHostedBlock } from '../../src/log/hosted.js'
import type { MessageRecord } from '../../src/log/records.js'
import { PhoneChannel, PhoneClientHandshake, type PhoneMessage } from '../../src/phone/index.js'

/** The page's pacing (web/src/session.ts HISTORY_EVERY_MS, web/src/dm-sync.ts DM_NUDGE_GAP_MS; the page is not importable from here). */
const HISTORY_EVERY_MS = 500
const DM_NUDGE_GAP_MS = 2000

/** One kind of request the page repeats on nudges: at most one in flight, at most one per `gapMs`. */
class Paced {
  asking = false
  private again = false
  private last = 0
  private timer: NodeJS.Timeout | null = null

  constructor (private readonly gapMs: number, private readonly ask: () => void) {}

  nudge (): void {
    if (this.asking) {
      this.again = true
      return
    }
    if (this.timer !== null) return
    const wait = this.last + this.gapMs - Date.now()
    if (wait > 0) {
      this.timer = setTimeout(() => { this.timer = null; this.nudge() }, wait)
      return
    }
    this.asking = true
    this.last = Date.now()
    this.ask()
  }

  answered (): void {
    this.asking = false
    if (this.again) {
      this.again = false
      this.nudge()
    }
  }

  stop (): void {
    if (this.timer !== null) clearTimeout(this.timer)
  }
}

/** What a phone needs to know of the room: its id (hex) and the member key from the invite. */
export interface PhoneRoom { id: string, memberKey: Uint8Array }

/** A connected phone that joined the room: its hosted log and the next position to write. */
export class BenchPhone {
  readonly name: string
  private readonly keys = nacl.sign.keyPair()
  private readonly ws: WebSocket
  private readonly room: PhoneRoom
  private channel: PhoneChannel | null = null
  private readonly inbox: PhoneMessage[] = []
  private waiters: Array<() => void> = []
  /** The hosted log's key (hex), once welcomed. */
  core = ''
  /** Where the next record goes. */
  seq = 1
  /**
   * Like the page (web/src/session.ts, web/src/dm-sync.ts): on every `update`, re-read the
   * latest 100 items at most once per HISTORY_EVERY_MS, and ask for new private messages at
   * most once per DM_NUDGE_GAP_MS; one request of each kind in flight.
   */
  follow = false
  /** History reads sent while following. */
  reads = 0
  /** `dms` requests sent while following. */
  dmReads = 0
  /** When each timeline item first reached this phone in an `items` frame (bench clock), by id, while following. */
  readonly itemsSeen = new Map<string, number>()
  /** Set when the socket closed, with the host's code. */
  closedWith: number | null = null
  private readonly history = new Paced(HISTORY_EVERY_MS, () => { this.reads++; this.send({ t: 'history', limit: 100 }) })
  private readonly dms = new Paced(DM_NUDGE_GAP_MS, () => { this.dmReads++; this.send({ t: 'dms', since: this.dmCursor }) })
  private dmCursor: Record<string, number> = {}

  private constructor (url: string, room: PhoneRoom, name: string, localAddress?: string) {
    this.name = name
    this.room = room
    this.ws = new WebSocket(url, localAddress === undefined ? {} : { localAddress })
    this.ws.on('error', () => {})
    this.ws.on('close', (code) => { this.closedWith = code; this.wake() })
  }

  /** Connect from `localAddress`, finish the handshake, say hello and bind the hosted log. */
  static async join (url: string, room: PhoneRoom, name: string, localAddress?: string, timeoutMs = 20_000): Promise<BenchPhone> {
    const phone = new BenchPhone(url, room, name, localAddress)
    await phone.handshake(timeoutMs)
    const identity = Buffer.from(phone.keys.publicKey).toString('hex')
    const welcome = await phone.ask({ t: 'hello', v: 1, identity, name }, 'welcome', timeoutMs)
    phone.core = String(welcome.core)
    phone.seq = Number(welcome.length)
    if (welcome.bound !== true) {
      const payload = hostedBindingPayload(Buffer.from(room.id, 'hex'), Buffer.from(phone.core, 'hex'), Buffer.from(phone.keys.publicKey), Buffer.from(String(welcome.host), 'hex'))
      const sig = Buffer.from(nacl.sign.detached(payload, phone.keys.secretKey)).toString('hex')
      const binding = { v: 1, type: 'binding', ts: Date.now(), room: room.id, core: phone.core, identity, name, sig, host: welcome.host }
      await phone.ask({ t: 'bind', binding }, 'bound', timeoutMs)
      phone.seq = Math.max(phone.seq, 1)
    }
    return phone
  }

  private async handshake (timeoutMs: number): Promise<void> {
    const hs = new PhoneClientHandshake(this.room.memberKey)
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`phone ${this.name}: no handshake within ${timeoutMs} ms`)), timeoutMs)
      const done = (err?: Error): void => { clearTimeout(timer); if (err === undefined) resolve(); else reject(err) }
      this.ws.once('open', () => this.ws.send(hs.hello))
      this.ws.once('close', (code) => done(new Error(`phone ${this.name}: socket closed (${code}) during the handshake`)))
      this.ws.on('message', (data: Buffer) => {
        if (this.channel !== null) return this.receive(data)
        const step = hs.receive(new Uint8Array(data))
        if (step.send !== undefined) this.ws.send(step.send)
        if (step.session !== undefined) {
          this.channel = new PhoneChannel(step.session)
          done()
        } else if (step.send === undefined) done(new Error(`phone ${this.name}: handshake failed (${step.error?.code ?? 'unknown'})`))
      })
    })
  }

  private receive (data: Buffer): void {
    const m = (this.channel as PhoneChannel).open(new Uint8Array(data))
    if (this.follow && m.t === 'update') {
      this.history.nudge()
      this.dms.nudge()
      return
    }
    if (this.follow && m.t === 'items' && this.history.asking) {
      const at = Date.now()
      for (const item of Array.isArray(m.items) ? m.items as Array<{ id?: unknown }> : []) {
        if (typeof item.id === 'string' && !this.itemsSeen.has(item.id)) this.itemsSeen.set(item.id, at)
      }
      if (m.last === true) this.history.answered()
      return
    }
    if (this.follow && m.t === 'dm-records' && this.dms.asking) {
      if (m.last !== true) return
      if (m.cursor !== null && typeof m.cursor === 'object') this.dmCursor = m.cursor as Record<string, number>
      this.dms.answered()
      return
    }
    this.inbox.push(m)
    this.wake()
  }

  private wake (): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }

  send (message: PhoneMessage): void {
    this.ws.send((this.channel as PhoneChannel).seal(message))
  }

  /** Send, then wait for the answer of type `t`; an `error` frame or a timeout throws. */
  async ask (message: PhoneMessage, t: string, timeoutMs = 20_000): Promise<PhoneMessage> {
    this.send(message)
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const i = this.inbox.findIndex((m) => m.t === t || (m.t === 'error' && (m.re === undefined || m.re === message.t)))
      if (i >= 0) {
        const m = this.inbox[i]
        this.inbox.length = 0 // one question at a time: what came before it (updates, members) is not read
        if (m.t === 'error') throw new Error(`phone ${this.name}: ${String(message.t)} answered ${JSON.stringify(m)}`)
        return m
      }
      if (Date.now() > deadline || this.ws.readyState >= WebSocket.CLOSING) throw new Error(`phone ${this.name}: no ${t} within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => { this.waiters.push(resolve); setTimeout(resolve, 100) })
    }
  }

  /** Sign a message for the next position and append it; returns its position once the host appended it. */
  async write (text: string): Promise<number> {
    const seq = this.seq++
    const record: Omit<MessageRecord, 'v'> = { type: 'msg', text, ts: Date.now() }
    const block = signHostedBlock(record, seq, Buffer.from(this.room.id, 'hex'), Buffer.from(this.core, 'hex'), this.keys.secretKey).toString()
    await this.ask({ t: 'append', seq, block }, 'appended')
    return seq
  }

  close (): void {
    this.history.stop()
    this.dms.stop()
    this.ws.close()
  }
}
