/**
 * The host's side of the handshake (see handshake.ts for why it is built this way). Give
 * each message from the phone to `receive` and send what it returns. A hello whose tag
 * matches none of the host's rooms gets a decoy reply that looks like a real one to anyone
 * without the member key; the exchange then ends on the phone's proof with the same
 * refusal as a wrong proof, so an outsider cannot tell the two cases apart.
 */
import { fail, isTamtamError, type TamtamError } from '../errors/index.js'
import {
  defaultRandom, ephemeralKeyPair, handshakeProof, roomTag, sameBytes, sessionKeys, sharedSecret,
  transcriptHash, PHONE_KEY_BYTES, type HandshakeStep, type PhoneServerSession, type PhoneSession, type RandomBytes
} from './handshake.js'
import { decodeHello, decodeProof, encodeReply, isPhoneRefusal, phoneRefusal, replyHead, PHONE_FIELD_BYTES, type PhoneHello } from './wire.js'

type ServerState = 'awaiting-hello' | 'awaiting-proof' | 'done' | 'failed'

/** What the host keeps between the reply and the phone's proof. */
interface Pending {
  /** Index of the matched room, or -1 for a decoy. */
  room: number
  transcript: Uint8Array
  /** Null for a decoy, or when the phone's key was weak. */
  shared: Uint8Array | null
}

/** The host's handshake: one instance per incoming connection. */
export class PhoneServerHandshake {
  private state: ServerState = 'awaiting-hello'
  private readonly memberKeys: Uint8Array[]
  private readonly random: RandomBytes
  private pending: Pending | null = null

  /** `memberKeys` are the member keys of the rooms this host offers to phones; `random` is fixed only by tests. */
  constructor (memberKeys: readonly Uint8Array[], random: RandomBytes = defaultRandom) {
    for (const c of memberKeys) if (!(c instanceof Uint8Array) || c.length !== PHONE_KEY_BYTES) throw new Error('a room member key is 32 bytes')
    this.memberKeys = memberKeys.map((c) => c.slice())
    this.random = random
  }

  /** True once the exchange succeeded or failed. */
  get finished (): boolean {
    return this.state === 'done' || this.state === 'failed'
  }

  /** Handle a message from the phone. Never throws on its bytes. */
  receive (bytes: Uint8Array): HandshakeStep<PhoneServerSession> {
    if (this.finished) return { error: fail('PHONE_HANDSHAKE', `a handshake message after the exchange ${this.state === 'done' ? 'succeeded' : 'failed'}`) }
    if (isPhoneRefusal(bytes)) return this.failed(fail('PHONE_REFUSED', 'the phone refused the exchange'), false)
    try {
      return this.state === 'awaiting-hello' ? this.onHello(bytes) : this.onProof(bytes)
    } catch (err) {
      if (isTamtamError(err)) return this.failed(err, true)
      throw err
    }
  }

  private onHello (bytes: Uint8Array): HandshakeStep<PhoneServerSession> {
    const hello = decodeHello(bytes)
    const keys = ephemeralKeyPair(this.random)
    const nonce = this.random(PHONE_FIELD_BYTES)
    const head = replyHead(encodeReply({ ephemeral: keys.publicKey, nonce, proof: new Uint8Array(PHONE_FIELD_BYTES) }))
    const transcript = transcriptHash(bytes, head)
    const shared = sharedSecret(keys.secretKey, hello.ephemeral)
    const found = this.findRoom(hello)
    const room = shared === null ? -1 : found
    // A decoy proof is an HMAC under a random key: as random-looking, and as costly, as a real one.
    const key = room === -1 ? this.random(PHONE_KEY_BYTES) : this.memberKeys[room]
    this.pending = { room, transcript, shared }
    this.state = 'awaiting-proof'
    return { send: encodeReply({ ephemeral: keys.publicKey, nonce, proof: handshakeProof(key, transcript, 'server') }) }
  }

  /** The room whose tag the hello carries, or -1. Tries every room, without stopping early. */
  private findRoom (hello: PhoneHello): number {
    let found = -1
    this.memberKeys.forEach((memberKey, i) => {
      const match = sameBytes(hello.roomTag, roomTag(memberKey, hello.ephemeral, hello.nonce))
      if (match && found === -1) found = i
    })
    return found
  }

  private onProof (bytes: Uint8Array): HandshakeStep<PhoneServerSession> {
    const proof = decodeProof(bytes)
    const { room, transcript, shared } = this.pending as Pending
    this.pending = null
    if (room === -1 || shared === null) throw fail('PHONE_REFUSED', 'the phone\'s hello named no room held here')
    const memberKey = this.memberKeys[room]
    if (!sameBytes(proof, handshakeProof(memberKey, transcript, 'client'))) throw fail('PHONE_REFUSED', 'the phone\'s proof is wrong')
    const keys = sessionKeys(shared, memberKey, transcript)
    this.state = 'done'
    const session: PhoneSession = { sendKey: keys.serverToClient, receiveKey: keys.clientToServer, transcriptHash: transcript }
    return { session: { ...session, room } }
  }

  private failed (error: TamtamError, tellPhone: boolean): HandshakeStep<PhoneServerSession> {
    this.state = 'failed'
    this.pending = null
    return tellPhone ? { send: phoneRefusal(), error } : { error }
  }
}
