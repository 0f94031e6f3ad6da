/**
 * Tells when a room is synced: every member log we know is downloaded up to the length
 * its author has announced. Reported once per transition, for `tamtam up`'s status lines.
 */
import type { RoomLogs } from '../log/room-logs.js'

/** Snapshot of a room's sync state. */
export interface SyncState { synced: boolean, logs: number, blocks: number, missing: number }

/** Compute the sync state of a room's logs. */
export function syncState (logs: RoomLogs): SyncState {
  let blocks = 0
  let missing = 0
  for (const log of logs.list()) {
    blocks += log.core.length
    missing += Math.max(0, log.core.length - log.readable)
  }
  return { synced: missing === 0, logs: logs.list().length, blocks, missing }
}
