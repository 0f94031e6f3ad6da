/**
 * The sealed body of a bundle: the plaintext cut into chunks of CHUNK_BYTES, each sealed
 * with tweetnacl's secretbox (XSalsa20-Poly1305). The nonce holds the bundle id, the chunk
 * number and a final-chunk flag, so chunks cannot be reordered, moved to another bundle,
 * dropped from the end or cut short without the importer noticing.
 */
import nacl from 'tweetnacl'
import { fail } from '../errors/index.js'
import { BUNDLE_ID_BYTES, CHUNK_BYTES, CHUNK_OVERHEAD } from './format.js'

/** Bytes of one full sealed chunk. */
export const SEALED_CHUNK_BYTES = CHUNK_BYTES + CHUNK_OVERHEAD

/** nonce = bundle id (16) || chunk number (u32 big-endian) || final flag (1) || 3 zero bytes. */
export function chunkNonce (id: Buffer, index: number, final: boolean): Uint8Array {
  const nonce = Buffer.alloc(nacl.secretbox.nonceLength)
  id.copy(nonce, 0, 0, BUNDLE_ID_BYTES)
  nonce.writeUInt32BE(index, BUNDLE_ID_BYTES)
  nonce[BUNDLE_ID_BYTES + 4] = final ? 1 : 0
  return nonce
}

/** Seal one chunk of at most CHUNK_BYTES. */
export function sealChunk (key: Buffer, id: Buffer, index: number, final: boolean, plain: Uint8Array): Buffer {
  if (plain.length > CHUNK_BYTES) throw new Error('a chunk holds at most CHUNK_BYTES')
  return Buffer.from(nacl.secretbox(plain, chunkNonce(id, index, final), key))
}

/** Open one sealed chunk; BUNDLE_INVALID when it was altered, moved or cut. */
export function openChunk (key: Buffer, id: Buffer, index: number, final: boolean, sealed: Uint8Array): Buffer {
  const plain = sealed.length < CHUNK_OVERHEAD ? null : nacl.secretbox.open(sealed, chunkNonce(id, index, final), key)
  if (plain === null) throw fail('BUNDLE_INVALID', `chunk ${index} of the bundle does not authenticate`)
  return Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength)
}

/**
 * The layout of a body of `bytes` sealed bytes: how many chunks, and the sealed size of
 * the last one. Every chunk but the last is full; the last is 16 to SEALED_CHUNK_BYTES.
 */
export function chunkLayout (bytes: number): { chunks: number, last: number } {
  if (bytes < CHUNK_OVERHEAD) throw fail('BUNDLE_INVALID', 'the bundle has no body')
  const chunks = Math.ceil(bytes / SEALED_CHUNK_BYTES)
  const last = bytes - (chunks - 1) * SEALED_CHUNK_BYTES
  if (last < CHUNK_OVERHEAD) throw fail('BUNDLE_INVALID', 'the bundle is cut short')
  return { chunks, last }
}

/** Open a whole body held in memory (tests, fuzzing and small bundles). */
export function openBody (key: Buffer, id: Buffer, body: Buffer): Buffer {
  const { chunks } = chunkLayout(body.length)
  const parts: Buffer[] = []
  for (let i = 0; i < chunks; i++) {
    parts.push(openChunk(key, id, i, i === chunks - 1, body.subarray(i * SEALED_CHUNK_BYTES, (i + 1) * SEALED_CHUNK_BYTES)))
  }
  return Buffer.concat(parts)
}

/** Seal a whole plaintext body held in memory. */
export function sealBody (key: Buffer, id: Buffer, plain: Buffer): Buffer {
  const chunks = Math.max(1, Math.ceil(plain.length / CHUNK_BYTES))
  const parts: Buffer[] = []
  for (let i = 0; i < chunks; i++) parts.push(sealChunk(key, id, i, i === chunks - 1, plain.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES)))
  return Buffer.concat(parts)
}

/**
 * Seals plaintext as it is written and hands each sealed chunk to `sink`. A chunk is sealed
 * only once more bytes follow it, so the last one, sealed by `end()`, carries the final flag.
 */
export class ChunkSealer {
  private readonly key: Buffer
  private readonly id: Buffer
  private readonly sink: (sealed: Buffer) => Promise<void>
  private pending: Buffer[] = []
  private pendingBytes = 0
  private index = 0
  /** Sealed bytes handed to the sink so far. */
  sealedBytes = 0

  constructor (key: Buffer, id: Buffer, sink: (sealed: Buffer) => Promise<void>) {
    this.key = key
    this.id = id
    this.sink = sink
  }

  /** Add plaintext; seals and flushes every full chunk that has bytes after it. */
  async write (plain: Buffer): Promise<void> {
    this.pending.push(plain)
    this.pendingBytes += plain.length
    if (this.pendingBytes <= CHUNK_BYTES) return
    const all = Buffer.concat(this.pending)
    let at = 0
    while (all.length - at > CHUNK_BYTES) {
      await this.emit(false, all.subarray(at, at + CHUNK_BYTES))
      at += CHUNK_BYTES
    }
    this.pending = [all.subarray(at)]
    this.pendingBytes = all.length - at
  }

  /** Seal what is left as the final chunk (possibly empty). */
  async end (): Promise<void> {
    await this.emit(true, Buffer.concat(this.pending))
    this.pending = []
    this.pendingBytes = 0
  }

  private async emit (final: boolean, plain: Buffer): Promise<void> {
    const sealed = sealChunk(this.key, this.id, this.index++, final, plain)
    this.sealedBytes += sealed.length
    await this.sink(sealed)
  }
}
