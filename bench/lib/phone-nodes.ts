/**
 * Two real tamtam nodes on loopback for the phone benchmarks (issue 20): a host running
 * `tamtam up --web` that serves phones, and a laptop member linked to it by `--peer`, each a
 * `tamtam up --json` child whose event lines carry timestamps. Both are listen-only (they
 * send no LAN announce) and LAN-only; the room starts with HISTORY messages written by the host.
 */
import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import { Tamtam } from '../../src/tamtam.js'
import { ControlClient, EventLog, paths, type Event } from './lan-node.js'
import { childEnv } from './netns.js'
import type { BenchContext } from './measure.js'
import type { PhoneRoom } from './phone.js'

export const ROOM = 'bench'

/** A host serving phones and a laptop in the same room, both running. */
export interface PhoneNodes {
  host: EventLog
  laptop: EventLog
  hostCtl: ControlClient
  /** The laptop's control socket (`send` from the laptop, for laptop → phone). */
  laptopCtl: ControlClient
  invite: string
  room: PhoneRoom
  /** Where phones connect: `http://127.0.0.1:PORT`. */
  base: string
  stop: () => Promise<void>
}

/** A free TCP port on loopback (closed again; the node binds it just after). */
async function freePort (): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Homes: the host makes the room and writes `history` messages; the laptop joins. */
async function makeHomes (dir: string, history: number): Promise<{ hostHome: string, laptopHome: string, invite: string, room: PhoneRoom }> {
  const hostHome = path.join(dir, 'host')
  const laptopHome = path.join(dir, 'laptop')
  const host = new Tamtam({ home: hostHome })
  let invite: string
  let room: PhoneRoom
  try {
    await host.init('host')
    const made = await host.createRoom(ROOM)
    invite = made.invite
    room = { id: made.room.id, memberKey: new Uint8Array(made.room.keys.memberKey) }
    for (let i = 0; i < history; i++) await host.send(made.room, `history ${i}: a message of about the length people write on a phone`)
  } finally {
    await host.close()
  }
  const laptop = new Tamtam({ home: laptopHome })
  try {
    await laptop.init('laptop')
    await laptop.joinRoom(invite)
  } finally {
    await laptop.close()
  }
  return { hostHome, laptopHome, invite, room }
}

function up (bin: string, home: string, flags: string[]): EventLog {
  const child = spawn(process.execPath, [bin, '--home', home, '--json', 'up', '--lan-only', '--listen-only', ...flags], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(), detached: true })
  return new EventLog(child)
}

/** Start both nodes and wait (bounded) until the laptop shares the room with the host and holds its history. */
export async function startPhoneNodes (ctx: BenchContext, history: number): Promise<PhoneNodes> {
  const { hostHome, laptopHome, invite, room } = await makeHomes(await ctx.scratch.dir('phones'), history)
  const { bin } = paths(ctx.root)
  const port = await freePort()
  const host = up(bin, hostHome, ['--port', String(port), '--web', '--web-port', '0'])
  const laptop = up(bin, laptopHome, ['--port', '0', '--peer', `127.0.0.1:${port}`])
  const clients: ControlClient[] = []
  const stop = async (): Promise<void> => {
    for (const c of clients) c.close()
    await Promise.all([host.stop(5000), laptop.stop(5000)])
  }
  try {
    const web = await host.waitFor((e) => e.event === 'web', 60_000, 'the host\'s web server')
    await laptop.waitFor((e) => e.event === 'room' && e.room === ROOM, 60_000, 'the laptop sharing the room with the host')
    await laptop.waitFor((e) => e.event === 'append' && Number(e.length) >= history, 60_000, 'the host\'s history at the laptop')
    const hostCtl = await ControlClient.connect(path.join(hostHome, 'control.sock'))
    clients.push(hostCtl)
    const laptopCtl = await ControlClient.connect(path.join(laptopHome, 'control.sock'))
    clients.push(laptopCtl)
    return { host, laptop, hostCtl, laptopCtl, invite, room, base: `http://127.0.0.1:${Number(web.port)}`, stop }
  } catch (err) {
    await stop()
    throw new Error(`${(err as Error).message}; host stderr: ${host.stderr.slice(-300)}; laptop stderr: ${laptop.stderr.slice(-300)}`)
  }
}

/** The laptop's first `append` event showing position `seq` of the log whose key starts with `prefix`. */
export const arrivalOf = (prefix: string, seq: number) => (e: Event): boolean =>
  e.event === 'append' && String(e.core).startsWith(prefix) && Number(e.length) > seq

/** A process's resident set (MB) and CPU time used so far (ms, /proc ticks of 10 ms). */
export async function usage (pid: number): Promise<{ rssMB: number, cpuMs: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN)
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ') // fields[0] is field 3 of proc(5)
  return { rssMB: rssKiB * 1024 / 1e6, cpuMs: (Number(fields[11]) + Number(fields[12])) * 10 }
}
