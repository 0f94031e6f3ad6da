/**
 * Watches the raw bytes of a socket while its Noise handshake runs, and reports a frame
 * longer than any real handshake message. Without it, a stranger's first 3 bytes could make
 * the stream wait for (and buffer) up to 16 MiB before the handshake timeout fires.
 */
import type { Duplex } from 'node:stream'

/**
 * Largest handshake frame accepted. Noise XX messages here are 32, 96 and 64 bytes (empty
 * payloads); 1 KiB leaves room for a future payload.
 */
export const MAX_HANDSHAKE_FRAME = 1024

/** Handshake frames received before the handshake completes: XX sends 2 to the responder, 1 to the initiator. */
export function handshakeFramesFor (initiator: boolean): number {
  return initiator ? 1 : 2
}

/**
 * Parse the 3-byte little-endian length prefixes of the first `frames` frames of `raw`, and
 * call `onOversize` once if one exceeds `maxFrame`. Returns a function that stops watching.
 * Watching also stops by itself after `frames` frames or an oversized one.
 */
export function guardHandshake (raw: Duplex, frames: number, onOversize: (length: number) => void, maxFrame = MAX_HANDSHAKE_FRAME): () => void {
  let seen = 0
  let header = 0
  let length = 0
  let skip = 0
  const stop = (): void => { raw.removeListener('data', ondata) }
  function ondata (chunk: Buffer): void {
    let offset = 0
    while (offset < chunk.byteLength && seen < frames) {
      if (skip > 0) {
        const step = Math.min(skip, chunk.byteLength - offset)
        skip -= step
        offset += step
        if (skip === 0) seen++
        continue
      }
      length += chunk[offset++] * 256 ** header++
      if (header < 3) continue
      if (length > maxFrame) {
        stop()
        onOversize(length)
        return
      }
      skip = length
      header = 0
      length = 0
      if (skip === 0) seen++
    }
    if (seen >= frames) stop()
  }
  raw.on('data', ondata)
  return stop
}
