/**
 * At most a few simultaneous sockets from one address (the page, its two files, the
 * WebSocket): one laptop on the Wi-Fi cannot take every phone slot. More get a short 503
 * and are closed before anything is read, as the app-sharing server does.
 */
import type http from 'node:http'
import type { Socket } from 'node:net'

/** Default: a phone needs four at once (page, script, style, WebSocket), two phones behind one NAT eight. */
export const DEFAULT_MAX_PER_ADDRESS = 8

/** The peer address of a socket, without the IPv4-mapped prefix. */
export function socketIp (socket: Socket): string {
  return (socket.remoteAddress ?? '?').replace(/^::ffff:/, '')
}

/**
 * Refuse connections over `max` per address; the set holds the refused sockets, and
 * `onRefused` hears each refusal (the app-sharing server reports them, throttled).
 * Shared by the phone server and the app-sharing server.
 */
export function capPerAddress (server: http.Server, max: number, refused: WeakSet<Socket>, onRefused: (ip: string) => void = () => {}): void {
  const open = new Map<string, number>()
  server.on('connection', (socket: Socket) => {
    const ip = socketIp(socket)
    const count = open.get(ip) ?? 0
    if (count >= max) {
      refused.add(socket)
      const body = 'too many connections from your address: close some, then try again\n'
      socket.on('error', () => {})
      socket.end(`HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nRetry-After: 10\r\nConnection: close\r\n\r\n${body}`)
      setTimeout(() => socket.destroy(), 1_000).unref()
      onRefused(ip)
      return
    }
    open.set(ip, count + 1)
    socket.once('close', () => {
      const left = (open.get(ip) ?? 1) - 1
      if (left <= 0) open.delete(ip)
      else open.set(ip, left)
    })
  })
}
