/** Fuzz of the control socket (issue 8, item 4): every line gets a coded reply and the node keeps serving. */
import t from 'tap'
import fc from 'fast-check'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { mkdtempSync, rmSync } from 'node:fs'
import { Tamtam } from '../../src/tamtam.js'
import { NodeContext } from '../../src/node/context.js'
import { ControlServer } from '../../src/control/server.js'
import { ERROR_CODES } from '../../src/errors/index.js'

const RUNS = 1_000
// Commands that only touch the temp home: no reading or writing of outside paths, no network.
const SAFE = ['init', 'whoami', 'nick', 'room.create', 'room.join', 'room.list', 'room.invite', 'room.leave', 'send', 'log', 'mute', 'unmute', 'docs', 'docs.limits', 'nosuch', '', 'constructor', '__proto__']

t.test('control socket: random lines each get a coded reply, and the server keeps serving', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tamtam-fuzz-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const tt = new Tamtam({ home: path.join(dir, 'home') })
  await tt.init('Fuzz')
  await tt.open()
  await tt.createRoom('atelier')
  const socketPath = path.join(dir, 'control.sock')
  const server = new ControlServer(new NodeContext(tt), socketPath)
  await server.listen()
  t.teardown(async () => { await server.close(); await tt.close() })

  const socket = net.connect(socketPath)
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
  socket.setEncoding('utf8')
  let buffered = ''
  const waiting: Array<(line: string) => void> = []
  const ready: string[] = []
  socket.on('data', (chunk: string) => {
    buffered += chunk
    const parts = buffered.split('\n')
    buffered = parts.pop() ?? ''
    for (const p of parts) {
      if (p.length === 0) continue
      if (typeof JSON.parse(p).progress !== 'undefined') continue
      const w = waiting.shift()
      if (w !== undefined) w(p); else ready.push(p)
    }
  })
  const ask = async (line: string): Promise<Record<string, any>> => {
    const reply = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply within 10 s to ${JSON.stringify(line).slice(0, 200)}`)), 10_000)
      const done = (l: string) => { clearTimeout(timer); resolve(l) }
      const r = ready.shift()
      if (r !== undefined) done(r); else waiting.push(done)
    })
    socket.write(line + '\n')
    return JSON.parse(await reply)
  }

  const args = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.record({ room: fc.oneof(fc.constant('atelier'), fc.string()), text: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 1 })), name: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 1 })), invite: fc.string(), member: fc.string(), limit: fc.jsonValue({ maxDepth: 0 }), all: fc.boolean(), force: fc.constant(false), lang: fc.constantFrom('fr', 'en', 'xx') }, { requiredKeys: [] })
  )
  const request = fc.record({ v: fc.oneof(fc.constant(1), fc.constant(1), fc.jsonValue({ maxDepth: 0 })), id: fc.oneof(fc.nat(), fc.jsonValue({ maxDepth: 0 })), cmd: fc.oneof(fc.constantFrom(...SAFE), fc.string({ maxLength: 12 })), args, progress: fc.boolean() }, { requiredKeys: ['v', 'cmd'] })
  const line = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    request.map((r) => JSON.stringify(r)),
    request.map((r) => JSON.stringify(r)),
    request.map((r) => JSON.stringify(r))
  ).map((l) => l.replace(/\n/g, ' ')).filter((l) => l.length > 0)

  let cases = 0
  let okReplies = 0
  const failures: string[] = []
  const nodeFailed: string[] = []
  await fc.assert(fc.asyncProperty(line, async (l) => {
    cases++
    try {
      const reply = await ask(l)
      if (reply.ok === true) okReplies++
      else if (reply.ok !== false || typeof reply.error?.code !== 'string' || !(reply.error.code in ERROR_CODES)) failures.push(`${l} -> ${JSON.stringify(reply)}`)
      else if (/the node failed/.test(reply.error.message)) nodeFailed.push(`${l} -> ${reply.error.message}`)
    } catch (err) {
      failures.push(`${l} -> ${(err as Error).message}`)
    }
    return true
  }), { numRuns: RUNS })
  t.comment(`fuzz: control socket ${cases} lines, ${failures.length} crashes (${okReplies} ok, ${cases - okReplies} coded errors, ${nodeFailed.length} internal errors wrapped as CONTROL_PROTOCOL)`)
  for (const f of failures.slice(0, 3)) t.comment(`  control failing line: ${f.slice(0, 300)}`)
  const byMessage = new Map(nodeFailed.map((f) => [f.replace(/^.* -> /, ''), f]))
  for (const f of [...byMessage.values()].slice(0, 5)) t.comment(`  control internal error: ${f.slice(0, 300)}`)
  t.equal(failures.length, 0, 'every line got ok:true, or ok:false with a known error code')
  // An error that is not a TamtamError is a bug in a command, even though the server wraps it.
  t.same(nodeFailed.slice(0, 5), [], `no line made a command fail with an internal error (${nodeFailed.length} did)`)
  const alive = await ask(JSON.stringify({ v: 1, id: 1, cmd: 'room.list', args: {} }))
  t.equal(alive.ok, true, 'the server still answers after the fuzz')
  socket.destroy()
})
