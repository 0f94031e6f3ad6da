/** The command side of the control socket: ask a running node to run a command. */
import net from 'node:net'
import { TamtamError, fail, type ErrorCode, ERROR_CODES } from '../errors/index.js'
import { CONTROL_VERSION, type ControlReply } from './protocol.js'

/** Marker for "no node is running here": the caller then opens the store itself. */
export const NO_NODE = Symbol('no node')

/**
 * Run `cmd` in the node listening on `socketPath`. Resolves NO_NODE when nothing listens
 * (no socket file, or a stale one), so callers fall back to opening the store.
 */
export async function callNode (socketPath: string, cmd: string, args: Record<string, unknown>, timeoutMs = 60_000): Promise<unknown> {
  const socket = await connect(socketPath)
  if (socket === null) return NO_NODE
  try {
    const reply = await exchange(socket, { v: CONTROL_VERSION, id: 1, cmd, args }, timeoutMs)
    if (reply.ok) return reply.result
    const code = (reply.error.code in ERROR_CODES ? reply.error.code : 'CONTROL_PROTOCOL') as ErrorCode
    throw new TamtamError(code, reply.error.message, { hint: reply.error.hint, detail: (reply.error as { detail?: string }).detail })
  } finally {
    socket.destroy()
  }
}

async function connect (socketPath: string): Promise<net.Socket | null> {
  return await new Promise((resolve, reject) => {
    const socket = net.connect(socketPath)
    socket.once('connect', () => resolve(socket))
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') resolve(null)
      else reject(fail('NODE_UNREACHABLE', `${socketPath}: ${err.message}`, err))
    })
  })
}

async function exchange (socket: net.Socket, request: unknown, timeoutMs: number): Promise<ControlReply> {
  return await new Promise((resolve, reject) => {
    let buffer = ''
    const timer = setTimeout(() => reject(fail('NODE_UNREACHABLE', `no answer within ${timeoutMs} ms`)), timeoutMs)
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      buffer += chunk
      const end = buffer.indexOf('\n')
      if (end === -1) return
      clearTimeout(timer)
      try {
        resolve(JSON.parse(buffer.slice(0, end)))
      } catch (err) {
        reject(fail('CONTROL_PROTOCOL', 'the node sent a reply that is not JSON', err))
      }
    })
    socket.once('close', () => {
      clearTimeout(timer)
      reject(fail('NODE_UNREACHABLE', 'the node closed the connection before answering'))
    })
    socket.write(JSON.stringify(request) + '\n')
  })
}
