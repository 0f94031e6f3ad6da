/**
 * In-process peers for the mesh and scale suites. Each peer is a real node (TamtamNode, no
 * control socket) on a real Corestore in a temp dir, whose connection source is the TCP
 * source listening on 127.0.0.1 (TCP + Noise, the mesh policy, the cap) with no LAN beacon:
 * candidates are handed to each manager directly, as beacons would report them, because
 * multicast must stay inside namespaces and loopback TCP needs none. Room-aware admission is
 * off: every peer here shares 127.0.0.1, which it would read as one host announcing 100 keys.
 */
import { once } from 'node:events'
import { createRequire } from 'node:module'
import net from 'node:net'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { TcpSource } from '../../src/network/tcp-source.js'
import { TamtamNode } from '../../src/node/node.js'
import type { Replicator } from '../../src/replication/index.js'
import type { Room } from '../../src/room/index.js'
import type { MemberLog } from '../../src/log/member-log.js'
import type { Tamtam } from '../../src/tamtam.js'
import type { ConnectionManager } from '../../src/transport/index.js'

/** One in-process peer. */
export interface MeshPeer {
  index: number
  node: TamtamNode
  tt: Tamtam
  room: Room
  /** Hex key of this peer's own member log. */
  ownKey: string
  manager: ConnectionManager | null
  replicator: Replicator | null
}

/** How peers are opened and connected. */
export interface PeerPlan { maxConnections: number, roomName?: string }

/** Peers opened, joined or closed at once: overlaps disk waits, bounds memory peaks. */
const BATCH = 10

const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

/** Run `fn` over `items`, BATCH at a time. */
export async function inBatches<T> (items: T[], fn: (item: T, i: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += BATCH) await Promise.all(items.slice(i, i + BATCH).map(async (item, j) => await fn(item, i + j)))
}

/**
 * Make ed25519 verification use libsodium instead of tweetnacl, in this process only. A
 * process simulating n peers verifies n × (n - 1) log bindings, once each, before anything is
 * measured (tweetnacl: about 100 a second here, so 100 s for 100 peers on one core; a real
 * peer verifies its n - 1 on its own CPU). Messages are never verified with it: Hypercore's
 * own signatures cover them, and the binding verdict is cached.
 */
export function useSodiumVerify (): void {
  const require = createRequire(import.meta.url)
  const nacl = require('tweetnacl') as { sign: { detached: { verify: (m: Uint8Array, s: Uint8Array, k: Uint8Array) => boolean } } }
  const sodium = require('sodium-universal') as { crypto_sign_verify_detached: (s: Buffer, m: Buffer, k: Buffer) => boolean }
  nacl.sign.detached.verify = (m, s, k) => s.length === 64 && k.length === 32 && sodium.crypto_sign_verify_detached(Buffer.from(s), Buffer.from(m), Buffer.from(k))
}

/** Open `n` peers under `dir`: peer 0 creates the room, the others join it by invite. */
export async function openPeers (dir: string, n: number, plan: PeerPlan = { maxConnections: 8 }): Promise<MeshPeer[]> {
  const open = async (i: number): Promise<TamtamNode> => {
    const source = new TcpSource({ host: '127.0.0.1', lanOnly: true, beacon: false, roomAware: false, maxConnections: plan.maxConnections })
    const node = new TamtamNode({ home: path.join(dir, `p${i}`), source, control: false, documents: false, drills: false })
    await node.tt.init(`P${String(i).padStart(3, '0')}`)
    return node
  }
  const first = await open(0)
  const { room, invite } = await first.tt.createRoom(plan.roomName ?? 'mesh')
  const peers: MeshPeer[] = [{ index: 0, node: first, tt: first.tt, room, ownKey: (await first.tt.logs(room)).own.key, manager: null, replicator: null }]
  const rest = Array.from({ length: n - 1 }, (_, i) => i + 1)
  await inBatches(rest, async (i) => {
    const node = await open(i)
    const joined = await node.tt.joinRoom(invite)
    peers[i] = { index: i, node, tt: node.tt, room: joined, ownKey: (await node.tt.logs(joined)).own.key, manager: null, replicator: null }
  })
  return peers
}

/**
 * Give every peer the whole member list before it connects, as if everyone had met before:
 * one registry write and one open per log, instead of hearing each member by gossip, hop by
 * hop, from each of its connections. Gossip still runs on every link; it finds nothing new.
 * The logs' first blocks (the bindings) still travel over the mesh.
 */
export async function seedMembers (peers: MeshPeer[]): Promise<void> {
  const keys = peers.map((p) => p.ownKey)
  await inBatches(peers, async (p) => {
    const logs = await p.tt.logs(p.room)
    const fresh = await p.tt.rooms.addMembers(p.room, keys.filter((k) => k !== p.ownKey))
    await Promise.all(fresh.map(async (key) => await logs.addMember(Buffer.from(key, 'hex'))))
  })
}

/**
 * Start the node of a peer: its network over the loopback TCP source. Transport warnings
 * (refused dials, flaps) are counted in manager.stats, so only replication's are reported.
 */
export async function startNetwork (peer: MeshPeer, _plan: PeerPlan, onWarning: (err: unknown) => void): Promise<void> {
  peer.tt.on('warning', onWarning)
  await peer.node.open()
  const network = peer.node.network
  if (network === null) throw new Error(`peer ${peer.index} has no network`)
  network.replicator.on('warning', onWarning)
  peer.manager = (network.source as TcpSource).manager
  peer.replicator = network.replicator
}

