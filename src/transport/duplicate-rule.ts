/**
 * Which of two authenticated connections to the same remote key to keep. Both ends run this
 * rule on the same facts, so they close the same connection.
 */

/** The facts of one connection that both of its ends agree on. */
export interface DuplicateCandidate {
  /** True when the local side initiated this connection. */
  initiator: boolean
  /** The Noise handshake hash, identical on both ends of one connection. */
  handshakeHash: Buffer
}

/**
 * True when `a` must be kept and `b` closed. Rule: keep the connection whose initiator has the
 * lower public key (Buffer.compare). When both were initiated by the same side (LAN and
 * Hyperswarm at once, or a stale connection the dialler already lost), keep the one with the
 * lower handshake hash: still the same answer at both ends.
 */
export function keepFirst (localKey: Buffer, remoteKey: Buffer, a: DuplicateCandidate, b: DuplicateCandidate): boolean {
  const initiatorA = a.initiator ? localKey : remoteKey
  const initiatorB = b.initiator ? localKey : remoteKey
  const byInitiator = Buffer.compare(initiatorA, initiatorB)
  if (byInitiator !== 0) return byInitiator < 0
  return Buffer.compare(a.handshakeHash, b.handshakeHash) <= 0
}
