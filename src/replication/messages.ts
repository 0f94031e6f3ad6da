/**
 * Wire messages of the room protocol (tamtam/rooms, version 1), encoded with
 * compact-encoding. Decoders throw on malformed input; protomux then closes the
 * channel, which is what we want for a hostile peer. See docs/protocol.md.
 */
import c from 'compact-encoding'
import { createHmac } from 'node:crypto'

/** Protocol name on the protomux. */
export const ROOM_PROTOCOL = 'tamtam/rooms'
/** Protocol version, sent in the channel handshake. */
export const ROOM_PROTOCOL_VERSION = 1
/** Most room proofs one hello may carry. */
export const MAX_PROOFS = 256
/** Most core keys one members message may carry. */
export const MAX_CORES = 4096

/** Hello: one proof per room the sender holds. */
export interface Hello { proofs: Buffer[] }
/** Self: the sender's own member log in the room identified by `tag` (who is online). */
export interface Self { tag: Buffer, core: Buffer }

/**
 * Want: the sender is fetching blocks [start, start + length) of a document's blobs core
 * `core` and asks the receiver to fetch them too, so it can pass them on as they arrive.
 * `tag` is a member proof (roomProof under the room's member key), which relays cannot make.
 */
export interface Want { tag: Buffer, core: Buffer, start: number, length: number }

/**
 * Member: proof that the sender is a member, not a relay: roomProof under the room's
 * member key, which relay codes do not carry. `self` is sent only to a proven member.
 */
export interface MemberProof { tag: Buffer }

/** Members: the member-log keys the sender knows in the room identified by `tag`. */
export interface Members { tag: Buffer, cores: Buffer[] }

/** The encoder shape compact-encoding uses (its own type is not exported). */
interface State { start: number, end: number, buffer: Uint8Array | null }
/** An encoder for values of type T. */
export interface Encoding<T> { preencode: (state: State, value: T) => void, encode: (state: State, value: T) => void, decode: (state: State) => T }

function boundedArray (max: number): Encoding<Buffer[]> {
  const inner = c.array(c.fixed32) as unknown as Encoding<Buffer[]>
  return {
    preencode: (state, value) => inner.preencode(state, value),
    encode: (state, value) => inner.encode(state, value),
    decode: (state) => {
      // Peek at the length first so a hostile count cannot make us allocate.
      const start = state.start
      const length = c.uint.decode(state as never)
      if (length > max) throw new Error(`array of ${length} is over the limit of ${max}`)
      state.start = start
      return inner.decode(state)
    }
  }
}

/** A 32-byte key, decoded as a Buffer (compact-encoding gives a Uint8Array view). */
const key: Encoding<Buffer> = {
  preencode: (state, value) => c.fixed32.preencode(state as never, value),
  encode: (state, value) => c.fixed32.encode(state as never, value),
  decode: (state) => Buffer.from(c.fixed32.decode(state as never) as Uint8Array)
}

/**
 * An object encoded as its fields in this order, each with its own encoding: every message
 * below is one, so a new field means one new line, and the order on the wire is the list.
 */
function struct<T> (fields: { [K in keyof T]: Encoding<T[K]> }): Encoding<T> {
  const entries = Object.entries(fields) as Array<[keyof T, Encoding<unknown>]>
  return {
    preencode: (state, m) => { for (const [name, e] of entries) e.preencode(state, m[name]) },
    encode: (state, m) => { for (const [name, e] of entries) e.encode(state, m[name]) },
    decode: (state) => Object.fromEntries(entries.map(([name, e]) => [name, e.decode(state)])) as T
  }
}

const uint = c.uint as unknown as Encoding<number>
const bool = c.bool as unknown as Encoding<boolean>

/** Encoding of the hello message. */
export const helloEncoding: Encoding<Hello> = struct<Hello>({ proofs: boundedArray(MAX_PROOFS) })

/** Encoding of the members message. */
export const membersEncoding: Encoding<Members> = struct<Members>({ tag: key, cores: boundedArray(MAX_CORES) })

/**
 * Proof that the sender holds a room secret, bound to this Noise session: HMAC of the
 * handshake hash and the sender's role under the room's capability key. It cannot be
 * replayed on another connection, reflected back, or linked to the room by an outsider.
 */
export function roomProof (capability: Buffer, handshakeHash: Buffer, senderIsInitiator: boolean): Buffer {
  return createHmac('sha256', capability)
    .update('tamtam/room-proof/v1\0')
    .update(handshakeHash)
    .update(Buffer.from([senderIsInitiator ? 1 : 0]))
    .digest()
}

/** Encoding of the self message (added in tamtam 0.1; older peers ignore unknown message types). */
export const selfEncoding: Encoding<Self> = struct<Self>({ tag: key, core: key })

/** Encoding of the want message (added after self; older peers ignore unknown message types). */
export const wantEncoding: Encoding<Want> = struct<Want>({ tag: key, core: key, start: uint, length: uint })

/** Encoding of the member message (added after want). */
export const memberProofEncoding: Encoding<MemberProof> = struct<MemberProof>({ tag: key })

/** Ask the peer to stop (or resume) pushing one log's new blocks to us (§5a). */
export interface PushMute { tag: Buffer, core: Buffer, muted: boolean }

/** Encoding of the push-mute message (added with pushes; older peers ignore it). */
export const pushMuteEncoding: Encoding<PushMute> = struct<PushMute>({ tag: key, core: key, muted: bool })
