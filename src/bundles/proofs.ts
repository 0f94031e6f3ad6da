/**
 * Hypercore proofs as bundles carry them: hypercore 11's own `data` replication message
 * (lib/messages.js `wire.data`), so the bytes are those a peer would send on the wire, and
 * the importer checks them with Hypercore's own verification. Also the few Hypercore
 * methods bundles use that tamtam's type declarations leave out.
 */
import { createRequire } from 'node:module'
import c from 'compact-encoding'
import type { Hypercore } from 'hypercore'

const require = createRequire(import.meta.url)

/** One node of a Hypercore Merkle tree. */
export interface TreeNode { index: number, size: number, hash: Buffer }

/** A settled Hypercore proof (the `data` message without its request id). */
export interface Proof {
  fork: number
  block: { index: number, value: Buffer | null, nodes: TreeNode[] } | null
  hash: { index: number, nodes: TreeNode[] } | null
  seek: { bytes: number, nodes: TreeNode[] } | null
  upgrade: { start: number, length: number, nodes: TreeNode[], additionalNodes: TreeNode[], signature: Buffer | null } | null
  manifest: unknown
}

/** What a proof request asks for. */
export interface ProofRequest {
  block: { index: number, nodes: number }
  upgrade?: { start: number, length: number } | null
}

/** A Hypercore session with the proof methods bundles use (public in hypercore 11, undeclared here). */
export interface ProvableCore extends Hypercore {
  readonly fork: number
  proof: (request: ProofRequest) => Promise<Proof>
  applyProof: (proof: Proof) => Promise<boolean>
  missingNodes: (index: number) => Promise<number>
  /** The core's internal state; bundles read only the manifest from its header. */
  readonly core: { header: { manifest: unknown } }
}

/** compact-encoding's state (its own type is not exported). */
export interface CodecState { start: number, end: number, buffer: Uint8Array | null }

/** An encoder for values of type T, in compact-encoding's shape. */
export interface Codec<T> {
  preencode: (state: CodecState, value: T) => void
  encode: (state: CodecState, value: T) => void
  decode: (state: CodecState) => T
}

/** The compact encoding of hypercore's `data` message. */
type DataEncoding = Codec<Proof & { request: number }>

const messages = require('hypercore/lib/messages.js') as { wire: { data: DataEncoding } }

/** The proof methods of a core session. */
export function provable (core: Hypercore): ProvableCore {
  return core as ProvableCore
}

/** The manifest a first proof must carry so an empty core can check the signature. */
export function manifestOf (core: ProvableCore): unknown {
  return core.core.header.manifest
}

/** Encode a proof as hypercore's `data` message (request id 0). */
export function encodeProof (proof: Proof): Buffer {
  return Buffer.from(c.encode(messages.wire.data as never, { ...proof, request: 0 }))
}

/** Decode a `data` message; throws whatever compact-encoding throws (callers wrap it). */
export function decodeProof (state: CodecState): Proof & { request: number } {
  return messages.wire.data.decode(state)
}
