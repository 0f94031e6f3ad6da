/**
 * The control socket's event stream (docs/protocol.md §6, "Events"), on a real node over a
 * real Unix socket: events arrive after the reply, a malformed subscribe gets a clear
 * error and the connection stays usable, a client that goes away is let go, and
 * subscribers hear `closing` when the node stops.
 */
import t from 'tap'
import net from 'node:net'
import path from 'node:path'
import { callNode, ControlServer, subscribeNode, NO_NODE, type ControlEvent, type StreamEnd } from '../../src/control/index.js'
import type { NodeView } from '../../src/commands/view.js'
import { InProcessSource } from '../../src/network/source.js'
import { TamtamNode } from '../../src/node/index.js'
import { cli } from '../helpers/cli.js'
import { eventually, tempDir } from '../helpers/peers.js'

/** A node on a fresh home with one room, and a control server of the test's own on another socket. */
async function node (t: any, opts: { network?: boolean } = {}): Promise<{ server: ControlServer, socket: string, roomId: string }> {
  const dir = tempDir(t)
  const home = path.join(dir, 'awa')
  t.equal((await cli(['--home', home, 'init', '--name', 'Awa'])).code, 0, 'init')
  t.equal((await cli(['--home', home, 'room', 'create', 'atelier'])).code, 0, 'room create')
  // An in-process network (no sockets, no beacons) when a command needs one (a drill).
  const n = new TamtamNode({ home, network: false, control: false, ...(opts.network === true ? { source: new InProcessSource() } : {}) })
  await n.open()
  const socket = path.join(dir, 'test.sock')
  const server = new ControlServer(n.context, socket, n)
  await server.listen()
  t.teardown(async () => {
    await server.close()
    await n.close()
  })
  return { server, socket, roomId: n.tt.rooms.list()[0].id }
}

/** Send one raw line and read the first line back. */
async function rawExchange (socketPath: string, line: string): Promise<{ reply: any, socket: net.Socket }> {
  const socket = net.connect(socketPath)
  socket.setEncoding('utf8')
  const reply = await new Promise<any>((resolve, reject) => {
    let buffer = ''
    socket.on('data', (chunk: string) => {
      buffer += chunk
      const end = buffer.indexOf('\n')
      if (end !== -1) resolve(JSON.parse(buffer.slice(0, end)))
    })
    socket.once('error', reject)
    socket.write(line + '\n')
  })
  return { reply, socket }
}

t.test('a subscriber hears a message stored by another client, and can read it with view', async (t) => {
  const { server, socket, roomId } = await node(t)
  const events: ControlEvent[] = []
  const sub = await subscribeNode(socket, { onEvent: (e) => events.push(e) })
  if (sub === NO_NODE) return t.fail('the node answers')
  t.teardown(() => sub.close())
  t.equal(sub.pid, process.pid, 'the reply names the node process')
  t.equal(server.subscribers, 1, 'the node counts one subscriber')

  await callNode(socket, 'send', { room: 'atelier', text: 'bonjour' })
  t.ok(await eventually(() => events.some((e) => e.event === 'update' && e.room === roomId), 5000), 'an update event names the room by id', { events })
  t.ok(events.every((e) => e.v === 1), 'every event line carries version 1')
  const view = await callNode(socket, 'view', { room: roomId, limit: 10 }) as NodeView
  t.equal(view.v, 1, 'the view is version 1')
  t.same(view.room?.timeline.filter((i) => i.type === 'msg').map((i) => i.text), ['bonjour'], 'view returns the message')
  t.equal(view.rooms[0].name, 'atelier', 'and the room list')

  const before = events.length
  await callNode(socket, 'room.create', { name: 'cuisine' })
  t.ok(await eventually(() => events.slice(before).some((e) => e.event === 'rooms'), 5000), 'a new room sends a rooms event')
})

t.test('only the events asked for are sent', async (t) => {
  const { socket } = await node(t)
  const events: ControlEvent[] = []
  const sub = await subscribeNode(socket, { events: ['rooms'], onEvent: (e) => events.push(e) })
  if (sub === NO_NODE) return t.fail('the node answers')
  t.teardown(() => sub.close())
  await callNode(socket, 'send', { room: 'atelier', text: 'not for you' })
  await callNode(socket, 'room.create', { name: 'cuisine' })
  t.ok(await eventually(() => events.some((e) => e.event === 'rooms'), 5000), 'the rooms event arrives')
  t.notOk(events.some((e) => e.event === 'update'), 'no update event, which was not asked for', { events })
})

