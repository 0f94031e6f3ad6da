/**
 * The client side of the event stream: a connection that asks the running node for its
 * events (docs/protocol.md §6, "Events") and hands each line to the caller until the node
 * stops or the caller closes.
 */
import type net from 'node:net'
import { ERROR_CODES, TamtamError, fail, type ErrorCode } from '../errors/index.js'
import { connect, NO_NODE } from './client.js'
import { CONTROL_VERSION, EVENTS_VERSION, LineSplitter, MAX_REQUEST_BYTES, SUBSCRIBE, type ControlEvent, type ControlReply, type EventName } from './protocol.js'

/** How the stream ended: the node said it was stopping, the connection dropped, or we closed it. */
export type StreamEnd = 'closing' | 'lost' | 'closed'

/** Options of {@link subscribeNode}. */
export interface SubscribeOptions {
  /** The events wanted (all by default). */
  events?: EventName[]
  onEvent: (event: ControlEvent) => void
  /** Called once when the stream ends, for whatever reason. */
  onEnd?: (why: StreamEnd) => void
  /** Longest wait for the node's answer to the subscription (default 10 s). */
  timeoutMs?: number
}

/** A live subscription. */
export interface Subscription {
  /** The node's process id, to say which node the app is attached to. */
  pid: number
  /** Stop the stream (idempotent). */
  close: () => void
}

/**
 * Subscribe to the node on `socketPath`. Resolves NO_NODE when nothing listens there; rejects
 * when the node refuses (an older node answers `USAGE: unknown command subscribe`).
 */
export async function subscribeNode (socketPath: string, opts: SubscribeOptions): Promise<Subscription | typeof NO_NODE> {
  const socket = await connect(socketPath)
  if (socket === null) return NO_NODE
  return await new Promise<Subscription>((resolve, reject) => {
    const lines = new LineSplitter(MAX_REQUEST_BYTES)
    let subscribed: Subscription | null = null
    let ended: StreamEnd | null = null
    const end = (why: StreamEnd): void => {
      if (ended !== null) return
      ended = why
      clearTimeout(timer)
      socket.destroy()
      if (subscribed === null) reject(fail('NODE_UNREACHABLE', 'the node closed the connection before answering the subscription'))
      else opts.onEnd?.(why)
    }
    const timer = setTimeout(() => {
      if (subscribed === null) {
        ended = 'closed'
        socket.destroy()
        reject(fail('NODE_UNREACHABLE', `no answer to the subscription within ${opts.timeoutMs ?? 10_000} ms`))
      }
    }, opts.timeoutMs ?? 10_000)
    const onLine = (line: string): void => {
      const message = JSON.parse(line) as ControlReply | ControlEvent
      if (subscribed === null) {
        clearTimeout(timer)
        subscribed = accepted(message as ControlReply, socket, () => end('closed'))
        resolve(subscribed)
        return
      }
      if ((message as ControlEvent).event === 'closing') return end('closing')
      if ((message as ControlEvent).v !== EVENTS_VERSION) throw fail('CONTROL_PROTOCOL', `event stream version ${String((message as ControlEvent).v)} is not ${EVENTS_VERSION}`)
      opts.onEvent(message as ControlEvent)
    }
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      try {
        for (const line of lines.push(chunk)) onLine(line)
      } catch (err) {
        if (subscribed === null) {
          ended = 'closed'
          socket.destroy()
          reject(err instanceof TamtamError ? err : fail('CONTROL_PROTOCOL', `the node's answer to the subscription is not JSON: ${(err as Error).message}`))
        } else end('lost')
      }
    })
    socket.on('error', () => end('lost'))
    socket.on('close', () => end('lost'))
    socket.write(JSON.stringify({ v: CONTROL_VERSION, id: 1, cmd: SUBSCRIBE, args: opts.events === undefined ? {} : { events: opts.events } }) + '\n')
  })
}

/** The subscription from the node's reply, or the node's refusal thrown as its error. */
function accepted (reply: ControlReply, socket: net.Socket, close: () => void): Subscription {
  if (!reply.ok) {
    const code = (reply.error.code in ERROR_CODES ? reply.error.code : 'CONTROL_PROTOCOL') as ErrorCode
    throw new TamtamError(code, reply.error.message, { hint: reply.error.hint })
  }
  const result = reply.result as { events?: unknown, pid?: unknown }
  if (result?.events !== EVENTS_VERSION) throw fail('CONTROL_PROTOCOL', `the node streams events version ${String(result?.events)}, not ${EVENTS_VERSION}; update tamtam`)
  return { pid: Number(result.pid) || 0, close }
}
