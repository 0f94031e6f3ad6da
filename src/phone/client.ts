/**
 * The phone's side of the handshake (see handshake.ts for why it is built this way):
 * send `hello`, give the host's answer to `receive`, send what it returns. On success the
 * step carries the session (the phone's proof is in `send` and frames may follow at once);
 * on failure it carries the refusal to send and the reason.
 */
import { fail, isTamtamError, type TamtamError } from '../errors/index.js'
import {
  defaultRandom, ephemeralKeyPair, handshakeProof, roomTag, sameBytes, sessionKeys, sharedSecret,
  transcriptHash, PHONE_KEY_BYTES, type HandshakeStep, type PhoneSession, type RandomBytes
} from './handshake.js'
import { decodeReply, encodeHello, encodeProof, isPhoneRefusal, phoneRefusal, replyHead, PHONE_FIELD_BYTES } from './wire.js'

type ClientState = 'awaiting-reply' | 'done' | 'failed'

/** The phone's handshake: one instance per connection attempt. */
export class PhoneClientHandshake {
  /** Message 1, to send first. */
  readonly hello: Uint8Array
  private state: ClientState = 'awaiting-reply'
  private readonly memberKey: Uint8Array
  private readonly secretKey: Uint8Array

  /** `memberKey` is the room's member key (docs/protocol.md §2); `random` is fixed only by tests. */
  constructor (memberKey: Uint8Array, random: RandomBytes = defaultRandom) {
    if (!(memberKey instanceof Uint8Array) || memberKey.length !== PHONE_KEY_BYTES) throw new Error('a room member key is 32 bytes')
    this.memberKey = memberKey.slice()
    const keys = ephemeralKeyPair(random)
    this.secretKey = keys.secretKey
    const nonce = random(PHONE_FIELD_BYTES)
    this.hello = encodeHello({ ephemeral: keys.publicKey, nonce, roomTag: roomTag(this.memberKey, keys.publicKey, nonce) })
  }

  /** True once the exchange succeeded or failed. */
  get finished (): boolean {
    return this.state !== 'awaiting-reply'
  }

  /** Handle a message from the host (the reply, or a refusal). Never throws on its bytes. */
  receive (bytes: Uint8Array): HandshakeStep<PhoneSession> {
    if (this.state !== 'awaiting-reply') return { error: fail('PHONE_HANDSHAKE', `a handshake message after the exchange ${this.state === 'done' ? 'succeeded' : 'failed'}`) }
    if (isPhoneRefusal(bytes)) return this.failed(fail('PHONE_REFUSED', 'the host refused the exchange'), false)
    try {
      return this.onReply(bytes)
    } catch (err) {
      if (isTamtamError(err)) return this.failed(err, true)
      throw err
    }
  }

  private onReply (bytes: Uint8Array): HandshakeStep<PhoneSession> {
    const reply = decodeReply(bytes)
    const transcript = transcriptHash(this.hello, replyHead(bytes))
    if (!sameBytes(reply.proof, handshakeProof(this.memberKey, transcript, 'server'))) {
      throw fail('PHONE_REFUSED', 'the host did not prove it holds this room (a wrong invite, or a host without this room)')
    }
    const shared = sharedSecret(this.secretKey, reply.ephemeral)
    if (shared === null) throw fail('PHONE_REFUSED', 'the host sent a weak ephemeral key')
    const keys = sessionKeys(shared, this.memberKey, transcript)
    this.state = 'done'
    const session = { sendKey: keys.clientToServer, receiveKey: keys.serverToClient, transcriptHash: transcript }
    return { send: encodeProof(handshakeProof(this.memberKey, transcript, 'client')), session }
  }

  private failed (error: TamtamError, tellHost: boolean): HandshakeStep<PhoneSession> {
    this.state = 'failed'
    return tellHost ? { send: phoneRefusal(), error } : { error }
  }
}
