/**
 * `tamtam up`: run a node in the foreground until the run is stopped (SIGINT or SIGTERM,
 * cli/lifetime.ts), then close the store cleanly. Prints one status line per event (JSON lines with --json).
 */
import type { CliContext } from './context.js'
import { untilStopped } from './lifetime.js'
import type { NetworkOptions } from '../src/network/index.js'
import type { Translate } from '../src/i18n/index.js'

/** Flags of `up`, as commander parses them. */
export interface UpFlags { lanOnly?: boolean, port?: string, peer?: string[], announceInterval?: string, bootstrap?: string[], announceOnly?: boolean, listenOnly?: boolean, maxConnections?: string, relay?: boolean, push?: boolean, web?: boolean, webPort?: string, webMaxSessions?: string }

/** Turn flags into network options (validated). */
export async function networkOptions (flags: UpFlags): Promise<NetworkOptions> {
  const { parsePeerAddresses } = await import('../src/network/index.js')
  const { fail } = await import('../src/errors/index.js')
  const int = (v: string | undefined, name: string, min: number, max: number): number | undefined => {
    if (v === undefined) return undefined
    const n = Number(v)
    if (!Number.isInteger(n) || n < min || n > max) throw fail('USAGE', `${name} must be a whole number from ${min} to ${max}`)
    return n
  }
  if (flags.announceOnly === true && flags.listenOnly === true) throw fail('USAGE', '--announce-only and --listen-only cannot be combined')
  return {
    lanOnly: flags.lanOnly === true,
    port: int(flags.port, '--port', 0, 65535),
    peers: (flags.peer ?? []).flatMap(parsePeerAddresses),
    announceIntervalMs: int(flags.announceInterval, '--announce-interval', 50, 3_600_000),
    maxConnections: int(flags.maxConnections, '--max-connections', 1, 1024),
    bootstrap: flags.bootstrap?.flatMap(parsePeerAddresses),
    push: flags.push !== false,
    mode: flags.announceOnly === true ? 'announce-only' : flags.listenOnly === true ? 'listen-only' : 'both'
  }
}

const short = (key: unknown): string => String(key ?? '').slice(0, 8)
const address = (e: Record<string, any>): string => `${String(e.host)}:${String(e.port)}`

/** Human text for each node event, in the user's language. */
const TEXT: Record<string, (e: Record<string, any>, t: Translate) => string> = {
  found: (e, t) => t('up.found', { key: short(e.publicKey), address: address(e), source: String(e.source) }),
  lost: (e, t) => t('up.lost', { key: short(e.publicKey), address: address(e) }),
  connected: (e, t) => t('up.connected', { key: short(e.publicKey), address: address(e), source: String(e.source) }),
  disconnected: (e, t) => t('up.disconnected', { key: short(e.publicKey) }),
  room: (e, t) => t('up.room', { room: String(e.room), key: short(e.publicKey) }),
  synced: (e, t) => t('up.synced', { room: String(e.room), logs: String(e.logs), blocks: String(e.blocks) }),
  // Too chatty for people (one per arriving batch); scripts get it with --json.
  append: () => '',
  member: (e, t) => t('up.member', { room: String(e.room), key: short(e.core) }),
  'drill-ack': (e, t) => t('up.drillAck', { room: String(e.room), probe: String(e.probe) }),
  'waiting-home': (_e, t) => t('up.waitingHome'),
  warning: (e, t) => t('up.warning', { message: String(e.message) }),
  stopping: (e, t) => t('up.stopping', { reason: String(e.reason) })
}

/** Plain fields of an event argument, for JSON lines (keys as hex). */
function fields (value: unknown): Record<string, unknown> {
  if (value instanceof Error) return { message: value.message, code: (value as { code?: string }).code }
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = Buffer.isBuffer(v) ? v.toString('hex') : v
  return out
}

/** The web server's options (`--web`), or undefined when phones are not served. */
async function webOptions (flags: UpFlags): Promise<{ port: number, maxSessions: number } | undefined> {
  if (flags.web !== true) return undefined
  const { fail } = await import('../src/errors/index.js')
  // Phones write through the host's identity (their binding names it); a relay hub has none.
  if (flags.relay === true) throw fail('USAGE', '--web cannot be combined with --relay')
  const port = Number(flags.webPort ?? '8080')
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw fail('USAGE', '--web-port must be a whole number from 0 to 65535')
  const maxSessions = Number(flags.webMaxSessions ?? '64')
  if (!Number.isInteger(maxSessions) || maxSessions < 1 || maxSessions > 4096) throw fail('USAGE', '--web-max-sessions must be a whole number from 1 to 4096')
  return { port, maxSessions }
}

/** Run the node; resolves when it has closed after the run's signal. */
export async function up (ctx: CliContext, flags: UpFlags): Promise<void> {
  const { TamtamNode } = await import('../src/node/index.js')
  const node = new TamtamNode({ home: ctx.home, network: await networkOptions(flags), relay: flags.relay === true, web: await webOptions(flags) })
  const print = (type: string, data: Record<string, unknown>): void => {
    ctx.print(ctx.json ? JSON.stringify({ event: type, ts: Date.now(), ...data }) : (TEXT[type]?.(data, ctx.t) ?? `${type}`))
  }
  for (const type of Object.keys(TEXT)) if (type !== 'member' && type !== 'stopping') node.on(type, (e: unknown) => print(type, fields(e)))
  // `tamtam panic` wiped the home: end now, so the room keys still in this process's memory go
  // with it. SIGKILL, not exit(): exiting waits about 2 s for the store's native threads, and a
  // graceful close would first flush what the node holds.
  node.on('panic', () => {
    ctx.print(ctx.json ? JSON.stringify({ event: 'stopping', ts: Date.now(), reason: 'panic' }) : ctx.t('up.stopping', { reason: 'panic' }))
    process.stdout.write('', () => process.kill(process.pid, 'SIGKILL'))
  })
  try {
    await node.open()
    node.tt.on('member', (room, log) => print('member', { room: room.name, core: log.key }))
    const rooms = [...node.tt.rooms.list().map((r) => r.name), ...node.tt.relays.list().map((r) => `${r.name} (relay)`)]
    const net = node.network?.status()
    ctx.print(ctx.json
      ? JSON.stringify({ event: 'up', ts: Date.now(), home: ctx.home, rooms, ...net })
      : ctx.t('up.ready', { rooms: rooms.length, port: String(net?.port ?? '-'), mode: ctx.t(flags.lanOnly === true ? 'up.lanOnly' : 'up.lanAndInternet') }))
    // The address to give, for people whose Wi-Fi blocks multicast.
    const { COMMANDS } = await import('../src/commands/index.js')
    const where = await COMMANDS.get('whereami')!.run(node.context, {}, { info: () => {}, warn: () => {} }) as { card: string | null }
    if (!ctx.json && where.card !== null) ctx.print(ctx.t('cli.card', { card: where.card }))
    // Where phones open the page: one URL per LAN address.
    const urls = node.web?.urls() ?? []
    if (ctx.json && node.web !== null) ctx.print(JSON.stringify({ event: 'web', ts: Date.now(), port: node.web.port, urls }))
    if (!ctx.json) for (const url of urls) ctx.print(ctx.t('up.web', { url }))
    print('stopping', { reason: await untilStopped(ctx.signal) })
  } finally {
    await node.close()
  }
  ctx.print(ctx.json ? JSON.stringify({ event: 'down', ts: Date.now() }) : ctx.t('up.down'))
}
