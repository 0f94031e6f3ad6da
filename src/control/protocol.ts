/**
 * Control socket protocol (version 1): newline-delimited JSON over a Unix socket in the
 * home dir. Requests: {v, id, cmd, args}. Replies: {v, id, ok: true, result} or
 * {v, id, ok: false, error: {code, message, hint}}. See docs/protocol.md.
 */

/** Protocol version; a node refuses requests with another version. */
export const CONTROL_VERSION = 1
/** Largest request line a node accepts: a message is 8 KiB, so this leaves lots of room. */
export const MAX_REQUEST_BYTES = 1024 * 1024

/** A request to a running node. */
export interface ControlRequest { v: number, id: number, cmd: string, args: Record<string, unknown> }
/** A reply from a running node. */
export type ControlReply =
  | { v: number, id: number, ok: true, result: unknown }
  | { v: number, id: number, ok: false, error: { code: string, message: string, hint?: string, detail?: string } }

/** Split a byte stream into lines, refusing lines over `max` bytes. */
export class LineSplitter {
  private buffer = ''
  private readonly max: number
  constructor (max: number) {
    this.max = max
  }

  /** Feed a chunk; returns complete lines, or throws when a line is too long. */
  push (chunk: string): string[] {
    this.buffer += chunk
    const lines = this.buffer.split('\n')
    this.buffer = lines.pop() ?? ''
    if (this.buffer.length > this.max) throw new Error('line too long')
    return lines.filter((l) => l.length > 0)
  }
}
