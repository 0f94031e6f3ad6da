/**
 * The node's side of the control socket: runs commands from the command table against
 * the node's own context, so `send` while `up` runs goes through the one process that
 * owns the store. The socket is mode 0600 inside a 0700 home dir.
 */
import type { EventEmitter } from 'node:events'
import net from 'node:net'
import { promises as fs } from 'node:fs'
import { commandNamed } from '../commands/lazy.js'
import { SILENT, type Output } from '../commands/types.js'
import { TamtamError, fail } from '../errors/index.js'
import type { NodeContext } from '../node/context.js'
import { EventStream } from './events.js'
import { CONTROL_VERSION, EVENT_NAMES, EVENTS_VERSION, LineSplitter, MAX_REQUEST_BYTES, MAX_SUBSCRIBERS, SUBSCRIBE, type ControlReply, type ControlRequest, type EventName } from './protocol.js'

/** Listens on the control socket until closed. */
export class ControlServer {
  private readonly context: NodeContext
  private readonly path: string
  private server: net.Server | null = null
  private readonly sockets = new Set<net.Socket>()
  /** The node, whose network, drill and warning events go to subscribers; without it, only the store's. */
  private readonly node: EventEmitter | undefined
  /** Live event streams, by their connection. */
  private readonly streams = new Map<net.Socket, EventStream>()

  constructor (context: NodeContext, socketPath: string, node?: EventEmitter) {
    this.context = context
    this.path = socketPath
    this.node = node
  }

  /** How many clients are subscribed to events now (a closed connection is no longer counted). */
  get subscribers (): number {
    return this.streams.size
  }

