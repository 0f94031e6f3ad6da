/**
 * The floor for a one-shot command through a running node: connect to the control socket,
 * send one request, print the reply, exit. Loads nothing but node:net and the protocol's
 * constants. Usage: node socket-send.js SOCKET CMD ARGS_JSON
 */
import net from 'node:net'
import { CONTROL_VERSION } from '../../src/control/protocol.js'

const [socketPath, cmd, args] = process.argv.slice(2)
const socket = net.connect(socketPath)
let buffer = ''
socket.setEncoding('utf8')
socket.on('data', (chunk: string) => {
  buffer += chunk
  const end = buffer.indexOf('\n')
  if (end === -1) return
  const reply = JSON.parse(buffer.slice(0, end)) as { ok: boolean }
  process.stdout.write(buffer.slice(0, end) + '\n')
  socket.destroy()
  process.exitCode = reply.ok ? 0 : 1
})
socket.on('error', (err) => {
  process.stderr.write(`socket-send: ${err.message}\n`)
  process.exitCode = 1
})
socket.write(JSON.stringify({ v: CONTROL_VERSION, id: 1, cmd, args: JSON.parse(args), progress: true }) + '\n')
