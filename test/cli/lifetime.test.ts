/**
 * The one owner of the process's lifetime (cli/lifetime.ts), and what aborting its signal
 * does to a command sent to a node: the client closes the connection and rejects, and the
 * node's side sees the close (it aborts the command's own signal).
 */
import t from 'tap'
import { EventEmitter } from 'node:events'
import net from 'node:net'
import path from 'node:path'
import { Lifetime, signalExitCode, Stopped, untilStopped } from '../../cli/lifetime.js'
import { callNode } from '../../src/control/client.js'
import { tempDir } from '../helpers/peers.js'

/** A stand-in for the process: signals are emitted by hand, exit is recorded. */
function fakeProcess (): EventEmitter & { exits: number[], exit: (code: number) => never } {
  const source = new EventEmitter() as EventEmitter & { exits: number[], exit: (code: number) => never }
  source.exits = []
  source.exit = (code: number) => { source.exits.push(code); return undefined as never }
  return source
}

t.test('the first signal aborts with Stopped, a second one exits at once', async (t) => {
  const source = fakeProcess()
  const lifetime = new Lifetime(source).watch('SIGINT', 'SIGTERM').watch('SIGTERM')
  t.equal(source.listenerCount('SIGTERM'), 1, 'watching twice installs one listener')
  t.equal(lifetime.stoppedBy, null, 'running')
  const stopped = untilStopped(lifetime.signal)
  source.emit('SIGTERM', 'SIGTERM')
  t.equal(await stopped, 'SIGTERM', 'untilStopped resolves with the signal')
  t.ok(lifetime.signal.reason instanceof Stopped, 'the reason is a Stopped')
  t.equal(lifetime.stoppedBy, 'SIGTERM')
  t.same(source.exits, [], 'nothing exits on the first signal')
  source.emit('SIGINT', 'SIGINT')
  t.same(source.exits, [130], 'the second signal exits as killed by SIGINT')
  t.equal(signalExitCode('SIGTERM'), 143)
  lifetime.dispose()
  t.equal(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM'), 0, 'dispose removes the listeners')
})

t.test('a lifetime with no source watches nothing', async (t) => {
  const lifetime = new Lifetime(null).watch('SIGTERM')
  t.equal(process.listenerCount('SIGTERM') > 0 && lifetime.signal.aborted, false)
  lifetime.raise('SIGTERM')
  t.equal(lifetime.stoppedBy, 'SIGTERM', 'raise stops it by hand')
})

t.test('aborting a call to a node closes the connection and rejects with the reason', async (t) => {
  const socketPath = path.join(tempDir(t), 'control.sock')
  let closed: () => void = () => {}
  const serverSawClose = new Promise<void>((resolve) => { closed = resolve })
  // A node busy with a long command: progress, never a reply.
  const server = net.createServer((socket) => {
    const timer = setInterval(() => socket.write(JSON.stringify({ v: 1, id: 1, progress: { event: 'progress' } }) + '\n'), 20)
    socket.on('close', () => { clearInterval(timer); closed() })
    socket.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(socketPath, resolve))
  t.teardown(() => server.close())
  const lifetime = new Lifetime(null)
  let events = 0
  const call = callNode(socketPath, 'get', {}, { signal: lifetime.signal, onProgress: () => { if (++events === 3) lifetime.raise('SIGINT') } })
  await t.rejects(call, { name: 'AbortError', signal: 'SIGINT' }, 'the call rejects with the Stopped reason')
  await serverSawClose
  t.pass('the node side sees the connection close')
  t.equal(events, 3, 'no progress is delivered after the abort')
  await t.rejects(callNode(socketPath, 'get', {}, { signal: lifetime.signal }), { name: 'AbortError' }, 'an aborted signal rejects before connecting')
})
