/**
 * The plaintext body of a bundle: a sequence of frames, `type (1 byte) || payload length
 * (u32 little-endian) || payload`. One index frame first, then one proof frame per block,
 * grouped by member log in index order, then one end frame. Payloads use compact-encoding;
 * proofs are hypercore's own `data` message. See docs/protocol.md §14.
 */
import c from 'compact-encoding'
import { fail } from '../errors/index.js'
import { BUNDLE_ID_BYTES, MAX_BUNDLE_CORES, MAX_CORE_LENGTH } from './format.js'
import { decodeProof, encodeProof, type CodecState, type Proof } from './proofs.js'

/** Frame types. */
export const FRAME = { index: 1, proof: 2, end: 3 } as const

/** Bytes before each frame's payload. */
export const FRAME_HEAD_BYTES = 5

/** What a bundle holds of one member log. */
export interface CoreEntry {
  /** The log's Hypercore key. */
  key: Buffer
  /** Blocks below this index are covered by this bundle and the ones it was made `--since`. */
  length: number
  /** First block index carried here (blocks below it were in an earlier bundle). */
  start: number
  /** How many blocks of [start, length) this bundle carries. */
  blocks: number
}

/** The index frame. */
export interface BundleIndex {
  room: Buffer
  id: Buffer
  createdAt: number
  cores: CoreEntry[]
}

/** The end frame: totals, checked against the index. */
export interface BundleEnd { cores: number, blocks: number }

/** Wrap a payload in a frame. */
export function frame (type: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(FRAME_HEAD_BYTES)
  head[0] = type
  head.writeUInt32LE(payload.length, 1)
  return Buffer.concat([head, payload])
}

/** The index frame. */
export function indexFrame (index: BundleIndex): Buffer {
  const parts: Buffer[] = [index.room, index.id, uint(index.createdAt), uint(index.cores.length)]
  for (const e of index.cores) parts.push(e.key, uint(e.length), uint(e.start), uint(e.blocks))
  return frame(FRAME.index, Buffer.concat(parts))
}

/** A proof frame: the core's position in the index, then hypercore's `data` message. */
export function proofFrame (core: number, proof: Proof): Buffer {
  return frame(FRAME.proof, Buffer.concat([uint(core), encodeProof(proof)]))
}

/** The end frame. */
export function endFrame (end: BundleEnd): Buffer {
  return frame(FRAME.end, Buffer.concat([uint(end.cores), uint(end.blocks)]))
}

function uint (n: number): Buffer {
  return Buffer.from(c.encode(c.uint, n))
}

/** Run a payload decoder; anything it throws becomes BUNDLE_INVALID, and trailing bytes are refused. */
export function decodePayload<T> (what: string, payload: Buffer, decode: (state: CodecState) => T): T {
  const state: CodecState = { start: 0, end: payload.length, buffer: payload }
  let value: T
  try {
    value = decode(state)
  } catch (err) {
    throw fail('BUNDLE_INVALID', `the ${what} cannot be decoded (${err instanceof Error ? err.message : String(err)})`, err)
  }
  if (state.start !== state.end) throw fail('BUNDLE_INVALID', `the ${what} has ${state.end - state.start} unexpected trailing bytes`)
  return value
}

/** A compact-encoding uint that must be a safe integer no larger than `max`. */
export function boundedUint (state: CodecState, what: string, max: number): number {
  const n = c.uint.decode(state as never)
  if (!Number.isSafeInteger(n) || n > max) throw new Error(`${what} ${n} is out of range`)
  return n
}

function fixed (state: CodecState, n: number): Buffer {
  return Buffer.from(c.fixed(n).decode(state as never))
}

/** Decode an index payload (ranges checked; cross-checks against the header are the caller's). */
export function decodeIndex (payload: Buffer): BundleIndex {
  return decodePayload('bundle index', payload, (state) => {
    const room = fixed(state, 32)
    const id = fixed(state, BUNDLE_ID_BYTES)
    const createdAt = boundedUint(state, 'creation time', Number.MAX_SAFE_INTEGER)
    const count = boundedUint(state, 'member log count', MAX_BUNDLE_CORES)
    const cores: CoreEntry[] = []
    for (let i = 0; i < count; i++) {
      const key = fixed(state, 32)
      const length = boundedUint(state, 'log length', MAX_CORE_LENGTH)
      const start = boundedUint(state, 'first block', length)
      const blocks = boundedUint(state, 'block count', length - start)
      cores.push({ key, length, start, blocks })
    }
    return { room, id, createdAt, cores }
  })
}

/** Decode a proof payload: the core position and the proof. */
export function decodeProofFrame (payload: Buffer): { core: number, proof: Proof & { request: number } } {
  return decodePayload('block proof', payload, (state) => {
    const core = boundedUint(state, 'log position', MAX_BUNDLE_CORES)
    return { core, proof: decodeProof(state) }
  })
}

/** Decode an end payload. */
export function decodeEnd (payload: Buffer): BundleEnd {
  return decodePayload('bundle end', payload, (state) => ({
    cores: boundedUint(state, 'log count', MAX_BUNDLE_CORES),
    blocks: boundedUint(state, 'block count', Number.MAX_SAFE_INTEGER)
  }))
}
