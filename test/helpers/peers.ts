/**
 * One-line helpers for tests: a peer is a real Tamtam on a real Corestore in a temp dir,
 * and two peers are linked by a real Noise stream pair in process.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import NoiseSecretStream from '@hyperswarm/secret-stream'
import type { NewRecord } from '../../src/log/records.js'
import { Tamtam } from '../../src/tamtam.js'
import { Replicator, type PeerRooms } from '../../src/replication/index.js'

/** A temp dir removed at teardown. */
export function tempDir (t: any, prefix = 'tamtam-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A peer with an identity, closed at teardown. */
export async function peer (t: any, name: string, opts: { clock?: () => number } = {}): Promise<Tamtam> {
  const tt = new Tamtam({ home: path.join(tempDir(t), name), clock: opts.clock })
  await tt.init(name)
  t.teardown(() => tt.close())
  return tt
}

const replicators = new WeakMap<Tamtam, Replicator>()

/** The one replicator of a peer, as a node would have. */
export function replicator (tt: Tamtam): Replicator {
  let r = replicators.get(tt)
  if (r === undefined) {
    r = new Replicator(tt)
    replicators.set(tt, r)
  }
  return r
}

/** Link two peers with an in-process Noise stream pair; resolves once both room channels run. */
export async function link (t: any, a: Tamtam, b: Tamtam): Promise<{ a: PeerRooms, b: PeerRooms, destroy: () => void }> {
  const left = new NoiseSecretStream(true)
  const right = new NoiseSecretStream(false)
  left.rawStream.pipe(right.rawStream).pipe(left.rawStream)
  await Promise.all([a.store(), b.store()])
  const pa = replicator(a).attach(left)
  const pb = replicator(b).attach(right)
  const destroy = (): void => {
    left.destroy()
    right.destroy()
  }
  t.teardown(destroy)
  return { a: pa, b: pb, destroy }
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
