/**
 * Opening bundles: from a file, chunk by chunk with bounded memory (import, `--since`), or
 * whole from memory (tests, fuzzing). Both check the header, find the room by its tag,
 * authenticate every chunk before its bytes are parsed, and validate the body's structure.
 * Proofs are not verified here: that takes Hypercore and a store (see verify.ts).
 */
import { open, type FileHandle } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { fail } from '../errors/index.js'
import type { Room } from '../room/index.js'
import { BodyDecoder, type BodyEvent } from './body.js'
import { chunkLayout, openBody, openChunk, sealBody, SEALED_CHUNK_BYTES } from './chunks.js'
import { bundleKeys, BUNDLE_ID_BYTES, decodeHeader, encodeHeader, HEADER_BYTES, matchRoom, MAX_BUNDLE_BYTES, type BundleHeader, type BundleKeys } from './format.js'
import type { BundleEnd, BundleIndex } from './frames.js'

/** A bundle decoded whole, in memory. */
export interface DecodedBundle {
  room: Room
  header: BundleHeader
  index: BundleIndex
  proofs: Array<Extract<BodyEvent, { type: 'proof' }>>
  end: BundleEnd
}

/** Check the size and the header of a bundle, and find its room. */
function openHeader (size: number, head: Buffer, rooms: Room[]): { room: Room, header: BundleHeader, keys: BundleKeys } {
  if (size > MAX_BUNDLE_BYTES) throw fail('BUNDLE_INVALID', `the file is ${size} bytes, over the 2 GiB limit`)
  const header = decodeHeader(head)
  const room = matchRoom(header, rooms)
  return { room, header, keys: bundleKeys(room) }
}

/** Decrypt a bundle held in memory: its room, header and plaintext body (no structure check). */
export function openBundle (bytes: Buffer, rooms: Room[]): { room: Room, header: BundleHeader, body: Buffer } {
  const { room, header, keys } = openHeader(bytes.length, bytes.subarray(0, HEADER_BYTES), rooms)
  return { room, header, body: openBody(keys.seal, header.id, bytes.subarray(HEADER_BYTES)) }
}

/** Seal a plaintext body into bundle bytes for a room (used to write, and by tests that forge). */
export function sealBundle (room: Room, body: Buffer, id: Buffer = randomBytes(BUNDLE_ID_BYTES)): Buffer {
  const keys = bundleKeys(room)
  return Buffer.concat([encodeHeader(keys, id), sealBody(keys.seal, id, body)])
}

/** Decode and validate a whole bundle held in memory. Throws only coded errors. */
export function decodeBundle (bytes: Buffer, rooms: Room[]): DecodedBundle {
  if (!Buffer.isBuffer(bytes)) throw fail('BUNDLE_INVALID', 'a bundle is bytes')
  const { room, header, body } = openBundle(bytes, rooms)
  const decoder = new BodyDecoder({ id: header.id, roomId: room.keys.id })
  const out: Partial<DecodedBundle> & { proofs: DecodedBundle['proofs'] } = { room, header, proofs: [] }
  for (const event of decoder.push(body)) {
    if (event.type === 'index') out.index = event.index
    else if (event.type === 'proof') out.proofs.push(event)
    else out.end = event.end
  }
  decoder.finish()
  return out as DecodedBundle
}

/** A bundle file, opened for reading chunk by chunk. */
export class BundleReader {
  readonly file: string
  readonly room: Room
  readonly header: BundleHeader
  /** File size in bytes. */
  readonly size: number
  private readonly keys: BundleKeys
  private readonly handle: FileHandle

  private constructor (file: string, handle: FileHandle, size: number, opened: ReturnType<typeof openHeader>) {
    this.file = file
    this.handle = handle
    this.size = size
    this.room = opened.room
    this.header = opened.header
    this.keys = opened.keys
  }

  /** Open a file and check its header against the rooms joined here. */
  static async open (file: string, rooms: Room[]): Promise<BundleReader> {
    const handle = await openFile(file)
    try {
      const stat = await handle.stat()
      if (!stat.isFile()) throw fail('USAGE', `${file} is not a file`)
      const size = stat.size
      const head = Buffer.alloc(Math.min(HEADER_BYTES, size))
      await readFully(handle, head, 0)
      return new BundleReader(file, handle, size, openHeader(size, head, rooms))
    } catch (err) {
      await handle.close()
      throw err
    }
  }

  /** Every checked event of the body, in order; the last one is the end frame. */
  async * events (): AsyncGenerator<BodyEvent> {
    const decoder = new BodyDecoder({ id: this.header.id, roomId: this.room.keys.id })
    const { chunks, last } = chunkLayout(this.size - HEADER_BYTES)
    for (let i = 0; i < chunks; i++) {
      const sealed = Buffer.alloc(i === chunks - 1 ? last : SEALED_CHUNK_BYTES)
      await readFully(this.handle, sealed, HEADER_BYTES + i * SEALED_CHUNK_BYTES)
      yield * decoder.push(openChunk(this.keys.seal, this.header.id, i, i === chunks - 1, sealed))
    }
    decoder.finish()
  }

  /** Close the file (idempotent). */
  async close (): Promise<void> {
    await this.handle.close().catch(() => {})
  }
}

/** The index of a bundle file, reading only as far as it (for `export --since`). */
export async function readBundleIndex (file: string, room: Room): Promise<BundleIndex> {
  const reader = await BundleReader.open(file, [room])
  try {
    for await (const event of reader.events()) if (event.type === 'index') return event.index
    throw fail('BUNDLE_INVALID', 'the bundle has no index')
  } finally {
    await reader.close()
  }
}

async function openFile (file: string): Promise<FileHandle> {
  try {
    return await open(file, 'r')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw fail('FILE_NOT_FOUND', file, err)
    throw err
  }
}

/** Read exactly buffer.length bytes at `position`; a file that shrank is cut short. */
async function readFully (handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  let done = 0
  while (done < buffer.length) {
    const { bytesRead } = await handle.read(buffer, done, buffer.length - done, position + done)
    if (bytesRead === 0) throw fail('BUNDLE_INVALID', 'the bundle is cut short')
    done += bytesRead
  }
}
