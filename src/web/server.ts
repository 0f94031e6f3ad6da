/**
 * The web server for phones (issue 20): a node serves its rooms to browsers on the LAN
 * over plain HTTP. It answers a fixed set of paths (page.ts) and a WebSocket at `/ws`
 * where a phone runs the §16 handshake for one of the node's rooms, then a session (§17).
 * Limits: sessions per host, sockets per address, frames per window, frame size, time to
 * say hello, bytes buffered for a slow reader. A phone can fail its own session, never
 * the node.
 */
import { promises as fs } from 'node:fs'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import path from 'node:path'
import type { Socket } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import type { Documents } from '../documents/documents.js'
import { interfaceKind, lanAddresses, type LanAddress } from '../discovery/index.js'
import { fail } from '../errors/index.js'
import { MAX_FRAME_BYTES } from '../phone/index.js'
import type { Room } from '../room/index.js'
import type { Tamtam } from '../tamtam.js'
import { capPerAddress, DEFAULT_MAX_PER_ADDRESS } from './addresses.js'
import { defaultMaxHandshaking, Handshaking } from './handshaking.js'
import { defaultDistDir, readAsset, SECURITY_HEADERS, type AssetCache } from './page.js'
import { DEFAULT_PHONE_DOCS_BYTES, PhoneBlobsShelf } from './phone-blobs.js'
import type { DocsHost } from './phone-docs.js'
import { PhoneSession } from './session.js'
import { CLOSE, PhoneSocket, type SocketLimits } from './socket.js'
import { HostedWriters } from './writers.js'

/** The port asked for by default. */
export const DEFAULT_WEB_PORT = 8080
/** Most phone sessions at once on one host. */
export const DEFAULT_MAX_SESSIONS = 64
/** Default limits of one phone socket. */
export const DEFAULT_SOCKET_LIMITS: SocketLimits = { helloTimeoutMs: 10_000, framesPerWindow: 50, windowMs: 10_000, maxBufferedBytes: 1024 * 1024 }

/** Options of a web server (`tamtam up --web`). */
export interface WebOptions {
  /** Default 8080; 0 for any free port. */
  port?: number
  /** Address to bind; default `0.0.0.0`. */
  host?: string
  maxSessions?: number
  /** Most sockets in their §16 handshake at once (handshaking.ts); default a quarter of `maxSessions`. */
  maxHandshaking?: number
  maxPerAddress?: number
  /** Per-socket limits (tests shorten the hello timeout). */
  limits?: Partial<SocketLimits>
  /** Where the built phone page is (`app.js`, `app.css`, `index.html`); by default the package's `web/dist/`, null for none. */
  distDir?: string | null
  /** LAN addresses to print URLs for; default the machine's IPv4 ones. */
  addresses?: () => LanAddress[]
  /** Most bytes of documents stored for one phone in one room (default 100 MiB). */
  phoneDocsBytes?: number
  /** How long a phone's download waits for blocks, or for the phone to read (ms; default 30 s). */
  docStallMs?: number
}

/** What the server reports to its owner. */
export interface WebEvents {
  warn: (err: unknown) => void
  /** Own member logs (hex) of the peers connected now in a room (the node's network), for who is online. */
  online?: (roomId: string) => Set<string>
  /** The node's documents: phones list, get and share documents through them. */
  documents?: () => Promise<Documents>
}

/** A node's web server for phones. `listen` and `close` are idempotent. */
export class WebServer {
  private readonly tt: Tamtam
  private readonly opts: WebOptions
  private readonly events: WebEvents
  private readonly http: http.Server
  private readonly wss: WebSocketServer
  private readonly limits: SocketLimits
  private readonly distDir: string | null
  private readonly writers: HostedWriters
  private readonly shelf: PhoneBlobsShelf
  private readonly sessions = new Set<{ socket: PhoneSocket, session: PhoneSession | null }>()
  private readonly refused = new WeakSet<Socket>()
  private readonly assets: AssetCache = new Map()
  private readonly handshaking: Handshaking<PhoneSocket>
  /** The host's identity, hex: phones name it in their binding. */
  private hostIdentity = ''
  private listening: Promise<void> | null = null
  private closing: Promise<void> | null = null
  private readonly onUpdate = (room: Room): void => { for (const s of this.sessions) s.session?.roomChanged(room) }
  private readonly onMember = (room: Room): void => { for (const s of this.sessions) s.session?.membersChanged(room) }
  /** The room is being wiped (Tamtam.wipeRoom): its phones are sent away and its cores let go. */
  private readonly onWiping = (room: Room): void => { this.sendAway(room.id, 'room left') }
  /** The room's keys changed (src/epochs): phones on the old epoch need a new link. */
  private readonly onEpoch = (_room: Room, oldId: string): void => { this.sendAway(oldId, 'room keys changed') }

