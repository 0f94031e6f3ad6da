/**
 * Opens one outgoing TCP connection with a time limit.
 */
import net from 'node:net'
import { fail } from '../errors/index.js'

/** An outgoing connect in progress. */
export interface PendingDial {
  /** Destroy it to cancel the dial. */
  socket: net.Socket
  /** Resolves once connected; rejects with PEER_UNREACHABLE (socket destroyed) otherwise. */
  connected: Promise<void>
}

/** Connect to host:port, giving up after `timeoutMs`. Socket errors never escape as 'error' events. */
export function dialTcp (host: string, port: number, timeoutMs: number): PendingDial {
  const socket = net.connect({ host, port })
  const connected = new Promise<void>((resolve, reject) => {
    let settled = false
    const settle = (err: unknown): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.removeListener('connect', onconnect)
      socket.removeListener('close', onclose)
      if (err === null) return resolve()
      socket.destroy()
      reject(fail('PEER_UNREACHABLE', `cannot connect to ${host}:${port}`, err))
    }
    const onconnect = (): void => settle(null)
    const onclose = (): void => settle(new Error('socket closed before connecting'))
    const timer = setTimeout(() => settle(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
    timer.unref()
    socket.once('connect', onconnect)
    socket.once('close', onclose)
    // Stays attached for the socket's life, so a late error (after Noise took over) cannot crash.
    socket.on('error', (err) => settle(err))
  })
  return { socket, connected }
}
