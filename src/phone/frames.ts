/**
 * Encrypted frames after the phone handshake (docs/protocol.md §16). Each frame is
 * `nacl.secretbox(JSON, nonce, key)`: the 16-byte Poly1305 tag, then the ciphertext. The
 * key is the sender's direction key and the nonce is the sender's frame counter, which is
 * never sent: the receiver expects frame n to be sealed under nonce n. So a replayed,
 * reordered, dropped or reflected frame (sealed under the other direction's key) does not
 * open. The WebSocket under it is reliable and ordered, so an honest peer never trips this.
 * After any failure the channel stays failed: a peer that sent one bad frame gets no chance
 * to probe with more.
 */
import nacl from 'tweetnacl'
import { fail, isTamtamError, type TamtamError } from '../errors/index.js'
import type { PhoneSession } from './handshake.js'
import { isPhoneRefusal } from './wire.js'

/** Largest plaintext of one frame: 64 KiB of UTF-8 JSON. */
export const MAX_FRAME_PLAINTEXT = 64 * 1024
/** Bytes a frame adds to its plaintext (the Poly1305 tag). */
export const FRAME_OVERHEAD = nacl.secretbox.overheadLength
/** Largest frame on the wire. */
export const MAX_FRAME_BYTES = MAX_FRAME_PLAINTEXT + FRAME_OVERHEAD

/** What a frame carries: a JSON object with a string type `t`. */
export interface PhoneMessage {
  t: string
  [field: string]: unknown
}

/** The 24-byte nonce of frame `counter`: uint64 little-endian, then 16 zero bytes. */
export function frameNonce (counter: number): Uint8Array {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new Error('a frame counter is a safe non-negative integer')
  const nonce = new Uint8Array(nacl.secretbox.nonceLength)
  const high = Math.floor(counter / 0x100000000)
  const low = counter >>> 0
  for (let i = 0; i < 4; i++) {
    nonce[i] = (low >>> (8 * i)) & 0xff
    nonce[4 + i] = (high >>> (8 * i)) & 0xff
  }
  return nonce
}

/** One side of an encrypted phone connection. */
export class PhoneChannel {
  private readonly sendKey: Uint8Array
  private readonly receiveKey: Uint8Array
  private sent = 0
  private received = 0
  private broken: TamtamError | null = null

  constructor (session: Pick<PhoneSession, 'sendKey' | 'receiveKey'>) {
    this.sendKey = session.sendKey.slice()
    this.receiveKey = session.receiveKey.slice()
  }

  /** Seal `message` as the next frame. PHONE_FRAME_TOO_LARGE over 64 KiB (nothing is used up). */
  seal (message: PhoneMessage): Uint8Array {
    if (typeof message?.t !== 'string' || message.t === '') throw new Error('a phone message has a non-empty string `t`')
    const plain = new TextEncoder().encode(JSON.stringify(message))
    if (plain.length > MAX_FRAME_PLAINTEXT) throw fail('PHONE_FRAME_TOO_LARGE', `${plain.length} bytes, over ${MAX_FRAME_PLAINTEXT}`)
    if (!Number.isSafeInteger(this.sent + 1)) throw fail('PHONE_FRAME', 'the frame counter is used up: reconnect')
    const frame = nacl.secretbox(plain, frameNonce(this.sent), this.sendKey)
    this.sent++
    return frame
  }

  /** Open the next frame from the other side; throws PHONE_FRAME, PHONE_FRAME_TOO_LARGE or PHONE_REFUSED. */
  open (frame: Uint8Array): PhoneMessage {
    if (this.broken !== null) throw fail(this.broken.code, 'the connection failed earlier; reconnect')
    try {
      const message = this.openNext(frame)
      this.received++
      return message
    } catch (err) {
      this.broken = isTamtamError(err) ? err : fail('PHONE_FRAME', 'a frame could not be read', err)
      throw this.broken
    }
  }

  private openNext (frame: Uint8Array): PhoneMessage {
    if (!(frame instanceof Uint8Array)) throw fail('PHONE_FRAME', `a frame is binary, got ${typeof frame}`)
    // The host refuses a wrong phone proof after the phone has already switched to frames.
    if (isPhoneRefusal(frame)) throw fail('PHONE_REFUSED', 'the other side refused the exchange')
    if (frame.length > MAX_FRAME_BYTES) throw fail('PHONE_FRAME_TOO_LARGE', `a frame of ${frame.length} bytes, over ${MAX_FRAME_BYTES}`)
    if (frame.length < FRAME_OVERHEAD) throw fail('PHONE_FRAME', `a frame of ${frame.length} bytes is shorter than its tag`)
    const plain = nacl.secretbox.open(frame, frameNonce(this.received), this.receiveKey)
    if (plain === null) throw fail('PHONE_FRAME', `frame ${this.received} does not decrypt (tampered, replayed, reordered or reflected)`)
    return parseMessage(plain)
  }
}

/** The JSON object inside an authentic frame; PHONE_FRAME if it is not one with a string `t`. */
function parseMessage (plain: Uint8Array): PhoneMessage {
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain))
  } catch (err) {
    throw fail('PHONE_FRAME', 'a frame does not hold UTF-8 JSON', err)
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw fail('PHONE_FRAME', 'a frame holds JSON that is not an object')
  const message = value as Record<string, unknown>
  if (typeof message.t !== 'string' || message.t === '') throw fail('PHONE_FRAME', 'a frame has no string type `t`')
  return message as PhoneMessage
}
