/**
 * A phone in Node, for tests: what the browser page does, over a real WebSocket. It runs
 * the §16 handshake with src/phone's client, then speaks §17 in encrypted frames, with a
 * tweetnacl identity of its own, and signs its binding and records as a browser would.
 */
import nacl from 'tweetnacl'
import WebSocket from 'ws'
import { hostedBindingPayload, signHostedBlock } from '../../src/log/hosted.js'
import type { BindingRecord } from '../../src/log/records.js'
import { PhoneChannel, PhoneClientHandshake, type PhoneMessage } from '../../src/phone/index.js'

/** A phone's identity, made as the page makes it. */
export interface PhoneIdentity { publicKey: Uint8Array, secretKey: Uint8Array, name: string, hex: string }

export function phoneIdentity (name: string): PhoneIdentity {
  const keys = nacl.sign.keyPair()
  return { ...keys, name, hex: Buffer.from(keys.publicKey).toString('hex') }
}

/** How a socket ended. */
export interface Closed { code: number, reason: string }

/** A connected phone: its socket, its channel, what it received. */
export class TestPhone {
  readonly ws: WebSocket
  readonly inbox: PhoneMessage[] = []
  readonly closed: Promise<Closed>
  channel: PhoneChannel | null = null
  /** What the handshake ended with: the session, or the local reason it failed. */
  readonly handshake: Promise<'open' | string>
  private waiters: Array<() => void> = []

  constructor (url: string, memberKey: Uint8Array) {
    const hs = new PhoneClientHandshake(memberKey)
    this.ws = new WebSocket(url)
    this.ws.on('error', () => {})
    this.closed = new Promise((resolve) => this.ws.on('close', (code, reason) => { resolve({ code, reason: reason.toString() }); this.wake() }))
    this.handshake = new Promise((resolve) => {
      this.ws.on('open', () => this.ws.send(hs.hello))
      this.ws.on('message', (data: Buffer) => {
        if (this.channel === null) {
          const step = hs.receive(new Uint8Array(data))
          if (step.send !== undefined) this.ws.send(step.send)
          if (step.session !== undefined) this.channel = new PhoneChannel(step.session)
          resolve(step.session !== undefined ? 'open' : step.error?.code ?? 'failed')
          return
        }
        try {
          this.inbox.push(this.channel.open(new Uint8Array(data)))
        } catch (err) {
          this.inbox.push({ t: 'channel-error', code: (err as { code?: string }).code })
        }
        this.wake()
      })
      this.ws.on('close', () => resolve('closed'))
    })
  }

  send (message: PhoneMessage): void {
    this.ws.send((this.channel as PhoneChannel).seal(message))
  }

  /** The first message (not yet taken) matching `match`, within `ms`; it is taken off the inbox. */
  async next (match: (m: PhoneMessage) => boolean, ms = 10_000): Promise<PhoneMessage> {
    const deadline = Date.now() + ms
    for (;;) {
      const i = this.inbox.findIndex(match)
      if (i >= 0) return this.inbox.splice(i, 1)[0]
      if (Date.now() > deadline || this.ws.readyState >= WebSocket.CLOSING) throw new Error(`no matching message within ${ms} ms; inbox: ${JSON.stringify(this.inbox).slice(0, 500)}`)
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve)
        setTimeout(resolve, 50)
      })
    }
  }

  /** Send and wait for the answer of type `t` (or an error). */
  async ask (message: PhoneMessage, t: string): Promise<PhoneMessage> {
    this.send(message)
    return await this.next((m) => m.t === t || m.t === 'error')
  }

  private wake (): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }

  close (): void {
    this.ws.close()
  }
}

/** Connect and finish the handshake; throws if it does not open. */
export async function connectPhone (url: string, memberKey: Uint8Array): Promise<TestPhone> {
  const phone = new TestPhone(url, memberKey)
  const result = await phone.handshake
  if (result !== 'open') throw new Error(`handshake: ${result}`)
  return phone
}

/** The binding the page signs for the hosted log `core` (hex) the host offered. */
export function phoneBinding (me: PhoneIdentity, roomId: string, core: string, host: string, signer: Uint8Array = me.secretKey): BindingRecord {
  const payload = hostedBindingPayload(Buffer.from(roomId, 'hex'), Buffer.from(core, 'hex'), Buffer.from(me.publicKey), Buffer.from(host, 'hex'))
  const sig = Buffer.from(nacl.sign.detached(payload, signer)).toString('hex')
  return { v: 1, type: 'binding', ts: Date.now(), room: roomId, core, identity: me.hex, name: me.name, sig, host }
}

/** A message record signed for position `seq`, as the JSON string an `append` carries. */
export function signedMessage (me: PhoneIdentity, roomId: string, core: string, seq: number, text: string, signer: Uint8Array = me.secretKey): string {
  return signHostedBlock({ type: 'msg', text, ts: Date.now() }, seq, Buffer.from(roomId, 'hex'), Buffer.from(core, 'hex'), signer).toString()
}