t.test('a malformed subscribe gets a clear error, and the connection still answers', async (t) => {
  const { server, socket } = await node(t)
  const cases: Array<[string, unknown, RegExp]> = [
    // events is a string, not a list
    ['a string', { events: 'update' }, /events must be a non-empty list of names among update, rooms/],
    // a name no node sends
    ['an unknown name', { events: ['update', 'gossip'] }, /events must be a non-empty list/],
    // an empty list would be a stream of nothing
    ['an empty list', { events: [] }, /non-empty/],
    // args must be an object
    ['args as a list', ['update'], /args must be an object/]
  ]
  for (const [what, args, message] of cases) {
    const { reply, socket: s } = await rawExchange(socket, JSON.stringify({ v: 1, id: 7, cmd: 'subscribe', args }))
    t.equal(reply.ok, false, `${what}: refused`)
    t.equal(reply.id, 7, `${what}: the reply carries the request id`)
    t.equal(reply.error.code, 'CONTROL_PROTOCOL', `${what}: CONTROL_PROTOCOL`)
    t.match(reply.error.message, message, `${what}: says what is wrong`)
    s.destroy()
  }
  const wrongVersion = await rawExchange(socket, JSON.stringify({ v: 2, id: 1, cmd: 'subscribe', args: {} }))
  t.match(wrongVersion.reply.error.message, /version 2 is not 1/, 'another protocol version is refused')
  wrongVersion.socket.destroy()
  t.equal(server.subscribers, 0, 'no refused request counts as a subscriber')

  await t.rejects(subscribeNode(socket, { events: ['nope' as any], onEvent: () => {} }), { code: 'CONTROL_PROTOCOL' }, 'subscribeNode rejects with the node\'s error')
})

t.test('a subscriber that disconnects is let go; subscribers hear closing when the node stops', async (t) => {
  const { server, socket } = await node(t)
  const gone = await subscribeNode(socket, { onEvent: () => {} })
  const stays: StreamEnd[] = []
  const kept = await subscribeNode(socket, { onEvent: () => {}, onEnd: (why) => stays.push(why) })
  if (gone === NO_NODE || kept === NO_NODE) return t.fail('the node answers')
  t.equal(server.subscribers, 2, 'two subscribers')
  gone.close()
  t.ok(await eventually(() => server.subscribers === 1, 5000), 'the one that closed is no longer counted')
  // Its listeners are gone too: the node still answers and sends to the other one.
  await callNode(socket, 'send', { room: 'atelier', text: 'after a client left' })

  await server.close()
  t.ok(await eventually(() => stays.length === 1, 5000), 'the remaining subscriber hears the end')
  t.same(stays, ['closing'], 'as closing: the node said it was stopping')
  t.equal(server.subscribers, 0, 'and none is left')
  t.equal(await subscribeNode(socket, { onEvent: () => {} }), NO_NODE, 'with no node listening, subscribe says so')
})

t.test('notes: true does not change the reply; a command asked without it gets the reply as its first line', async (t) => {
  // drill.start used to send its start line as a note; it is now a progress event the CLI
  // translates, and no command of the table sends a note on an honest run (bundle imports
  // warn through them), so this checks the framing both ways.
  const { socket } = await node(t, { network: true })
  const notes: string[] = []
  const started = await callNode(socket, 'drill.start', { room: 'atelier', name: 'essai', probes: 1, interval: '1s', duration: '2s', detach: true }, { onNote: (level, text) => notes.push(`${level}: ${text}`) }) as { drill: string }
  t.match(started.drill, /^[0-9a-f]+$/, 'asked with notes, the reply arrives')
  t.same(notes, [], 'and no note came before it')
  const quiet = await rawExchange(socket, JSON.stringify({ v: 1, id: 3, cmd: 'drill.start', args: { room: 'atelier', name: 'b', probes: 1, interval: '1s', duration: '2s', detach: true } }))
  t.equal(quiet.reply.ok, true, 'without notes: true, the first line is the reply itself')
  quiet.socket.destroy()
})
