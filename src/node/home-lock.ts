/**
 * Sharing a home between a node and one-shot commands started at the same moment.
 *
 * The store's file lock lets one process in at a time. A script that runs `tamtam up &`
 * and then `tamtam send` at once used to lose either way: the send got HOME_LOCKED, or it
 * took the store first and the node died with HOME_LOCKED. Now both sides wait briefly:
 * a one-shot command retries (the node's control socket, then the lock) until one of them
 * answers, and a node waits for a one-shot command to let go of the lock.
 */
import { promises as fs } from 'node:fs'
import { isTamtamError } from '../errors/index.js'
import type { Tamtam } from '../tamtam.js'

/** How long a one-shot command waits for a node that holds the home to open its socket. */
export const COMMAND_LOCK_WAIT_MS = 15_000
/** How long a node waits for one-shot commands to let go of the store (a local `get` can be long). */
export const NODE_LOCK_WAIT_MS = 60_000
/** Poll step while waiting: short, because the usual wait is one command's few hundred ms. */
export const LOCK_POLL_MS = 50

export const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Open the store of `tt`, waiting while another process holds its lock. `onWait` is called
 * once, when the first attempt finds the lock held. Fails with HOME_LOCKED after `waitMs`.
 */
export async function openStoreWaiting (tt: Tamtam, waitMs: number, onWait?: () => void): Promise<void> {
  const deadline = Date.now() + waitMs
  for (let attempt = 0; ; attempt++) {
    try {
      await tt.store()
      return
    } catch (err) {
      if (!isTamtamError(err, 'HOME_LOCKED') || Date.now() >= deadline) throw err
      if (attempt === 0) onWait?.()
    }
    await sleep(LOCK_POLL_MS)
  }
}

/**
 * True when this home has been used (an identity or a store exists). Only then may a node
 * race us for the lock; an empty home is left alone so that, say, `send` on a home with no
 * identity fails with NOT_INITIALISED without creating a store.
 */
export async function homeInUse (paths: { identity: string, store: string }): Promise<boolean> {
  const exists = async (p: string): Promise<boolean> => await fs.stat(p).then(() => true, () => false)
  return (await exists(paths.identity)) || (await exists(paths.store))
}
