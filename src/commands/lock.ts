/**
 * The passphrase and panic commands (issue 21): `lock status|set|change|remove`, `panic`.
 * Passphrases arrive as arguments: the CLI reads them from the terminal or
 * TAMTAM_PASSPHRASE_FD (cli/passphrase.ts) and sends them through the node's control socket
 * when a node runs, so the node keeps the new home key in its memory.
 */
import { callNode, NO_NODE } from '../control/client.js'
import { homePaths } from '../home/index.js'
import { fail } from '../errors/index.js'
import { changeLock, isLocked, readLock, removeLock, setLock, wipeHome } from '../vault/index.js'
import type { Command } from './types.js'

/** A passphrase argument: a string, not empty. */
function passphrase (args: Record<string, unknown>, key: string): string {
  const value = args[key]
  if (typeof value !== 'string') throw fail('USAGE', `${key} is missing`)
  if (value.length === 0) throw fail('PASSPHRASE_EMPTY')
  return value
}

const optional = (args: Record<string, unknown>, key: string): string | undefined => args[key] === undefined ? undefined : passphrase(args, key)

/** `lock status`: whether the home has a passphrase, and its key derivation. */
export const lockStatus: Command = {
  name: 'lock.status',
  summary: 'say whether this home has a passphrase',
  run: async ({ tt }) => {
    const lock = await readLock(tt.home)
    return lock === null ? { locked: false } : { locked: true, kdf: { name: lock.kdf.name, N: lock.kdf.N, r: lock.kdf.r, p: lock.kdf.p } }
  }
}

/** `lock set`: seal the home's files under a new passphrase (and a duress one). */
export const lockSet: Command = {
  name: 'lock.set',
  summary: 'set a passphrase on this home',
  run: async ({ tt }, args) => {
    // Before opening: opening a locked home would ask for its passphrase.
    if (await isLocked(tt.home)) throw fail('LOCK_ALREADY_SET')
    await tt.open()
    const { duress } = await setLock(tt.home, passphrase(args, 'passphrase'), optional(args, 'duress'))
    return { locked: true, duress }
  }
}

/** `lock change`: a new passphrase for the same home key. */
export const lockChange: Command = {
  name: 'lock.change',
  summary: 'change this home\'s passphrase',
  run: async ({ tt }, args) => {
    const { duress } = await changeLock(tt.home, passphrase(args, 'current'), passphrase(args, 'passphrase'), optional(args, 'duress'))
    return { locked: true, duress }
  }
}

/** `lock remove`: every file back in clear, lock.json deleted. */
export const lockRemove: Command = {
  name: 'lock.remove',
  summary: 'remove this home\'s passphrase',
  run: async ({ tt }, args) => {
    await removeLock(tt.home, passphrase(args, 'current'))
    return { locked: false }
  }
}

/** How long `panic` waits for a running node to take the order before wiping alone. */
const NODE_PANIC_WAIT_MS = 400

/**
 * `panic [--all]`: asks nothing. A running node is told first (it forgets its keys, wipes
 * and stops); then this process wipes too, whatever the node answered, so a hung node
 * cannot delay it. Runs in the caller's process (run-command's LOCAL_ONLY).
 */
export const panic: Command = {
  name: 'panic',
  summary: 'make this home unreadable now',
  run: async ({ tt }, args) => await panicHome(tt.home, args.all === true)
}

/**
 * The panic itself, with no Tamtam and no store: the CLI calls it directly, so a panic does
 * not wait for the library to load (it loads only the control client and src/vault).
 */
export async function panicHome (home: string, all: boolean): Promise<Record<string, unknown>> {
  const started = performance.now()
  const node = await callNode(homePaths(home).socket, 'panic.node', { all }, { timeoutMs: NODE_PANIC_WAIT_MS }).then((r) => r === NO_NODE ? 'none' : 'stopped', () => 'no answer')
  const wiped = await wipeHome(home, { all })
  return { wiped: true, all, node, shredded: wiped.shredded, removed: wiped.removed, ms: Math.round(performance.now() - started), locked: await isLocked(home) }
}

/** Run inside a node by `panic`: wipe, then stop the node (its keys leave memory first). */
export const panicNode: Command = {
  name: 'panic.node',
  summary: 'wipe this home and stop (sent by `tamtam panic`)',
  run: async (ctx, args) => {
    const wiped = await wipeHome(ctx.tt.home, { all: args.all === true })
    // A moment for the replies to leave (this one, and an attached app's `/panic`), then stop.
    setTimeout(() => ctx.panic(), 50)
    return { stopped: true, ms: wiped.ms }
  }
}

export const LOCK_COMMANDS: Command[] = [lockStatus, lockSet, lockChange, lockRemove, panic, panicNode]
