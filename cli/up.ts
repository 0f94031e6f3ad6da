/**
 * `tamtam up`: run a node in the foreground until SIGINT or SIGTERM, then close the
 * store cleanly. Prints one status line per event (JSON lines with --json).
 */
import type { CliContext } from './context.js'

/** Run the node; resolves when it has closed after a signal. */
export async function up (ctx: CliContext): Promise<void> {
  const { TamtamNode } = await import('../src/node/index.js')
  const node = new TamtamNode({ home: ctx.home })
  const event = (type: string, fields: Record<string, unknown>, text: string): void => {
    ctx.print(ctx.json ? JSON.stringify({ event: type, ts: Date.now(), ...fields }) : text)
  }
  let stop: () => void = () => {}
  const stopped = new Promise<string>((resolve) => {
    stop = () => resolve('signal')
    process.once('SIGINT', () => resolve('SIGINT'))
    process.once('SIGTERM', () => resolve('SIGTERM'))
  })
  try {
    await node.open()
    node.tt.on('member', (room, log) => event('member', { room: room.name, core: log.key }, `room ${room.name}: new member log ${String(log.key).slice(0, 8)}`))
    const rooms = node.tt.rooms.list().map((r) => r.name)
    event('up', { home: ctx.home, rooms, socket: node.tt.paths.socket }, `tamtam is up: ${rooms.length} room(s), home ${ctx.home}. Ctrl-C to stop.`)
    const reason = await stopped
    event('stopping', { reason }, `stopping (${reason})…`)
  } finally {
    stop()
    await node.close()
  }
  event('down', {}, 'stopped cleanly')
}
