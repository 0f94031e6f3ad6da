/** The command side of the control socket: ask a running node to run a command. */
import net from 'node:net'
import { TamtamError, fail, type ErrorCode, ERROR_CODES } from '../errors/index.js'
import { CONTROL_VERSION, type ControlReply } from './protocol.js'

/** Marker for "no node is running here": the caller then opens the store itself. */
export const NO_NODE = Symbol('no node')

/** Options of {@link callNode}. */
export interface CallOptions {
  /** Longest wait for the reply, restarted by each progress event (default 60 s). */
  timeoutMs?: number
  onProgress?: (event: Record<string, unknown>) => void
  /** The command's notes (what it tells `out.info` and `out.warn`); when set, the node is asked to send them. */
  onNote?: (level: 'info' | 'warn', text: string) => void
  /**
   * Aborting closes the connection, which stops the command in the node (its own signal
   * aborts) and its progress, and rejects with the signal's reason.
   */
  signal?: AbortSignal
}

/**
 * Run `cmd` in the node listening on `socketPath`. Resolves NO_NODE when nothing listens
 * (no socket file, or a stale one), so callers fall back to opening the store.
 */
export async function callNode (socketPath: string, cmd: string, args: Record<string, unknown>, opts: CallOptions = {}): Promise<unknown> {
  opts.signal?.throwIfAborted()
  const socket = await connect(socketPath)
  if (socket === null) return NO_NODE
  try {
    // Always ask for progress: each event restarts the timeout, which keeps a long download
    // alive even when the caller shows no progress. Nodes before this field ignore it.
    const reply = await exchange(socket, { v: CONTROL_VERSION, id: 1, cmd, args, progress: true, ...(opts.onNote !== undefined ? { notes: true } : {}) }, opts)
    if (reply.ok) return reply.result
    const code = (reply.error.code in ERROR_CODES ? reply.error.code : 'CONTROL_PROTOCOL') as ErrorCode
    throw new TamtamError(code, reply.error.message, { hint: reply.error.hint, detail: (reply.error as { detail?: string }).detail })
  } finally {
    socket.destroy()
  }
}

/** True when a node answers on `socketPath` (a connection is accepted), without asking anything. */
export async function nodeListening (socketPath: string): Promise<boolean> {
  const socket = await connect(socketPath).catch(() => null)
  socket?.destroy()
  return socket !== null
}

/** A connection to the node on `socketPath`, or null when nothing listens there. */
export async function connect (socketPath: string): Promise<net.Socket | null> {
  return await new Promise((resolve, reject) => {
    const socket = net.connect(socketPath)
    socket.once('connect', () => resolve(socket))
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') resolve(null)
      else reject(fail('NODE_UNREACHABLE', `${socketPath}: ${err.message}`, err))
    })
  })
}

async function exchange (socket: net.Socket, request: unknown, opts: CallOptions): Promise<ControlReply> {
  const { timeoutMs = 60_000, onProgress, onNote, signal } = opts
  return await new Promise<ControlReply>((resolve, reject) => {
    let buffer = ''
    let timer: NodeJS.Timeout
    // Every way out clears the timer and the abort listener; the caller destroys the socket.
    const settle = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', abort)
    }
    const fault = (err: unknown): void => { settle(); reject(err) }
    const abort = (): void => fault(signal?.reason)
    signal?.addEventListener('abort', abort, { once: true })
    const arm = (): void => {
      clearTimeout(timer)
      timer = setTimeout(() => fault(fail('NODE_UNREACHABLE', `no answer within ${timeoutMs} ms`)), timeoutMs)
    }
    arm()
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      buffer += chunk
      for (let end = buffer.indexOf('\n'); end !== -1; end = buffer.indexOf('\n')) {
        const line = buffer.slice(0, end)
        buffer = buffer.slice(end + 1)
        let message: ControlReply | { progress: Record<string, unknown> } | { note: { level: 'info' | 'warn', text: string } }
        try {
          message = JSON.parse(line)
        } catch (err) {
          fault(fail('CONTROL_PROTOCOL', 'the node sent a reply that is not JSON', err))
          return
        }
        if ('progress' in message && !('ok' in message)) {
          arm()
          onProgress?.(message.progress)
          continue
        }
        if ('note' in message && !('ok' in message)) {
          arm()
          onNote?.(message.note.level === 'warn' ? 'warn' : 'info', String(message.note.text))
          continue
        }
        settle()
        resolve(message as ControlReply)
        return
      }
    })
    socket.once('close', () => fault(fail('NODE_UNREACHABLE', 'the node closed the connection before answering')))
    socket.write(JSON.stringify(request) + '\n')
  })
}
