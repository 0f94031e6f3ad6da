/**
 * Control socket protocol (version 1): newline-delimited JSON over a Unix socket in the
 * home dir. Requests: {v, id, cmd, args}. Replies: {v, id, ok: true, result} or
 * {v, id, ok: false, error: {code, message, hint}}. See docs/protocol.md.
 */

/** Protocol version; a node refuses requests with another version. */
export const CONTROL_VERSION = 1
/** Largest request line a node accepts: a message is 8 KiB, so this leaves lots of room. */
export const MAX_REQUEST_BYTES = 1024 * 1024

/**
 * The request that turns a connection into an event stream (version 1 of the stream, see
 * docs/protocol.md §6): the reply names the events sent, then the node sends event lines
 * until either side closes.
 */
export const SUBSCRIBE = 'subscribe'
/** Version of the event stream's lines; a client refuses a stream of another version. */
export const EVENTS_VERSION = 1
/** Event names a subscriber may ask for (all of them by default). */
export const EVENT_NAMES = ['update', 'rooms', 'peers', 'presence', 'synced', 'drill-ack', 'document', 'warning'] as const
/** One event name of the stream. */
export type EventName = typeof EVENT_NAMES[number]
/**
 * One line of the stream: `event` is an EventName, or `resync` (events were dropped while the
 * client read too slowly: read everything again) or `closing` (the node is stopping).
 */
export interface ControlEvent { v: number, event: EventName | 'resync' | 'closing', room?: string, [field: string]: unknown }
/** Most event streams one node serves at once; more are refused (each costs the node a listener set). */
export const MAX_SUBSCRIBERS = 32
/** Bytes a slow subscriber may leave unread before events are dropped for it (then one `resync`). */
export const MAX_EVENT_BACKLOG = 256 * 1024
/** Events of one kind (and room) within this window are sent as one line. */
export const EVENT_COALESCE_MS = 50

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
