/**
 * One-line helpers for tests: a peer is a real node (a Tamtam on a real Corestore in a
 * temp dir) on an in-process connection source, and two peers are linked by a real Noise
 * stream pair in process, so tests run what `tamtam up` runs on its connections.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type NoiseSecretStream from '@hyperswarm/secret-stream'
import type { NewRecord } from '../../src/log/records.js'
import { connectInProcess, InProcessSource } from '../../src/network/source.js'
import type { Network } from '../../src/network/network.js'
import type { NodeContext } from '../../src/node/context.js'
import { TamtamNode } from '../../src/node/node.js'
import { Wire } from '../../src/sim/wire.js'
import type { Tamtam } from '../../src/tamtam.js'
import type { PeerRooms } from '../../src/replication/index.js'
import type { WebOptions } from '../../src/web/index.js'

/** A temp dir removed at teardown. */
export function tempDir (t: any, prefix = 'tamtam-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

interface TestNode { node: TamtamNode, source: InProcessSource }
const nodes = new WeakMap<Tamtam, TestNode>()

function testNode (tt: Tamtam): TestNode {
  const found = nodes.get(tt)
  if (found === undefined) throw new Error('not a peer made by test/helpers/peers.ts')
  return found
}

/**
 * A peer with an identity, closed at teardown. Its node has no control socket, no
 * auto-fetch and no automatic drill acknowledgements (tests drive those), and opens only
 * when a test links it or asks for its network. With `web`, its node serves phones (issue 20).
 */
export async function peer (t: any, name: string, opts: { clock?: () => number, push?: boolean, web?: WebOptions } = {}): Promise<Tamtam> {
  const source = new InProcessSource()
  const node = new TamtamNode({ home: path.join(tempDir(t), name), clock: opts.clock, source, network: { push: opts.push }, control: false, documents: false, drills: false, web: opts.web })
  nodes.set(node.tt, { node, source })
  await node.tt.init(name)
  t.teardown(() => node.close())
  return node.tt
}

/** The context commands run in on this peer (documents, drills, private messages). */
export function contextOf (tt: Tamtam): NodeContext {
  return testNode(tt).node.context
}

/** The in-process connection source of a peer's node. */
export function sourceOf (tt: Tamtam): InProcessSource {
  return testNode(tt).source
}

/** The node of a peer. */
export function nodeOf (tt: Tamtam): TamtamNode {
  return testNode(tt).node
}

/** The network of a peer, opening its node first. */
export async function networkOf (tt: Tamtam): Promise<Network> {
  const { node } = testNode(tt)
  await node.open()
  if (node.network === null) throw new Error('the node did not start its network')
  return node.network
}

/** The replicator of a peer's node (the node opens first). */
export async function replicator (tt: Tamtam): Promise<Network['replicator']> {
  return (await networkOf(tt)).replicator
}

/**
 * Link two peers with an in-process Noise stream pair; both nodes attach in this tick.
 * With `delayMs`, every chunk takes that long each way (the simulator's wire, no loss).
 */
export async function link (t: any, a: Tamtam, b: Tamtam, opts: { delayMs?: number } = {}): Promise<{ a: PeerRooms, b: PeerRooms, destroy: () => void }> {
  const [na, nb] = await Promise.all([networkOf(a), networkOf(b)])
  const wire = opts.delayMs === undefined ? undefined : new Wire({ delayMs: [opts.delayMs, opts.delayMs], loss: 0, random: Math.random })
  const [left, right] = connectInProcess(testNode(a).source, testNode(b).source, wire)
  const destroy = (): void => {
    left.destroy()
    right.destroy()
  }
  t.teardown(destroy)
  return { a: sessionOf(na, left), b: sessionOf(nb, right), destroy }
}

function sessionOf (network: Network, stream: NoiseSecretStream): PeerRooms {
  const session = network.sessionOf(stream)
  if (session === undefined) throw new Error('the node did not attach to the link')
  return session
}

/** Poll `check` until it returns true, at most `ms`; returns whether it did. */
export async function eventually (check: () => Promise<boolean> | boolean, ms = 15_000, every = 20): Promise<boolean> {
  const deadline = Date.now() + ms
  for (let i = 0; i < 100_000 && Date.now() < deadline; i++) {
    if (await check()) return true
    await new Promise((resolve) => setTimeout(resolve, every))
  }
  return await check()
}

/**
 * Wait for a count (blocks arrived, bytes written) to reach `target`, for as long as it keeps
 * moving: false once it stood still for `stallMs`, or after `maxMs` in all. A big sync on a
 * loaded CI machine may take minutes, and a fixed deadline failed it while it progressed;
 * a stalled one still fails fast.
 */
export async function whileProgressing (count: () => number | Promise<number>, target: number, stallMs = 20_000, maxMs = 300_000, every = 50): Promise<boolean> {
  const end = Date.now() + maxMs
  let last = -1
  let movedAt = Date.now()
  for (let i = 0; i < 1_000_000 && Date.now() < end; i++) {
    const now = await count()
    if (now >= target) return true
    if (now !== last) { last = now; movedAt = Date.now() }
    if (Date.now() - movedAt > stallMs) return false
    await new Promise((resolve) => setTimeout(resolve, every))
  }
  return await count() >= target
}

/** The timeline of a room on a peer, as (name, type, text) triples plus ids. */
export async function lines (tt: Tamtam, roomName: string, limit = 1000): Promise<string[]> {
  const room = tt.rooms.resolve(roomName)
  const items = await (await tt.timeline(room)).page({ limit })
  return items.map((i) => `${i.id} ${i.name} ${i.type} ${i.text}`)
}

/** Append `count` records made by `make` to our own log in `roomName`, 1,000 per batch (one author, no network). */
export async function appendMany (tt: Tamtam, roomName: string, count: number, make: (i: number) => NewRecord): Promise<void> {
  const own = (await tt.logs(tt.rooms.resolve(roomName))).own
  for (let i = 0; i < count; i += 1000) await own.append(Array.from({ length: Math.min(1000, count - i) }, (_, j) => make(i + j)))
}
