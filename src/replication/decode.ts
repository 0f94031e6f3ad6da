/**
 * Decoding of room protocol messages from hostile bytes: every failure, whatever
 * compact-encoding or a bounded decoder threw, becomes one coded PROTOCOL_INVALID error.
 */
import c from 'compact-encoding'
import { TamtamError, fail } from '../errors/index.js'
import type { Encoding } from './messages.js'

/**
 * Decode one message with `encoding`. Bytes after the message are left alone (a newer
 * peer may append fields); anything that cannot be decoded throws PROTOCOL_INVALID.
 */
export function decodeMessage<T> (encoding: Encoding<T>, bytes: Uint8Array): T {
  if (!(bytes instanceof Uint8Array)) throw fail('PROTOCOL_INVALID', 'the message is not bytes')
  try {
    return c.decode(encoding as never, bytes) as T
  } catch (err) {
    if (err instanceof TamtamError && err.code === 'PROTOCOL_INVALID') throw err
    const reason = err instanceof Error ? err.message : String(err)
    throw fail('PROTOCOL_INVALID', `a ${bytes.byteLength}-byte message cannot be decoded (${reason})`, err)
  }
}
