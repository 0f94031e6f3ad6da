/** Where things live inside a tamtam home dir. */
import os from 'node:os'
import path from 'node:path'

export { readJson, writeJsonPrivate, writeTextPrivate, ensureHome, makePrivate, LOCK_FILE } from './files.js'

/** The home dir: --home, then TAMTAM_HOME in `env` (the CLI passes the process's), then ~/.tamtam. */
export function resolveHome (explicit: string | undefined, env: NodeJS.ProcessEnv): string {
  const chosen = explicit ?? env.TAMTAM_HOME ?? path.join(os.homedir(), '.tamtam')
  return path.resolve(chosen)
}

/** The fixed file names inside a home dir. */
export function homePaths (home: string): { identity: string, rooms: string, relays: string, store: string, socket: string, peers: string, lock: string } {
  return {
    peers: path.join(home, 'peers.json'),
    lock: path.join(home, 'lock.json'),
    identity: path.join(home, 'identity.json'),
    rooms: path.join(home, 'rooms.json'),
    relays: path.join(home, 'relays.json'),
    store: path.join(home, 'store'),
    socket: path.join(home, 'control.sock')
  }
}
