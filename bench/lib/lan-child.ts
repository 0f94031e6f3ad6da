/**
 * Helper processes for the LAN benchmarks, run inside a namespace host as
 * `node dist/bench/lib/lan-child.js MODE ...`. Each prints JSON lines on stdout: servers print
 * {"event":"ready",...} once listening and then run until SIGTERM; clients print one
 * {"event":"result",...} and exit. Nothing here reaches beyond the address it is given.
 *
 *   tcp-source BYTES                      serve BYTES of zeros to every connection, then end it
 *   tcp-sink HOST PORT BYTES              read until end; time from connect to the last byte
 *   echo                                  echo every byte back
 *   ping HOST PORT COUNT GAP_MS           COUNT round trips of 64 bytes, GAP_MS apart
 *   hc-serve DIR BLOCKS BLOCK_BYTES       build a core in a Corestore at DIR and serve it
 *   hc-fetch DIR KEY HOST PORT LENGTH     download the core KEY; time from connection to LENGTH blocks
 */
import net from 'node:net'
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import Corestore from 'corestore'
import NoiseSecretStream from '@hyperswarm/secret-stream'
import { ConnectionManager } from '../../src/transport/index.js'

const print = (value: Record<string, unknown>): void => { process.stdout.write(JSON.stringify(value) + '\n') }

function int (value: string | undefined, name: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got ${String(value)}`)
  return n
}

async function listen (server: net.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '0.0.0.0', resolve)
  })
  return (server.address() as net.AddressInfo).port
}

/** Write `bytes` zeros to the socket in 1 MiB chunks, respecting backpressure, then end. */
function pour (socket: net.Socket, bytes: number): void {
  const chunk = Buffer.alloc(1024 * 1024)
  let left = bytes
  const more = (): void => {
    while (left > 0) {
      const n = Math.min(left, chunk.length)
      left -= n
      if (!socket.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
        socket.once('drain', more)
        return
      }
    }
    socket.end()
  }
  more()
}

async function tcpSource (bytes: number): Promise<void> {
  const server = net.createServer((socket) => {
    socket.on('error', () => socket.destroy())
    pour(socket, bytes)
  })
  print({ event: 'ready', port: await listen(server) })
}

async function tcpSink (host: string, port: number, bytes: number): Promise<void> {
  const socket = net.connect(port, host)
  let t0 = 0
  let got = 0
  socket.once('connect', () => { t0 = performance.now() })
  socket.on('data', (d: Buffer) => { got += d.length })
  await new Promise<void>((resolve, reject) => {
    socket.once('end', resolve)
    socket.once('error', reject)
  })
  const ms = performance.now() - t0
  socket.destroy()
  if (got !== bytes) throw new Error(`received ${got} bytes, expected ${bytes}`)
  print({ event: 'result', ms, bytes: got })
}

async function echo (): Promise<void> {
  const server = net.createServer({ noDelay: true }, (socket) => {
    socket.on('error', () => socket.destroy())
    socket.pipe(socket)
  })
  print({ event: 'ready', port: await listen(server) })
}

async function ping (host: string, port: number, count: number, gapMs: number): Promise<void> {
  const socket = net.connect({ port, host, noDelay: true })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  const payload = Buffer.alloc(64, 7)
  const once = async (): Promise<number> => await new Promise((resolve) => {
    let got = 0
    const t0 = performance.now()
    const onData = (d: Buffer): void => {
      got += d.length
      if (got < payload.length) return
      socket.off('data', onData)
      resolve(performance.now() - t0)
    }
    socket.on('data', onData)
    socket.write(payload)
  })
  for (let i = 0; i < 5; i++) await once() // warm-up: the first round trips pay for JIT and ARP
  const rtts: number[] = []
  for (let i = 0; i < count; i++) {
    rtts.push(await once())
    await new Promise((resolve) => setTimeout(resolve, gapMs))
  }
  socket.destroy()
  print({ event: 'result', rtts })
}

async function hcServe (dir: string, blocks: number, blockBytes: number): Promise<void> {
  const store = new Corestore(dir)
  const core = store.get({ name: 'bench-transfer' })
  await core.ready()
  const t0 = performance.now()
  for (let i = 0; i < blocks; i += 50) {
    await core.append(Array.from({ length: Math.min(50, blocks - i) }, () => randomBytes(blockBytes)))
  }
  const buildMs = performance.now() - t0
  const manager = new ConnectionManager({ keyPair: NoiseSecretStream.keyPair() })
  // Replication must start in the same tick as the connection event (see src/replication/room-sync.ts).
  manager.on('connection', (stream: NoiseSecretStream) => { store.replicate(stream) })
  manager.on('warning', () => {}) // a fetcher that leaves closes its socket: expected
  const port = await manager.listen()
  print({ event: 'ready', port, key: core.key.toString('hex'), length: core.length, byteLength: core.byteLength, buildMs })
}

async function hcFetch (dir: string, key: string, host: string, port: number, length: number): Promise<void> {
  const store = new Corestore(dir)
  const core = store.get({ key: Buffer.from(key, 'hex') })
  await core.ready()
  core.download({ start: 0, end: -1 })
  const manager = new ConnectionManager({ keyPair: NoiseSecretStream.keyPair(), listen: false })
  let t0 = 0
  const done = new Promise<number>((resolve) => {
    const check = (): void => { if (t0 > 0 && core.contiguousLength >= length) resolve(performance.now()) }
    core.on('download', check)
    manager.once('connection', (stream: NoiseSecretStream) => {
      store.replicate(stream) // same tick as the event
      t0 = performance.now()
      check()
    })
  })
  const warnings: string[] = []
  manager.on('warning', (err: Error) => { if (warnings.length < 5) warnings.push(err.message) })
  // The manager's dial timers are unref'd (its owner decides how long the process lives):
  // this timer keeps us alive, and bounds the wait.
  const guard = setTimeout(() => {
    process.stderr.write(`lan-child: ${core.contiguousLength} of ${length} blocks after 10 minutes; ${warnings.join('; ')}\n`)
    process.exit(1)
  }, 600_000)
  manager.addManual(host, port)
  const end = await done
  clearTimeout(guard)
  print({ event: 'result', ms: end - t0, bytes: core.byteLength, length: core.contiguousLength, warnings })
}

async function main (argv: string[]): Promise<void> {
  const [mode, ...a] = argv
  process.once('SIGTERM', () => process.exit(0))
  switch (mode) {
    case 'tcp-source': return await tcpSource(int(a[0], 'BYTES'))
    case 'tcp-sink': return await tcpSink(String(a[0]), int(a[1], 'PORT'), int(a[2], 'BYTES')).then(() => process.exit(0))
    case 'echo': return await echo()
    case 'ping': return await ping(String(a[0]), int(a[1], 'PORT'), int(a[2], 'COUNT'), int(a[3], 'GAP_MS')).then(() => process.exit(0))
    case 'hc-serve': return await hcServe(String(a[0]), int(a[1], 'BLOCKS'), int(a[2], 'BLOCK_BYTES'))
    case 'hc-fetch': return await hcFetch(String(a[0]), String(a[1]), String(a[2]), int(a[3], 'PORT'), int(a[4], 'LENGTH')).then(() => process.exit(0))
    default: throw new Error(`unknown mode ${String(mode)}`)
  }
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`lan-child: ${(err as Error)?.stack ?? String(err)}\n`)
  process.exit(1)
})
