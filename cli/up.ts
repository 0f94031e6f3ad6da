/**
 * `tamtam up`: run a node in the foreground until SIGINT or SIGTERM, then close the
 * store cleanly. Prints one status line per event (JSON lines with --json).
 */
import type { CliContext } from './context.js'
import type { NetworkOptions } from '../src/network/index.js'

/** Flags of `up`, as commander parses them. */
export interface UpFlags { lanOnly?: boolean, port?: string, peer?: string[], announceInterval?: string, bootstrap?: string[], announceOnly?: boolean, listenOnly?: boolean, maxConnections?: string }

/** Turn flags into network options (validated). */
export async function networkOptions (flags: UpFlags): Promise<NetworkOptions> {
  const { parsePeerAddress } = await import('../src/network/index.js')
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
    peers: (flags.peer ?? []).map(parsePeerAddress),
    announceIntervalMs: int(flags.announceInterval, '--announce-interval', 50, 3_600_000),
    maxConnections: int(flags.maxConnections, '--max-connections', 1, 1024),
    bootstrap: flags.bootstrap?.map(parsePeerAddress),
    mode: flags.announceOnly === true ? 'announce-only' : flags.listenOnly === true ? 'listen-only' : 'both'
  }
}

const short = (key: unknown): string => String(key ?? '').slice(0, 8)

/** Human text for each node event. */
const TEXT: Record<string, (e: Record<string, any>) => string> = {
  found: (e) => `peer found: ${short(e.publicKey)} at ${String(e.host)}:${String(e.port)} (${String(e.source)})`,
  lost: (e) => `peer lost: ${short(e.publicKey)} at ${String(e.host)}:${String(e.port)}`,
  connected: (e) => `peer connected: ${short(e.publicKey)} at ${String(e.host)}:${String(e.port)} (${String(e.source)}${e.initiator === true ? ', we dialled' : ''})`,
  disconnected: (e) => `peer disconnected: ${short(e.publicKey)}`,
  room: (e) => `room ${String(e.room)}: shared with ${short(e.publicKey)}`,
  synced: (e) => `room ${String(e.room)}: synced (${String(e.logs)} member logs, ${String(e.blocks)} blocks)`,
  // Too chatty for people (one per arriving batch); scripts get it with --json.
  append: () => '',
  member: (e) => `room ${String(e.room)}: new member log ${short(e.core)}`,
  warning: (e) => `warning: ${String(e.message)}`
}

/** Plain fields of an event argument, for JSON lines (keys as hex). */
function fields (value: unknown): Record<string, unknown> {
  if (value instanceof Error) return { message: value.message, code: (value as { code?: string }).code }
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = Buffer.isBuffer(v) ? v.toString('hex') : v
  return out
}

/** Run the node; resolves when it has closed after a signal. */
export async function up (ctx: CliContext, flags: UpFlags): Promise<void> {
  const { TamtamNode } = await import('../src/node/index.js')
  const node = new TamtamNode({ home: ctx.home, network: await networkOptions(flags) })
  const print = (type: string, data: Record<string, unknown>): void => {
    ctx.print(ctx.json ? JSON.stringify({ event: type, ts: Date.now(), ...data }) : (TEXT[type]?.(data) ?? `${type}`))
  }
  for (const type of Object.keys(TEXT)) if (type !== 'member') node.on(type, (e: unknown) => print(type, fields(e)))
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'))
    process.once('SIGTERM', () => resolve('SIGTERM'))
  })
  try {
    await node.open()
    node.tt.on('member', (room, log) => print('member', { room: room.name, core: log.key }))
    const rooms = node.tt.rooms.list().map((r) => r.name)
    const net = node.network?.status()
    ctx.print(ctx.json
      ? JSON.stringify({ event: 'up', ts: Date.now(), home: ctx.home, rooms, ...net })
      : `tamtam is up: ${rooms.length} room(s), TCP port ${String(net?.port ?? '-')}, ${flags.lanOnly === true ? 'LAN only' : 'LAN + Internet'}. Ctrl-C to stop.`)
    const reason = await stopped
    print('stopping', { reason })
  } finally {
    await node.close()
  }
  ctx.print(ctx.json ? JSON.stringify({ event: 'down', ts: Date.now() }) : 'stopped cleanly')
}
