/**
 * The node's side of an event stream (docs/protocol.md §6, "Events"): what happened in the
 * node, as small JSON lines a client (the terminal app attached to `tamtam up`) uses to
 * know when to read again. Events say *that* something changed, never the data itself, so
 * a slow client loses nothing by missing some: it gets one `resync` and reads everything.
 */
import type { EventEmitter } from 'node:events'
import type net from 'node:net'
import type { Tamtam } from '../tamtam.js'
import { EVENT_COALESCE_MS, EVENTS_VERSION, MAX_EVENT_BACKLOG, type ControlEvent, type EventName } from './protocol.js'

/** Where events come from: the store (messages, rooms) and the node (network, drills, warnings). */
export interface EventSources { tt: Tamtam, node?: EventEmitter }

type Raw = (...args: any[]) => Partial<ControlEvent> | null

/** Node event → wire event, by the emitter that sends it. Peer data never goes on the wire. */
function translations (tt: Tamtam): { store: Record<string, Raw>, node: Record<string, Raw> } {
  // Network and drill events name rooms; the stream names them by id, like `update`.
  const idOf = (name: unknown): string | undefined => tt.rooms.list().find((r) => r.name === name)?.id
  const peers: Raw = () => ({ event: 'peers' })
  return {
    store: {
      update: (room: { id?: string }) => ({ event: 'update', room: room?.id }),
      rooms: () => ({ event: 'rooms' })
    },
    node: {
      connected: peers,
      disconnected: peers,
      found: peers,
      lost: peers,
      presence: () => ({ event: 'presence' }),
      synced: (info: { room?: unknown }) => ({ event: 'synced', room: idOf(info?.room) }),
      'drill-ack': (info: { room?: unknown, drill?: unknown }) => ({ event: 'drill-ack', room: idOf(info?.room), drill: String(info?.drill ?? '') }),
      document: (info: { room?: unknown }) => ({ event: 'document', room: idOf(info?.room) }),
      warning: (err: { code?: unknown, message?: unknown }) => ({ event: 'warning', code: typeof err?.code === 'string' ? err.code : undefined, message: String(err?.message ?? err) })
    }
  }
}

/** One subscriber's stream: listeners on the sources, coalesced writes, dropped events counted. */
export class EventStream {
  private readonly socket: net.Socket
  private readonly id: number
  private readonly wanted: Set<EventName>
  private readonly detach: Array<() => void> = []
  /** Events waiting for the next flush, one per kind and room. */
  private readonly pending = new Map<string, ControlEvent>()
  private timer: NodeJS.Timeout | null = null
  private dropped = 0
  private stopped = false

  constructor (socket: net.Socket, id: number, wanted: EventName[], sources: EventSources) {
    this.socket = socket
    this.id = id
    this.wanted = new Set(wanted)
    const table = translations(sources.tt)
    this.listen(sources.tt, table.store)
    if (sources.node !== undefined) this.listen(sources.node, table.node)
    // A backlog that drains lets the client know at once that it missed something.
    socket.on('drain', this.flush)
  }

  private listen (emitter: EventEmitter, table: Record<string, Raw>): void {
    for (const [name, translate] of Object.entries(table)) {
      const handler = (...args: unknown[]): void => {
        const event = translate(...args)
        if (event !== null) this.queue(event)
      }
      emitter.on(name, handler)
      this.detach.push(() => emitter.off(name, handler))
    }
  }

  private queue (partial: Partial<ControlEvent>): void {
    if (this.stopped || !this.wanted.has(partial.event as EventName)) return
    const event = { v: EVENTS_VERSION, id: this.id, ...partial } as ControlEvent
    this.pending.set(`${event.event}/${event.room ?? ''}`, event)
    this.timer ??= setTimeout(this.flush, EVENT_COALESCE_MS)
  }

  /** Write what is pending, unless the client has not read the last lines: then count it as dropped. */
  private readonly flush = (): void => {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    if (this.stopped || this.socket.destroyed) return
    if (this.socket.writableLength > MAX_EVENT_BACKLOG) {
      this.dropped += this.pending.size
      this.pending.clear()
      return
    }
    if (this.dropped > 0) this.write({ v: EVENTS_VERSION, id: this.id, event: 'resync', dropped: this.dropped })
    this.dropped = 0
    for (const event of this.pending.values()) this.write(event)
    this.pending.clear()
  }

  private write (event: ControlEvent): void {
    this.socket.write(JSON.stringify(event) + '\n')
  }

  /** How many events were dropped for a slow client since its last `resync`. */
  get backlogDropped (): number {
    return this.dropped
  }

  /** Stop listening (idempotent); `closing` tells the client the node is stopping, as the last line. */
  stop (closing = false): void {
    if (this.stopped) return
    this.flush()
    this.stopped = true
    if (this.timer !== null) clearTimeout(this.timer)
    for (const off of this.detach) off()
    this.detach.length = 0
    this.socket.off('drain', this.flush)
    if (closing && !this.socket.destroyed) this.write({ v: EVENTS_VERSION, id: this.id, event: 'closing' })
  }
}
