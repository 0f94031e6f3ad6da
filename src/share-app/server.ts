/**
 * Serve tamtam on the LAN over plain HTTP, for people with a browser or curl and no
 * Internet: the guide page, the tarball, its SHA256SUMS and the text guides. Nothing else:
 * requests are matched against a fixed table of paths (never mapped to the file system,
 * so no traversal is possible), only GET and HEAD are answered, and connections are
 * limited in number, per address and in time: a client that sends its headers slowly, or
 * reads a download slowly, is cut off, so one laptop on the Wi-Fi cannot keep others out.
 * Every response is reported as an event (who, what, how many bytes) for the sharer to watch.
 */
import { open, type FileHandle } from 'node:fs/promises'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { pipeline, Readable } from 'node:stream'
import { interfaceKind, lanAddresses, type LanAddress } from '../discovery/index.js'
import { fail } from '../errors/index.js'
import { type GuideLang } from './guide.js'
import { PAGE_CSP, renderPage, renderText, sha256Sums, TEXT_GUIDES } from './page.js'
import { buildAppTarball, type AppTarball, type BuildOptions } from './tarball.js'
import { capPerAddress } from '../web/addresses.js'

/** The port asked for by default: easy to type, and usually free. */
export const DEFAULT_PORT = 8080
/** Most simultaneous connections: a room full of laptops, not a crowd. */
export const DEFAULT_MAX_CONNECTIONS = 64
/** Most simultaneous connections from one address: a browser needs two (the page, the download). */
export const DEFAULT_MAX_PER_ADDRESS = 4
/**
 * A download must move at least this many bytes in each window (about 8.5 KiB/s), or it is
 * cut; it can resume with a range. Counted in chunks of READ_CHUNK_BYTES, much smaller than
 * the minimum, so a client that lets one chunk through now and then still falls under it.
 */
export const MIN_WINDOW_BYTES = 128 * 1024
const READ_CHUNK_BYTES = 16 * 1024
export const SLOW_WINDOW_MS = 15_000
/** Time for the request line and headers; checked every second. */
const HEADERS_TIMEOUT_MS = 10_000
/** A refusal for too many connections is reported at most once per address in this time. */
const REFUSAL_REPORT_MS = 30_000

/** What the server reports: each response, each refusal, and unexpected failures. */
export type ShareEvent =
  | { type: 'served', ip: string, path: string, status: number, bytes: number, total: number, complete: boolean, ms: number }
  | { type: 'refused', ip: string, method: string, status: number }
  | { type: 'error', message: string }

/** Options of {@link serveApp}; the build options are used when no tarball is given. */
export interface ServeOptions extends BuildOptions {
  /** Port to listen on; default 8080, 0 for any free port. */
  port?: number
  /** Address to bind; default `0.0.0.0` (every IPv4 interface). */
  host?: string
  /** When the port is busy (or not allowed), take a free one instead of failing; default true. */
  fallback?: boolean
  /** Language shown first on the page; default French. */
  lang?: GuideLang
  /** A tarball already built (skips the build). */
  tarball?: AppTarball
  maxConnections?: number
  /** Most simultaneous connections from one address (default 4). */
  maxPerAddress?: number
  /** A download moving fewer than `minWindowBytes` in `slowWindowMs` is cut (defaults 128 KiB, 15 s). */
  minWindowBytes?: number
  slowWindowMs?: number
  onEvent?: (event: ShareEvent) => void
  /** The LAN addresses to print URLs for; default the machine's IPv4 addresses. */
  addresses?: () => LanAddress[]
}

/** A running server. `close()` is idempotent and ends open downloads. */
export interface AppServer {
  /** URLs to give out, one per LAN address (a loopback one when there is no LAN). */
  urls: string[]
  port: number
  host: string
  /** The port that was asked for, and whether it was busy so another one is used. */
  requestedPort: number
  portBusy: boolean
  /** False when no LAN address was found: only this computer can open the page. */
  lan: boolean
  tarball: AppTarball
  close: () => Promise<void>
}

/** What browsers ask for on their own: refused like anything unknown, but not reported. */
const QUIET_PATHS = new Set(['/favicon.ico', '/robots.txt', '/apple-touch-icon.png', '/apple-touch-icon-precomposed.png'])

interface Route { type: string, body?: (req: IncomingMessage) => Buffer, file?: true, cache: string }

