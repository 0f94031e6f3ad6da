/**
 * One phone's WebSocket, below the session protocol: the §16 handshake, then encrypted
 * frames, with the limits that keep one phone from hurting the host. A socket that does
 * not finish the handshake and say hello in time, floods, sends a frame that does not open,
 * or does not read what it is sent (its buffer grows past the cap) is closed with a code
 * and a short reason. Nothing a phone sends throws out of here.
 */
import type { WebSocket, RawData } from 'ws'
import { isTamtamError } from '../errors/index.js'
import { PhoneChannel, PhoneServerHandshake, type PhoneMessage } from '../phone/index.js'
import { WindowQuota } from '../replication/window-quota.js'

/** WebSocket close codes used here (RFC 6455 §7.4.1). */
export const CLOSE = { normal: 1000, going: 1001, policy: 1008, tooLarge: 1009, error: 1011, tryLater: 1013 } as const

/** Limits of one socket; the web server passes its own. */
export interface SocketLimits {
  /** Time to finish the handshake and say hello (ms). */
  helloTimeoutMs: number
  /** Most frames (handshake messages included) in one window. */
  framesPerWindow: number
  windowMs: number
  /** Most bytes waiting to be sent to a phone that reads slowly. */
  maxBufferedBytes: number
}

/** What the socket tells its session. */
export interface SocketHandler {
  /** The handshake succeeded: `room` indexes the member keys given. */
  opened: (room: number) => void
  message: (message: PhoneMessage) => Promise<void> | void
  closed: () => void
  /** A frame the session expects in bulk (an upload's data), not counted by the frame quota. */
  exempt?: (message: PhoneMessage) => boolean
}

/** A phone's socket: handshake, encrypted frames, limits. */
export class PhoneSocket {
  private readonly ws: WebSocket
  private readonly limits: SocketLimits
  private handshake: PhoneServerHandshake | null
  private channel: PhoneChannel | null = null
  private readonly quota: WindowQuota
  private timer: NodeJS.Timeout | null
  private handler: SocketHandler | null = null
  /** Frames are handled one at a time, in order. */
  private queue: Promise<void> = Promise.resolve()
  private ended = false

  constructor (ws: WebSocket, memberKeys: Uint8Array[], limits: SocketLimits) {
    this.ws = ws
    this.limits = limits
    this.handshake = new PhoneServerHandshake(memberKeys)
    this.quota = new WindowQuota(limits.framesPerWindow, limits.windowMs)
    this.timer = setTimeout(() => this.close(CLOSE.policy, 'too slow to say hello'), limits.helloTimeoutMs)
    ws.on('message', (data, isBinary) => this.receive(data, isBinary))
    ws.on('close', () => this.end())
    ws.on('error', () => this.close(CLOSE.error, 'socket error'))
  }

  /** Start handling frames (set once by the session). */
  attach (handler: SocketHandler): void {
    this.handler = handler
  }

  /** The session said hello: the hello timer stops. */
  greeted (): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  /** Seal and send one message; a phone that lets its buffer grow past the cap is dropped. */
  send (message: PhoneMessage): void {
    if (this.ended || this.channel === null) return
    this.ws.send(this.channel.seal(message))
    if (this.ws.bufferedAmount > this.limits.maxBufferedBytes) this.close(CLOSE.policy, 'too slow to read')
  }

  /** Bytes waiting to be sent to the phone. */
  get queuedBytes (): number {
    return this.ws.bufferedAmount
  }

  /** Close with a code and a reason the phone can show (at most 123 bytes). */
  close (code: number, reason: string): void {
    if (this.ended) return
    this.end()
    try {
      this.ws.close(code, reason)
    } catch {
      this.ws.terminate()
    }
    // A phone that never answers the close handshake does not hold the socket.
    setTimeout(() => this.ws.terminate(), 2_000).unref()
  }

  private receive (data: RawData, isBinary: boolean): void {
    if (this.ended) return
    if (!isBinary) return this.close(CLOSE.policy, 'frames are binary')
    const bytes = toBytes(data)
    if (this.handshake !== null) {
      if (!this.quota.take(Date.now())) return this.close(CLOSE.policy, 'too many frames')
      return this.onHandshake(this.handshake, bytes)
    }
    let message: PhoneMessage
    try {
      message = (this.channel as PhoneChannel).open(bytes)
    } catch (err) {
      return this.close(CLOSE.policy, isTamtamError(err) ? err.code : 'bad frame')
    }
    // Opened first so an upload's data frames can be told apart; a frame that does not open closes the socket anyway.
    if (this.handler?.exempt?.(message) !== true && !this.quota.take(Date.now())) return this.close(CLOSE.policy, 'too many frames')
    this.queue = this.queue.then(async () => {
      if (!this.ended) await this.handler?.message(message)
    }).catch(() => this.close(CLOSE.error, 'internal error'))
  }

  private onHandshake (handshake: PhoneServerHandshake, bytes: Uint8Array): void {
    const step = handshake.receive(bytes)
    if (step.send !== undefined) this.ws.send(step.send)
    if (step.error !== undefined) return this.close(CLOSE.policy, 'refused')
    if (step.session === undefined) return
    this.handshake = null
    this.channel = new PhoneChannel(step.session)
    this.handler?.opened(step.session.room)
  }

  private end (): void {
    if (this.ended) return
    this.ended = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.handler?.closed()
  }
}

function toBytes (data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
