// Hand-written declarations for the parts of hyperblobs 2 that tamtam uses.
declare module 'hyperblobs' {
  import type { Hypercore } from 'hypercore'
  import type { Writable } from 'node:stream'
  /** Where a blob sits in its core: a block range and the matching byte range. */
  export interface BlobId { blockOffset: number; blockLength: number; byteOffset: number; byteLength: number }
  /** A write stream: each chunk written becomes one block; `id` is final once it closes. */
  export interface BlobWriteStream extends Writable { readonly id: BlobId }
  export default class Hyperblobs {
    constructor(core: Hypercore, opts?: { blockSize?: number })
    readonly core: Hypercore
    readonly key: Buffer
    readonly blockSize: number
    ready(): Promise<void>
    close(): Promise<void>
    put(blob: Buffer, opts?: { blockSize?: number }): Promise<BlobId>
    get(id: BlobId, opts?: { wait?: boolean; timeout?: number }): Promise<Buffer | null>
    createWriteStream(opts?: Record<string, unknown>): BlobWriteStream
  }
}