/** Start serving; resolves once listening. */
export async function serveApp (opts: ServeOptions = {}): Promise<AppServer> {
  const requestedPort = opts.port ?? DEFAULT_PORT
  const host = opts.host ?? '0.0.0.0'
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) throw fail('USAGE', '--port must be a whole number from 0 to 65535')
  const tarball = opts.tarball ?? await buildAppTarball(opts)
  const emit = opts.onEvent ?? (() => {})
  const file = await open(tarball.file, 'r')
  try {
    const refusedSockets = new WeakSet<Socket>()
    const slow = { minBytes: opts.minWindowBytes ?? MIN_WINDOW_BYTES, windowMs: opts.slowWindowMs ?? SLOW_WINDOW_MS }
    // Node checks the headers timeout only every connectionsCheckingInterval (30 s by default).
    const server = http.createServer({ connectionsCheckingInterval: 1_000, headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: HEADERS_TIMEOUT_MS + 5_000 }, handler(routes(tarball, opts.lang ?? 'fr'), file, tarball, slow, refusedSockets, emit))
    limit(server, opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS)
    capPerAddress(server, opts.maxPerAddress ?? DEFAULT_MAX_PER_ADDRESS, refusedSockets, reportRefusals(emit))
    const portBusy = await listenWithFallback(server, requestedPort, host, opts.fallback ?? true)
    const port = (server.address() as { port: number }).port
    const { urls, lan } = urlsFor(host, port, opts.addresses ?? lanAddresses)
    let closing: Promise<void> | null = null
    const close = async (): Promise<void> => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }).then(async () => await file.close())
      await closing
    }
    return { urls, port, host, requestedPort, portBusy, lan, tarball, close }
  } catch (err) {
    await file.close()
    throw err
  }
}

/** The fixed table of what is served; two spellings of the tarball's name, never decoded. */
function routes (tarball: AppTarball, lang: GuideLang): Map<string, Route> {
  const facts = (req?: IncomingMessage): Parameters<typeof renderPage>[0] => ({ ...tarball, baseUrl: baseUrl(req?.headers.host) })
  const page: Route = { type: 'text/html; charset=utf-8', body: (req) => Buffer.from(renderPage(facts(req), lang)), cache: 'no-store' }
  const text = (l: GuideLang): Route => ({ type: 'text/plain; charset=utf-8', body: (req) => Buffer.from(renderText(facts(req), l)), cache: 'no-store' })
  const download: Route = { type: 'application/gzip', file: true, cache: 'no-cache' }
  return new Map([
    ['/', page],
    ['/index.html', page],
    ['/SHA256SUMS', { type: 'text/plain; charset=utf-8', body: () => Buffer.from(sha256Sums(tarball)), cache: 'no-cache' }],
    [`/${TEXT_GUIDES.fr}`, text('fr')],
    [`/${TEXT_GUIDES.en}`, text('en')],
    [`/${tarball.name}`, download],
    [`/${encodeURIComponent(tarball.name)}`, download]
  ])
}

/** `http://HOST/` from the request's Host header, only when it looks like a host and port. */
function baseUrl (host: string | undefined): string | undefined {
  if (host === undefined || host.length > 255) return undefined
  return /^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/.test(host) ? `http://${host}/` : undefined
}

/** The slowest a download may be: at least `minBytes` in every `windowMs`. */
interface SlowLimit { minBytes: number, windowMs: number }

function handler (table: Map<string, Route>, file: FileHandle, tarball: AppTarball, slow: SlowLimit, refused: WeakSet<Socket>, emit: (e: ShareEvent) => void): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    // Over the per-address cap: already answered 503 and closing; nothing more is sent.
    if (refused.has(req.socket)) return
    const ip = clientIp(req)
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'no-referrer')
    const method = req.method ?? ''
    if (method !== 'GET' && method !== 'HEAD') return refuse(res, 405, ip, method, emit)
    const where = (req.url ?? '').split('?')[0]
    const route = table.get(where)
    if (route === undefined) return refuse(res, 404, ip, method, QUIET_PATHS.has(where) ? () => {} : emit)
    if (route.file === true) return sendTarball(req, res, file, tarball, ip, slow, emit)
    const body = route.body!(req)
    res.writeHead(200, { 'Content-Type': route.type, 'Content-Length': body.length, 'Cache-Control': route.cache, 'Content-Security-Policy': PAGE_CSP })
    res.end(method === 'HEAD' ? undefined : body)
    if (method === 'GET') emit({ type: 'served', ip, path: where, status: 200, bytes: body.length, total: body.length, complete: true, ms: 0 })
  }
}

/** A short refusal that echoes nothing of the request, and closes the connection. */
function refuse (res: ServerResponse, status: 404 | 405, ip: string, method: string, emit: (e: ShareEvent) => void): void {
  const body = status === 404 ? 'not found\n' : 'method not allowed\n'
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), Connection: 'close', ...(status === 405 ? { Allow: 'GET, HEAD' } : {}) })
  res.end(body)
  emit({ type: 'refused', ip, method: /^[A-Z]{1,16}$/.test(method) ? method : '?', status })
}