  /** Start listening. A leftover socket file is stale (we hold the store lock), so remove it. */
  async listen (): Promise<void> {
    await fs.rm(this.path, { force: true })
    const server = net.createServer((socket) => this.serve(socket))
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(fail('HOME_INVALID', `cannot open the control socket ${this.path} (${(err as Error).message})`, err)))
      server.listen(this.path, resolve)
    })
    await fs.chmod(this.path, 0o600)
    this.server = server
  }

  private serve (socket: net.Socket): void {
    // A client that goes away (Ctrl-C on `tamtam get`) stops its commands: they get an aborted signal.
    const gone = new AbortController()
    this.sockets.add(socket)
    socket.on('close', () => {
      this.sockets.delete(socket)
      this.streams.get(socket)?.stop()
      this.streams.delete(socket)
      gone.abort()
    })
    socket.on('error', () => socket.destroy())
    socket.setEncoding('utf8')
    const lines = new LineSplitter(MAX_REQUEST_BYTES)
    socket.on('data', (chunk: string) => {
      let batch: string[]
      try {
        batch = lines.push(chunk)
      } catch {
        socket.destroy()
        return
      }
      const send = (message: unknown): void => { if (!socket.destroyed) socket.write(JSON.stringify(message) + '\n') }
      for (const line of batch) {
        if (isSubscribe(line)) send(this.subscribe(line, socket))
        else void this.answer(line, send, gone.signal).then(send)
      }
    })
  }

  /**
   * Turn the connection into an event stream: the reply first, then event lines (events.ts)
   * until the connection closes. Answered at once, so no event can come before the reply.
   */
  private subscribe (line: string, socket: net.Socket): ControlReply {
    const request = JSON.parse(line) as ControlRequest
    const id = Number(request.id) || 0
    try {
      if (request.v !== CONTROL_VERSION) throw fail('CONTROL_PROTOCOL', `control protocol version ${String(request.v)} is not ${CONTROL_VERSION}; update tamtam`)
      const wanted = eventsAsked(request.args)
      if (this.streams.has(socket)) throw fail('CONTROL_PROTOCOL', 'this connection is already subscribed')
      if (this.streams.size >= MAX_SUBSCRIBERS) throw fail('CONTROL_PROTOCOL', `the node already streams events to ${MAX_SUBSCRIBERS} clients`)
      this.streams.set(socket, new EventStream(socket, id, wanted, { tt: this.context.tt, node: this.node }))
      return { v: CONTROL_VERSION, id, ok: true, result: { events: EVENTS_VERSION, names: wanted, pid: process.pid } }
    } catch (err) {
      return { v: CONTROL_VERSION, id, ok: false, error: (err as TamtamError).toJSON() }
    }
  }

  /**
   * Run one request. A request with `progress: true` gets the command's progress events as
   * lines `{v, id, progress}` before its reply; other requests get the reply only. `signal`
   * aborts when the client has closed its connection.
   */
  private async answer (line: string, send: (message: unknown) => void, signal: AbortSignal): Promise<ControlReply> {
    let request: ControlRequest
    try {
      request = JSON.parse(line)
    } catch {
      return { v: CONTROL_VERSION, id: -1, ok: false, error: fail('CONTROL_PROTOCOL', 'request is not JSON').toJSON() }
    }
    if (request === null || typeof request !== 'object') return { v: CONTROL_VERSION, id: -1, ok: false, error: fail('CONTROL_PROTOCOL', 'request is not a JSON object').toJSON() }
    const id = Number(request?.id) || 0
    try {
      if (request.v !== CONTROL_VERSION) throw fail('CONTROL_PROTOCOL', `control protocol version ${String(request.v)} is not ${CONTROL_VERSION}; update tamtam`)
      const command = await commandNamed(String(request.cmd))
      if (command === undefined) throw fail('USAGE', `unknown command ${String(request.cmd)}`)
      const out = this.output(request, id, send, signal)
      const result = await command.run(this.context, request.args ?? {}, out)
      return { v: CONTROL_VERSION, id, ok: true, result }
    } catch (err) {
      const e = err instanceof TamtamError ? err : new TamtamError('CONTROL_PROTOCOL', `the node failed: ${(err as Error).message}`)
      return { v: CONTROL_VERSION, id, ok: false, error: e.toJSON() }
    }
  }

  /**
   * Where a command's progress and notes go: to the client when it asked for them
   * (`progress: true`, `notes: true`), nowhere otherwise.
   */
  private output (request: ControlRequest, id: number, send: (message: unknown) => void, signal: AbortSignal): Output {
    const asked = request as { progress?: unknown, notes?: unknown }
    const note = (level: 'info' | 'warn') => (text: string) => send({ v: CONTROL_VERSION, id, note: { level, text: String(text) } })
    return {
      ...SILENT,
      signal,
      ...(asked.progress === true ? { progress: (event: Record<string, unknown>) => send({ v: CONTROL_VERSION, id, progress: event }) } : {}),
      ...(asked.notes === true ? { info: note('info'), warn: note('warn') } : {})
    }
  }

  /** Stop listening and drop clients (idempotent); subscribers are told the node is closing first. */
  async close (): Promise<void> {
    const server = this.server
    this.server = null
    if (server === null) return
    for (const [socket, stream] of this.streams) {
      stream.stop(true)
      socket.end()
      // A client that never closes its side must not hold the node's exit.
      setTimeout(() => socket.destroy(), 1000).unref()
    }
    this.streams.clear()
    for (const s of this.sockets) if (!s.writableEnded) s.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await fs.rm(this.path, { force: true })
  }
}

/** Whether a request line asks for events (a bad line is left to the ordinary path, which says why). */
function isSubscribe (line: string): boolean {
  try {
    const request = JSON.parse(line)
    return request !== null && typeof request === 'object' && request.cmd === SUBSCRIBE
  } catch {
    return false
  }
}

/** The event names a subscribe request asks for: all when it names none; a clear error when malformed. */
function eventsAsked (args: unknown): EventName[] {
  const asked = (args ?? {}) as { events?: unknown }
  if (typeof asked !== 'object' || Array.isArray(asked)) throw fail('CONTROL_PROTOCOL', 'subscribe: args must be an object, e.g. {"events": ["update", "rooms"]}')
  if (asked.events === undefined) return [...EVENT_NAMES]
  const known = EVENT_NAMES as readonly string[]
  if (!Array.isArray(asked.events) || asked.events.length === 0 || !asked.events.every((e) => known.includes(e))) {
    throw fail('CONTROL_PROTOCOL', `subscribe: events must be a non-empty list of names among ${EVENT_NAMES.join(', ')}`)
  }
  return [...new Set(asked.events as EventName[])]
}
