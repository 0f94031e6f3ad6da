/**
 * Importing a bundle, in two steps so that a bad bundle stores nothing: first the whole
 * file is authenticated and every proof verified in a scratch store; only then are the
 * verified blocks brought into the real store, and the logs new to this home added to the
 * room (so they show in the timeline and replicate onward).
 */
import path from 'node:path'
import { fail } from '../errors/index.js'
import type { RoomLogs } from '../log/room-logs.js'
import type { Room } from '../room/index.js'
import type { Tamtam } from '../tamtam.js'
import { applyRuns } from './apply.js'
import { Progress, type ProgressListener } from './progress.js'
import { provable } from './proofs.js'
import { BundleReader } from './reader.js'
import { ScratchStore, verifyBundle, type Verified, type VerifiedCore } from './verify.js'

/** Options of importBundle. */
export interface ImportOptions {
  onProgress?: ProgressListener
  onWarning?: (message: string) => void
}

/** What importBundle did. */
export interface ImportResult {
  room: string
  file: string
  bundle: string
  /** Member logs with blocks in the bundle. */
  cores: number
  blocks: number
  /** Blocks stored by this import. */
  newBlocks: number
  /** Blocks of the bundle not stored: already here, or not usable here (warned). */
  skippedBlocks: number
  /** Member logs this home had not known, now part of the room. */
  membersAdded: number
  ms: number
}

/** Import a bundle file into the room it was made for (which must be joined here). */
export async function importBundle (tt: Tamtam, file: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const started = Date.now()
  await tt.open()
  await tt.identity()
  const rooms = tt.rooms.list()
  if (rooms.length === 0) throw fail('BUNDLE_WRONG_ROOM', 'this home has joined no room yet')
  const reader = await BundleReader.open(file, rooms)
  let scratch: ScratchStore | null = null
  try {
    scratch = await ScratchStore.open(path.join(tt.home, 'bundle-import-'))
    const verified = await verifyBundle(reader.events(), scratch, opts.onProgress)
    const source = scratch
    const applied = await tt.write(async () => await applyVerified(tt, reader.room, verified, source, opts))
    return {
      room: reader.room.name,
      file,
      bundle: reader.header.id.toString('hex'),
      cores: verified.cores.length,
      blocks: verified.blocks,
      newBlocks: applied.added,
      skippedBlocks: verified.blocks - applied.added,
      membersAdded: applied.members,
      ms: Date.now() - started
    }
  } finally {
    await reader.close()
    await scratch?.close()
  }
}

/** Register new member logs, then bring each verified log's blocks into the real store. */
async function applyVerified (tt: Tamtam, room: Room, verified: Verified, scratch: ScratchStore, opts: ImportOptions): Promise<{ added: number, members: number }> {
  const warn = opts.onWarning ?? (() => {})
  const logs = await tt.logs(room)
  const ownKey = logs.own.key
  const others = verified.cores.map((c) => c.key.toString('hex')).filter((hex) => hex !== ownKey)
  const fresh = await tt.rooms.addMembers(room, others)
  const members = new Set(room.members)
  const progress = new Progress('import', verified.blocks, opts.onProgress)
  let added = 0
  for (const core of verified.cores) {
    const hex = core.key.toString('hex')
    if (hex === ownKey) {
      progress.add(core.blocks)
      continue
    }
    if (!members.has(hex)) {
      warn(`log ${hex.slice(0, 8)} left out: the room is at its limit of member logs`)
      progress.add(core.blocks)
      continue
    }
    added += await applyCore(logs, core, scratch, progress, warn)
  }
  progress.finish()
  return { added, members: fresh.length }
}

async function applyCore (logs: RoomLogs, core: VerifiedCore, scratch: ScratchStore, progress: Progress, warn: (message: string) => void): Promise<number> {
  const log = await logs.addMember(core.key)
  const source = await scratch.core(core.key)
  try {
    const count = await applyRuns(source, provable(log.core), core.runs, progress)
    if (count.unusable > 0) {
      warn(`${count.unusable} block(s) of log ${log.key.slice(0, 8)} not imported (${String(count.reason)}): this home holds a version of that log the bundle does not connect to; import the earlier bundles first, or let the log replicate`)
    }
    await log.verifyBinding()
    return count.added
  } finally {
    await source.close()
  }
}