/** The tarball, whole or one byte range of it (so an interrupted download can resume). */
function sendTarball (req: IncomingMessage, res: ServerResponse, file: FileHandle, tarball: AppTarball, ip: string, slow: SlowLimit, emit: (e: ShareEvent) => void): void {
  const range = byteRange(req.headers.range, tarball.size)
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'Content-Range': `bytes */${tarball.size}`, 'Content-Length': 0 })
    res.end()
    return
  }
  const [start, end] = range ?? [0, tarball.size - 1]
  const length = Math.max(0, end - start + 1)
  res.writeHead(range === null ? 200 : 206, {
    'Content-Type': 'application/gzip',
    'Content-Length': length,
    'Content-Disposition': `attachment; filename="${tarball.name.replace(/[^\w.+-]/g, '_')}"`,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'no-cache',
    ...(range === null ? {} : { 'Content-Range': `bytes ${start}-${end}/${tarball.size}` })
  })
  if (req.method === 'HEAD' || length === 0) {
    res.end()
    return
  }
  const started = Date.now()
  let bytes = 0
  const stream = rangeStream(file, start, end)
  stream.on('data', (chunk) => { bytes += chunk.length })
  // A reader that takes a byte now and then never looks idle: cut any download that moves
  // less than the minimum in a window. Bytes are counted as the socket takes them (the
  // pipeline waits for it), so a client that stops reading stops the count.
  let counted = 0
  const watchdog = setInterval(() => {
    if (bytes - counted < slow.minBytes) res.destroy()
    counted = bytes
  }, slow.windowMs)
  watchdog.unref()
  pipeline(stream, res, (err) => {
    clearInterval(watchdog)
    // A client that goes away mid-download is normal (the event says it was incomplete); a read error is not.
    if (err !== undefined && err !== null && (err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') emit({ type: 'error', message: `reading ${tarball.file}: ${err.message}` })
    emit({ type: 'served', ip, path: `/${tarball.name}`, status: range === null ? 200 : 206, bytes, total: length, complete: err === undefined || err === null, ms: Date.now() - started })
  })
}

/**
 * Bytes [start, end] of the shared file handle. Not `FileHandle.createReadStream`: destroying
 * that stream (a client that leaves, a slow one cut off) closes the handle even with
 * `autoClose: false`, and the next download then crashed the server.
 */
function rangeStream (file: FileHandle, start: number, end: number): Readable {
  let position = start
  return new Readable({
    highWaterMark: READ_CHUNK_BYTES,
    read () {
      const length = Math.min(READ_CHUNK_BYTES, end + 1 - position)
      if (length <= 0) {
        this.push(null)
        return
      }
      file.read(Buffer.allocUnsafe(length), 0, length, position).then(({ bytesRead, buffer }) => {
        if (bytesRead === 0) return this.destroy(new Error('the tarball is shorter than announced'))
        position += bytesRead
        this.push(buffer.subarray(0, bytesRead))
      }, (err: Error) => this.destroy(err))
    }
  })
}

/** One `bytes=` range as [start, end], null for none (or one we ignore, as RFC 9110 allows). */
export function byteRange (header: string | undefined, size: number): [number, number] | null | 'unsatisfiable' {
  const m = header === undefined ? null : /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim())
  if (m === null || (m[1] === '' && m[2] === '')) return null
  const start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1])
  const end = m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  return start > end || start >= size ? 'unsatisfiable' : [start, end]
}

/** Caps on connections and on how long an idle client may hold one. */
function limit (server: http.Server, maxConnections: number): void {
  server.maxConnections = maxConnections
  server.keepAliveTimeout = 5_000
  server.maxRequestsPerSocket = 100
  // Nothing at all in either direction for 30 s: dropped (slow downloads are cut in sendTarball).
  server.setTimeout(30_000)
}

/** Tell the sharer about refused addresses once per address every 30 s, not once per attempt. */
function reportRefusals (emit: (e: ShareEvent) => void): (ip: string) => void {
  const reported = new Map<string, number>()
  return (ip) => {
    const now = Date.now()
    if (now - (reported.get(ip) ?? 0) < REFUSAL_REPORT_MS) return
    if (reported.size > 10_000) reported.clear()
    reported.set(ip, now)
    emit({ type: 'refused', ip, method: '-', status: 503 })
  }
}

/** Listen on `port`; if it is busy or not allowed and `fallback`, on a free port. Resolves true when it fell back. */
async function listenWithFallback (server: http.Server, port: number, host: string, fallback: boolean): Promise<boolean> {
  try {
    await listen(server, port, host)
    return false
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (!fallback || port === 0 || (code !== 'EADDRINUSE' && code !== 'EACCES')) throw fail('USAGE', `cannot listen on ${host}:${port} (${String(code)})`, err)
    await listen(server, 0, host)
    return true
  }
}

async function listen (server: http.Server, port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

/** One URL per LAN address (Wi-Fi and Ethernet first), or the address bound. */
function urlsFor (host: string, port: number, addresses: () => LanAddress[]): { urls: string[], lan: boolean } {
  if (host !== '0.0.0.0' && host !== '::') return { urls: [`http://${host.includes(':') ? `[${host}]` : host}:${port}/`], lan: !/^(127\.|::1$|localhost$)/.test(host) }
  const found = addresses().filter((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a.address))
  if (found.length === 0) return { urls: [`http://127.0.0.1:${port}/`], lan: false }
  const rank = (a: LanAddress): number => interfaceKind(a.name) === 'virtual' ? 1 : 0
  return { urls: [...found].sort((a, b) => rank(a) - rank(b)).map((a) => `http://${a.address}:${port}/`), lan: true }
}

function clientIp (req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '?').replace(/^::ffff:/, '')
}
