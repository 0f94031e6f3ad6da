/**
 * The TCP listener: hands every accepted socket to a callback, and survives anything a
 * socket does.
 */
import net from 'node:net'

/** A TCP server with an idempotent listen() and close(). */
export class TcpListener {
  private readonly server: net.Server
  private listening: Promise<number> | null = null
  private closing: Promise<void> | null = null

  /** `onSocket` owns each accepted socket; `onWarning` hears server errors after listening. */
  constructor (onSocket: (socket: net.Socket) => void, onWarning: (err: Error) => void) {
    this.server = net.createServer({ noDelay: true }, (socket) => {
      socket.on('error', () => {}) // the owner's stream reports errors; this only keeps the process alive
      onSocket(socket)
    })
    this.server.on('error', (err) => { if (this.server.listening) onWarning(err) })
  }

  /** The bound port, or 0 before listen(). */
  get port (): number {
    const address = this.server.address()
    return typeof address === 'object' && address !== null ? address.port : 0
  }

  /** Bind host:port and resolve with the actual port. Idempotent; a failed bind can be retried. */
  listen (port: number, host: string): Promise<number> {
    this.listening ??= new Promise<number>((resolve, reject) => {
      const onerror = (err: Error): void => {
        this.listening = null
        reject(err)
      }
      this.server.once('error', onerror)
      this.server.listen(port, host, () => {
        this.server.removeListener('error', onerror)
        resolve(this.port)
      })
    })
    return this.listening
  }

  /** Stop accepting. Resolves once the server handle is closed (accepted sockets are the owner's). Idempotent. */
  close (): Promise<void> {
    this.closing ??= this.closeServer()
    return this.closing
  }

  private async closeServer (): Promise<void> {
    await this.listening?.catch(() => {}) // a bind in flight would otherwise reopen the server after close
    if (!this.server.listening) return
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}
