/**
 * Real tamtam processes for the LAN benchmarks: homes made with the CLI, `tamtam up --json`
 * nodes inside namespace hosts whose event lines are collected with their timestamps, a
 * persistent control-socket client (the socket is a file, so it works from the root
 * namespace), and helper processes from lan-child.ts.
 */
import net from 'node:net'
import path from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { Tamtam } from '../../src/tamtam.js'
import { EventLog, type Event } from '../../harness/netns/index.js'
import { exec, NetnsLan, netnsUnsupported } from './netns.js'

export { EventLog, type Event }

/** Node flags for every benchmark node: never the Internet, fast LAN announces. */
export const UP_FLAGS = ['up', '--lan-only', '--announce-interval', '200']

/** Paths a benchmark needs inside the package. */
export interface Paths { bin: string, child: string }

/** Where the launcher and the helper script are, from the package root. */
export function paths (root: string): Paths {
  return { bin: path.join(root, 'bin', 'tamtam.js'), child: path.join(root, 'dist', 'bench', 'lib', 'lan-child.js') }
}

/** Run a one-shot tamtam command (root namespace: it needs no network); throws on failure. */
export async function tamtam (bin: string, home: string, args: string[]): Promise<string> {
  const r = await exec(process.execPath, [bin, '--home', home, ...args], { timeoutMs: 60_000 })
  if (r.code !== 0) throw new Error(`tamtam ${args.join(' ')} (home ${home}) failed${r.timedOut ? ' (timed out)' : ''}: ${r.stderr.trim().slice(-500)}`)
  return r.stdout
}

/** Run `fn` on every item, at most `width` at a time (the machine has few cores). */
async function pool<T, R> (items: T[], width: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i], i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker))
  return out
}

/**
 * The same homes as roomHomes, made with the library in this process: for 50 hosts the CLI
 * would spawn about 100 processes. Returns the homes in order.
 */
export async function roomHomesInProcess (dir: string, count: number, room: string): Promise<string[]> {
  const homes = Array.from({ length: count }, (_, i) => path.join(dir, `h${i}`))
  let invite = ''
  for (const [i, home] of homes.entries()) {
    const tt = new Tamtam({ home })
    try {
      await tt.init(`peer${i}`)
      if (i === 0) invite = (await tt.createRoom(room)).invite
      else await tt.joinRoom(invite)
    } finally {
      await tt.close()
    }
  }
  return homes
}

/** Run `fn` on a fresh LAN of `hosts`, always tearing it down. */
export async function withLan<T> (hosts: number, fn: (lan: NetnsLan) => Promise<T>): Promise<T> {
  const lan = await NetnsLan.create(hosts)
  try {
    return await fn(lan)
  } finally {
    await lan.destroy()
  }
}

/** Fail at once, before any setup, where namespace LANs cannot run (not root, no `ip netns`). */
export function needNetns (): void {
  const reason = netnsUnsupported()
  if (reason !== null) throw new Error(`skipped: a namespace LAN needs root and 'ip netns' (${reason})`)
}

/** Stop every node (in parallel, each bounded). */
export async function stopAll (nodes: TamtamNode[]): Promise<void> {
  await Promise.all(nodes.map(async (n) => await n.stop()))
}

/** A node's `up` event. */
export const isUp = (e: Event): boolean => e.event === 'up'

/** `count` homes under `dir`, each with an identity, all in room `room` (home 0 created it). */
export async function roomHomes (bin: string, dir: string, count: number, room: string): Promise<string[]> {
  const homes = Array.from({ length: count }, (_, i) => path.join(dir, `h${i}`))
  await pool(homes, 4, async (home, i) => await tamtam(bin, home, ['init', '--name', `peer${i}`]))
  const { invite } = JSON.parse(await tamtam(bin, homes[0], ['--json', 'room', 'create', room])) as { invite: string }
  await pool(homes.slice(1), 4, async (home) => await tamtam(bin, home, ['room', 'join', invite]))
  return homes
}

/** A running `tamtam up --json` on a namespace host. */
export class TamtamNode extends EventLog {
  readonly home: string
  /** Date.now() just before the spawn: children share the clock, so event ts compare with it. */
  readonly spawnedAt: number

  private constructor (child: ChildProcess, home: string, spawnedAt: number) {
    super(child)
    this.home = home
    this.spawnedAt = spawnedAt
  }

