/**
 * The node's side of the control socket: runs commands from the command table against
 * the node's own context, so `send` while `up` runs goes through the one process that
 * owns the store. The socket is mode 0600 inside a 0700 home dir.
 */
import net from 'node:net'
import { promises as fs } from 'node:fs'
import { commandNamed } from '../commands/lazy.js'
import { SILENT, type Output } from '../commands/types.js'
import { TamtamError, fail } from '../errors/index.js'
import type { NodeContext } from '../node/context.js'
import { CONTROL_VERSION, LineSplitter, MAX_REQUEST_BYTES, type ControlReply, type ControlRequest } from './protocol.js'

/** Listens on the control socket until closed. */
export class ControlServer {
  private readonly context: NodeContext
  private readonly path: string
  private server: net.Server | null = null
  private readonly sockets = new Set<net.Socket>()

  constructor (context: NodeContext, socketPath: string) {
    this.context = context
    this.path = socketPath
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
      for (const line of batch) void this.answer(line, send, gone.signal).then(send)
    })
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
      const wantsProgress = (request as { progress?: unknown }).progress === true
      const out: Output = { ...SILENT, signal, ...(wantsProgress ? { progress: (event: Record<string, unknown>) => send({ v: CONTROL_VERSION, id, progress: event }) } : {}) }
      const result = await command.run(this.context, request.args ?? {}, out)
      return { v: CONTROL_VERSION, id, ok: true, result }
    } catch (err) {
      const e = err instanceof TamtamError ? err : new TamtamError('CONTROL_PROTOCOL', `the node failed: ${(err as Error).message}`)
      return { v: CONTROL_VERSION, id, ok: false, error: e.toJSON() }
    }
  }

  /** Stop listening and drop clients (idempotent). */
  async close (): Promise<void> {
    const server = this.server
    this.server = null
    if (server === null) return
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await fs.rm(this.path, { force: true })
  }
}
