/**
 * The phone handshake `tamtam/phone/1`: derivations and the types both sides share. The
 * state machines are client.ts (the phone) and server.ts (the host); the bytes are wire.ts;
 * the format is docs/protocol.md §16.
 *
 * Why it looks like this:
 * - The page comes over plain HTTP and there are no long-term keys to pin, so the only
 *   secret both sides share is the room (its secret, from the invite in the URL fragment).
 *   Every proof is an HMAC keyed by the room's member key (docs/protocol.md §2). Not by
 *   the handshake capability: relay codes carry that one, so a relay hub, which must not
 *   read the room, could otherwise pose as a phone and have a host decrypt the room for it.
 * - The phone names its room by a tag, HMAC(memberKey, label || ephemeral || nonce),
 *   never by the room id: the tag is fresh every time, so an eavesdropper cannot link two
 *   connections to one room or look the room up anywhere. The host finds the room by
 *   computing the tag for each room it holds (a few HMACs).
 * - Both proofs cover a hash of the whole transcript (both ephemeral keys, both nonces,
 *   the tag), so a proof is bound to this one exchange and cannot be replayed into
 *   another; the role string ("server", "client") keeps one side's proof from being
 *   reflected as the other's.
 * - A host that holds no room for the tag still answers, with a random proof (a decoy):
 *   to someone without the member key the decoy looks like a real reply, and the exchange
 *   then fails on the phone's proof with the same refusal as a wrong proof. So a replayed
 *   or guessed hello tells an outsider nothing, not even whether this host holds the room.
 * - Session keys come from HKDF-SHA256 over the X25519 secret of the two ephemeral keys,
 *   salted with the member key and the transcript hash. Without the member key (an active
 *   attacker on the Wi-Fi) there are no keys; without an ephemeral secret (anyone recording
 *   now, even with the invite later) there are no keys either: forward secrecy.
 * - One refusal, three fixed bytes, whatever the reason: a side that fails learns nothing.
 */
import nacl from 'tweetnacl'
import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import type { TamtamError } from '../errors/index.js'

/** The protocol name; every label below starts with it. */
export const PHONE_PROTOCOL = 'tamtam/phone/1'

/** The labels (ASCII, no terminator); changing one is a wire-format change. */
export const PHONE_LABELS = {
  roomTag: `${PHONE_PROTOCOL}/room-tag`,
  transcript: `${PHONE_PROTOCOL}/transcript`,
  proof: `${PHONE_PROTOCOL}/proof`,
  keys: `${PHONE_PROTOCOL}/keys`
} as const

/** Bytes of the room's member key, and of each session key. */
export const PHONE_KEY_BYTES = 32

/** Where randomness comes from: `nacl.randomBytes` (crypto.getRandomValues) unless a test fixes it. */
export type RandomBytes = (length: number) => Uint8Array

/** The keys of one finished exchange, from one side's point of view. */
export interface PhoneSession {
  /** The key this side seals its frames with. */
  sendKey: Uint8Array
  /** The key this side opens the other side's frames with. */
  receiveKey: Uint8Array
  /** SHA-256 of the transcript: the same on both sides, a handle for this connection. */
  transcriptHash: Uint8Array
}

/** The host's session also says which of its rooms the phone proved (an index into its list). */
export interface PhoneServerSession extends PhoneSession {
  room: number
}

/**
 * What one handshake step asks the transport to do. Steps never throw on what the other
 * side sent: they report it here. Once `error` is set the exchange is over; send `send`
 * (the refusal) if there is one, then close.
 */
export interface HandshakeStep<S extends PhoneSession> {
  /** Bytes to send to the other side. */
  send?: Uint8Array
  /** Set when the exchange succeeded: frames may flow. */
  session?: S
  /** Set when it failed, with the reason, for local logs only (the wire never carries it). */
  error?: TamtamError
}

const label = (text: string): Uint8Array => utf8ToBytes(text)

/** HMAC(memberKey, room-tag label || ephemeral || nonce). */
export function roomTag (memberKey: Uint8Array, ephemeral: Uint8Array, nonce: Uint8Array): Uint8Array {
  return hmac(sha256, memberKey, concatBytes(label(PHONE_LABELS.roomTag), ephemeral, nonce))
}

/** SHA-256(transcript label || hello (99 bytes) || first 67 bytes of the reply). */
export function transcriptHash (hello: Uint8Array, replyHead: Uint8Array): Uint8Array {
  return sha256(concatBytes(label(PHONE_LABELS.transcript), hello, replyHead))
}

/** HMAC(memberKey, proof label || transcript hash || role): one side's proof of holding the room. */
export function handshakeProof (memberKey: Uint8Array, transcript: Uint8Array, role: 'server' | 'client'): Uint8Array {
  return hmac(sha256, memberKey, concatBytes(label(PHONE_LABELS.proof), transcript, label(role)))
}

/**
 * X25519 of our ephemeral secret and their ephemeral public key, or null when it is all
 * zeros (their key is a low-order point, which would make the result predictable).
 */
export function sharedSecret (secretKey: Uint8Array, theirPublic: Uint8Array): Uint8Array | null {
  const shared = nacl.scalarMult(secretKey, theirPublic)
  let bits = 0
  for (const byte of shared) bits |= byte
  return bits === 0 ? null : shared
}

/**
 * The two directional keys: HKDF-SHA256(ikm = shared, salt = memberKey || transcript,
 * info = keys label, 64 bytes); the first 32 seal phone-to-host frames, the last 32
 * host-to-phone frames.
 */
export function sessionKeys (shared: Uint8Array, memberKey: Uint8Array, transcript: Uint8Array): { clientToServer: Uint8Array, serverToClient: Uint8Array } {
  const okm = hkdf(sha256, shared, concatBytes(memberKey, transcript), label(PHONE_LABELS.keys), 2 * PHONE_KEY_BYTES)
  return { clientToServer: okm.slice(0, PHONE_KEY_BYTES), serverToClient: okm.slice(PHONE_KEY_BYTES) }
}

/** Constant-time equality of two byte strings (false for different lengths). */
export function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.length > 0 && nacl.verify(a, b)
}

/** An ephemeral X25519 key pair from 32 random bytes (tweetnacl clamps the scalar). */
export function ephemeralKeyPair (random: RandomBytes): nacl.BoxKeyPair {
  return nacl.box.keyPair.fromSecretKey(random(PHONE_KEY_BYTES))
}

/** The default source of randomness. */
export const defaultRandom: RandomBytes = (length) => nacl.randomBytes(length)