  /** Spawn the node (does not wait for it); `extraFlags` go after UP_FLAGS, so they override them. */
  static spawn (lan: NetnsLan, host: number, bin: string, home: string, extraFlags: string[] = []): TamtamNode {
    const spawnedAt = Date.now()
    return new TamtamNode(lan.spawn(host, process.execPath, [bin, '--home', home, '--json', ...UP_FLAGS, ...extraFlags]), home, spawnedAt)
  }

  /** The node's control socket. */
  get socket (): string {
    return path.join(this.home, 'control.sock')
  }
}

/** Start a lan-child.js server on a host and wait for its 'ready' line. */
export async function startHelper (lan: NetnsLan, host: number, script: string, args: string[], timeoutMs = 30_000): Promise<{ log: EventLog, ready: Event }> {
  const log = new EventLog(lan.spawn(host, process.execPath, [script, ...args]))
  try {
    return { log, ready: await log.waitFor((e) => e.event === 'ready', timeoutMs, `${args[0]} on host ${host}`) }
  } catch (err) {
    await log.stop(1000)
    throw err
  }
}

/** Run a lan-child.js client on a host to completion; returns its 'result' line. */
export async function runHelper (lan: NetnsLan, host: number, script: string, args: string[], timeoutMs: number): Promise<Event> {
  const r = await lan.exec(host, process.execPath, [script, ...args], timeoutMs)
  if (r.code !== 0) throw new Error(`${args[0]} on host ${host} failed${r.timedOut ? ` (no result within ${timeoutMs} ms)` : ''}: ${r.stderr.trim().slice(-500)}`)
  const line = r.stdout.split('\n').find((l) => l.includes('"result"'))
  if (line === undefined) throw new Error(`${args[0]} on host ${host} printed no result: ${r.stdout.slice(0, 300)}`)
  return JSON.parse(line)
}

/**
 * One persistent connection to a node's control socket (protocol v1: newline-delimited
 * JSON, replies matched by id), so a request costs no process start.
 */
export class ControlClient {
  private readonly socket: net.Socket
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void, reject: (e: Error) => void }>()
  private nextId = 1
  private buffer = ''

  private constructor (socket: net.Socket) {
    this.socket = socket
    socket.setEncoding('utf8')
    socket.on('data', (d: string) => this.onData(d))
    socket.on('error', () => {})
    socket.once('close', () => {
      for (const w of this.waiting.values()) w.reject(new Error('control socket closed'))
      this.waiting.clear()
    })
  }

  /** Connect to the socket file (bounded). */
  static async connect (file: string, timeoutMs = 5000): Promise<ControlClient> {
    const socket = net.connect(file)
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { socket.destroy(); reject(new Error(`${file}: no connection within ${timeoutMs} ms`)) }, timeoutMs)
      socket.once('connect', () => { clearTimeout(timer); resolve() })
      socket.once('error', (err) => { clearTimeout(timer); reject(err) })
    })
    return new ControlClient(socket)
  }

  private onData (chunk: string): void {
    this.buffer += chunk
    const lines = this.buffer.split('\n')
    this.buffer = lines.pop() ?? ''
    for (const line of lines) {
      if (line === '') continue
      const reply = JSON.parse(line) as { id: number, ok: boolean, result?: unknown, error?: { code: string, message: string } }
      const w = this.waiting.get(reply.id)
      if (w === undefined) continue
      this.waiting.delete(reply.id)
      if (reply.ok) w.resolve(reply.result)
      else w.reject(new Error(`${reply.error?.code ?? '?'}: ${reply.error?.message ?? 'failed'}`))
    }
  }

  /** Send a command; resolves with its result, rejects on an error reply or after `timeoutMs`. */
  async request<T = unknown> (cmd: string, args: Record<string, unknown>, timeoutMs = 10_000): Promise<T> {
    const id = this.nextId++
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id)
        reject(new Error(`control ${cmd}: no reply within ${timeoutMs} ms`))
      }, timeoutMs)
      this.waiting.set(id, {
        resolve: (v) => { clearTimeout(timer); resolve(v as T) },
        reject: (e) => { clearTimeout(timer); reject(e) }
      })
      this.socket.write(JSON.stringify({ v: 1, id, cmd, args }) + '\n')
    })
  }

  close (): void {
    this.socket.destroy()
  }
}