/** A shuffled copy of `items` (Fisher–Yates). */
export function shuffle<T> (items: T[], random: () => number): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

/** A seeded random source (mulberry32), so a run can be repeated. */
export { mulberry32 as seeded } from '../../src/random.js'

/** Tell every manager about every other peer, each in its own random order, as beacons would. */
export function introduceAll (peers: MeshPeer[], random: () => number): void {
  for (const p of peers) {
    const others = shuffle(peers.filter((o) => o !== p), random)
    for (const o of others) {
      const m = o.manager as ConnectionManager
      p.manager?.addCandidate({ publicKey: m.publicKey, host: '127.0.0.1', port: m.port, source: 'lan' })
    }
  }
}

/** Each peer's links by peer index. */
export function linksOf (peers: MeshPeer[]): Map<string, Set<string>> {
  const byKey = new Map(peers.map((p) => [p.manager?.publicKey.toString('hex') ?? '', String(p.index)]))
  return new Map(peers.map((p) => [String(p.index), new Set((p.manager?.connections() ?? []).map((c) => byKey.get(c.info.publicKey.toString('hex')) ?? '?'))]))
}

/** How many peers hold every member's log, opened with a verified binding. */
export async function peersWithAllMembers (peers: MeshPeer[]): Promise<number> {
  let count = 0
  for (const p of peers) {
    const logs = (await p.tt.logs(p.room)).list()
    if (logs.length >= peers.length && logs.every((l) => l.author !== null)) count++
  }
  return count
}

/** Bounded wait until `check` holds; returns ms waited, or throws with `what` after `timeoutMs`. */
export async function waitUntil (check: () => Promise<boolean> | boolean, timeoutMs: number, what: () => Promise<string> | string, every = 200): Promise<number> {
  const t0 = performance.now()
  for (let i = 0; i < 100_000 && performance.now() - t0 < timeoutMs; i++) {
    if (await check()) return performance.now() - t0
    await sleep(every)
  }
  if (await check()) return performance.now() - t0
  throw new Error(`${await what()} after ${timeoutMs} ms`)
}

/** One message's journey: per receiver, ms from the send call to its `update` event showing the block. */
export interface ProbeResult { author: number, latencies: Map<number, number>, reachAllMs: number }

/**
 * Send one message from `author` and wait until every other peer's Tamtam has emitted
 * 'update' with the block readable (the event the node turns into `append` for the UI).
 * Rejects after `timeoutMs` with the number of peers reached.
 */
export async function probe (peers: MeshPeer[], author: MeshPeer, text: string, timeoutMs: number): Promise<ProbeResult> {
  const own = (await author.tt.logs(author.room)).own
  const seq = own.core.length
  const latencies = new Map<number, number>()
  let t0 = 0
  let done: () => void = () => {}
  const all = new Promise<void>((resolve) => { done = resolve })
  const listeners = peers.filter((p) => p !== author).map((p) => {
    const listener = (_room: Room, log?: MemberLog): void => {
      if (log?.key !== author.ownKey || log.readable <= seq || latencies.has(p.index)) return
      latencies.set(p.index, performance.now() - t0)
      if (latencies.size === peers.length - 1) done()
    }
    p.tt.on('update', listener)
    return { p, listener }
  })
  let timer: NodeJS.Timeout | null = null
  try {
    t0 = performance.now()
    await author.tt.send(author.room, text)
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`message from peer ${author.index} reached ${latencies.size} of ${peers.length - 1} peers in ${timeoutMs} ms`)), timeoutMs)
    })
    await Promise.race([all, timeout])
  } finally {
    if (timer !== null) clearTimeout(timer)
    for (const { p, listener } of listeners) p.tt.off('update', listener)
  }
  return { author: author.index, latencies, reachAllMs: Math.max(...latencies.values()) }
}

/** Close every peer's node: network (connections), then stores. */
export async function closePeers (peers: MeshPeer[]): Promise<void> {
  await inBatches(peers, async (p) => await p.node.close())
}

/** `count` round trips of 64 bytes over one raw TCP connection on 127.0.0.1, in ms: the floor under any delivery. */
export async function tcpRoundTrips (count: number): Promise<number[]> {
  const server = net.createServer((socket) => socket.pipe(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1')
  socket.setNoDelay(true)
  try {
    await once(socket, 'connect')
    const ping = Buffer.alloc(64, 7)
    const samples: number[] = []
    for (let i = 0; i < count; i++) {
      const t0 = performance.now()
      let got = 0
      const back = new Promise<void>((resolve) => {
        const ondata = (chunk: Buffer): void => {
          got += chunk.byteLength
          if (got < ping.byteLength) return
          socket.off('data', ondata)
          resolve()
        }
        socket.on('data', ondata)
      })
      socket.write(ping)
      await back
      samples.push(performance.now() - t0)
    }
    return samples
  } finally {
    socket.destroy()
    await new Promise((resolve) => server.close(resolve))
  }
}

/** Peak resident set size of this process so far, in MB (VmHWM), or the current RSS where /proc is missing. */
export async function peakRssMb (): Promise<number> {
  try {
    const { readFile } = await import('node:fs/promises')
    const status = await readFile('/proc/self/status', 'utf8')
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1])
    if (Number.isFinite(kb)) return kb / 1024
  } catch {}
  return process.memoryUsage().rss / 2 ** 20
}