  private sendAway (roomId: string, reason: string): void {
    for (const s of this.sessions) if (s.session?.roomId === roomId) s.socket.close(CLOSE.going, reason)
    this.shelf.forget(roomId)
  }

  constructor (tt: Tamtam, opts: WebOptions = {}, events: WebEvents = { warn: () => {} }) {
    this.tt = tt
    this.opts = opts
    this.events = events
    this.limits = { ...DEFAULT_SOCKET_LIMITS, ...opts.limits }
    this.distDir = opts.distDir === undefined ? defaultDistDir() : opts.distDir
    this.writers = new HostedWriters(async () => await tt.store())
    this.shelf = new PhoneBlobsShelf(async () => await tt.store(), (room, core) => tt.addRoomCore(room.id, core))
    this.http = http.createServer({ connectionsCheckingInterval: 1_000, headersTimeout: 10_000, requestTimeout: 15_000 }, (req, res) => { this.request(req, res).catch(events.warn) })
    // A client that stops reading its answers (200 pipelined requests, never read) makes no
    // progress: cut after 10 s. Upgraded sockets are not concerned (ws clears the timeout).
    this.http.timeout = 10_000
    this.http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.upgrade(req, socket, head))
    capPerAddress(this.http, opts.maxPerAddress ?? DEFAULT_MAX_PER_ADDRESS, this.refused)
    this.handshaking = new Handshaking(opts.maxHandshaking ?? defaultMaxHandshaking(opts.maxSessions ?? DEFAULT_MAX_SESSIONS))
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false, clientTracking: false })
  }

  /** Start listening; resolves once the port is open. */
  async listen (): Promise<void> {
    this.listening ??= (async () => {
      const port = this.opts.port ?? DEFAULT_WEB_PORT
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw fail('USAGE', '--web-port must be a whole number from 0 to 65535')
      this.hostIdentity = (await this.tt.identity()).publicKey.toString('hex')
      // Uploads a crash cut short: never stored, never announced.
      await fs.rm(this.uploadDir, { recursive: true, force: true })
      await new Promise<void>((resolve, reject) => {
        this.http.once('error', (err: NodeJS.ErrnoException) => reject(fail('USAGE', `cannot serve phones on port ${port} (${String(err.code)})`, err)))
        this.http.listen(port, this.opts.host ?? '0.0.0.0', () => resolve())
      })
      this.tt.on('update', this.onUpdate)
      this.tt.on('member', this.onMember)
      this.tt.on('room-wiping', this.onWiping)
      this.tt.on('epoch', this.onEpoch)
    })()
    await this.listening
  }

  /** The port listened on. */
  get port (): number {
    return (this.http.address() as { port: number } | null)?.port ?? 0
  }

  /** One `http://IP:PORT/` per LAN address (Wi-Fi and Ethernet first), or the address bound. */
  urls (): string[] {
    const host = this.opts.host ?? '0.0.0.0'
    if (host !== '0.0.0.0' && host !== '::') return [`http://${host.includes(':') ? `[${host}]` : host}:${this.port}/`]
    const found = (this.opts.addresses ?? lanAddresses)().filter((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a.address))
    if (found.length === 0) return [`http://127.0.0.1:${this.port}/`]
    const rank = (a: LanAddress): number => interfaceKind(a.name) === 'virtual' ? 1 : 0
    return [...found].sort((a, b) => rank(a) - rank(b)).map((a) => `http://${a.address}:${this.port}/`)
  }

  /** Phone sessions open now (handshaking ones included). */
  get sessionCount (): number {
    return this.sessions.size
  }

  private async request (req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.refused.has(req.socket)) return
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value)
    const method = req.method ?? ''
    if (method !== 'GET' && method !== 'HEAD') return plain(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' })
    const asset = await readAsset((req.url ?? '').split('?')[0], this.distDir, this.assets)
    if (asset === null) return plain(res, 404, 'not found\n')
    res.writeHead(200, { 'Content-Type': asset.type, 'Content-Length': asset.body.length, 'Cache-Control': 'no-cache' })
    res.end(method === 'HEAD' ? undefined : asset.body)
  }

  private upgrade (req: IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', () => {})
    if (this.refused.has(socket)) return
    if ((req.url ?? '').split('?')[0] !== '/ws' || req.method !== 'GET' || this.closing !== null) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
      return
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws))
  }

  private accept (ws: WebSocket): void {
    // Too many handshaking: one drawn at random makes way (its slot is freed at once).
    this.handshaking.makeRoom()?.close(CLOSE.tryLater, 'host busy')
    if (this.sessions.size >= (this.opts.maxSessions ?? DEFAULT_MAX_SESSIONS) || this.closing !== null) return turnAway(ws, 'host full')
    // Every room held now is offered; the handshake says which one the phone is in.
    const rooms = this.tt.rooms.list()
    const socket = new PhoneSocket(ws, rooms.map((r) => new Uint8Array(r.keys.memberKey)), this.limits)
    const entry: { socket: PhoneSocket, session: PhoneSession | null } = { socket, session: null }
    this.sessions.add(entry)
    this.handshaking.add(socket)
    socket.attach({
      opened: (room) => {
        this.handshaking.done(socket)
        entry.session = new PhoneSession(this.sessionHost(), rooms[room], (m) => socket.send(m), () => socket.queuedBytes)
      },
      exempt: (m) => entry.session?.exempt(m) ?? false,
      message: async (m) => {
        await entry.session?.receive(m)
        if (entry.session?.greeted === true) socket.greeted()
      },
      closed: () => {
        this.sessions.delete(entry)
        this.handshaking.done(socket)
        entry.session?.close().catch(this.events.warn)
      }
    })
  }

  private sessionHost (): ConstructorParameters<typeof PhoneSession>[0] {
    return {
      tt: this.tt,
      identity: this.hostIdentity,
      writer: async (room, phone) => await this.writers.open(room, phone),
      release: async (writer) => await this.writers.release(writer),
      onlineLogs: (room) => new Set([...this.events.online?.(room.id) ?? [], ...this.writers.keysIn(room.id)]),
      warn: this.events.warn,
      docs: this.docsHost()
    }
  }

  private docsHost (): DocsHost | undefined {
    const documents = this.events.documents
    if (documents === undefined) return undefined
    return { documents, shelf: this.shelf, uploadDir: this.uploadDir, phoneBytes: this.opts.phoneDocsBytes ?? DEFAULT_PHONE_DOCS_BYTES, stallMs: this.opts.docStallMs }
  }

  /** Where phone uploads wait until complete and checked: in the home, which holds the room's data anyway. */
  private get uploadDir (): string {
    return path.join(this.tt.home, 'phone-uploads')
  }

  /** Close every session, then stop listening (idempotent). */
  async close (): Promise<void> {
    this.closing ??= (async () => {
      await this.listening?.catch(() => {})
      this.tt.off('update', this.onUpdate)
      this.tt.off('member', this.onMember)
      this.tt.off('room-wiping', this.onWiping)
      this.tt.off('epoch', this.onEpoch)
      const sessions = [...this.sessions]
      for (const s of sessions) s.socket.close(CLOSE.going, 'host stopping')
      for (const s of sessions) await s.session?.close().catch(this.events.warn)
      await this.shelf.close()
      await new Promise<void>((resolve) => {
        this.http.close(() => resolve())
        this.http.closeAllConnections()
      })
    })()
    await this.closing
  }
}

/** Full or busy: the upgrade completes so the phone gets a reason it can show, and nothing else. */
function turnAway (ws: WebSocket, reason: string): void {
  ws.on('error', () => {})
  ws.close(CLOSE.tryLater, reason)
  setTimeout(() => ws.terminate(), 2_000).unref()
}

/** A short refusal that echoes nothing of the request. */
function plain (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), Connection: 'close', ...headers })
  res.end(body)
}
