/**
 * Run a command the way one-shot CLI calls do: through the running node if there is one
 * (it owns the store), otherwise by opening the home in this process.
 */
import { callNode, NO_NODE } from '../control/client.js'
import { commandNamed } from '../commands/lazy.js'
import type { Output } from '../commands/types.js'
import { fail, isTamtamError } from '../errors/index.js'
import { homePaths } from '../home/index.js'
import { loadLang, translator } from '../i18n/index.js'
import type { NodeContext } from './context.js'
import { COMMAND_LOCK_WAIT_MS, homeInUse, LOCK_POLL_MS, sleep } from './home-lock.js'

/**
 * Commands that never go through the node: `init` and `whoami` touch only the identity
 * file, and `drill sim` touches no home at all and is heavy work that must not run inside
 * (and slow down) the node, and must stop when its own terminal is interrupted.
 */
const LOCAL_ONLY = new Set(['init', 'whoami', 'drill.sim', 'panic'])

/** Options of runCommand; tests shorten the wait. */
export interface RunOptions { lockWaitMs?: number }

/**
 * Run `name` with `args` against the home, via the node when one is running. When another
 * process holds the home (a node still starting, or another one-shot command), wait for
 * the node's control socket or for the lock, whichever comes first, up to `lockWaitMs`.
 * The socket is tried first, before the command table is loaded: through a running node, a
 * one-shot command loads little more than this file. `out.signal` stops the wait, and
 * closes the connection to the node, which stops the command there too.
 */
export async function runCommand (home: string, name: string, args: Record<string, unknown>, out: Output, opts: RunOptions = {}): Promise<{ result: unknown, via: 'node' | 'local' }> {
  const paths = homePaths(home)
  if (LOCAL_ONLY.has(name)) return await runLocal(home, await commandRun(name), args, out, false)
  const waitMs = opts.lockWaitMs ?? COMMAND_LOCK_WAIT_MS
  // The wait starts at the first refusal, not before loading the table on the way there.
  let deadline: number | null = null
  let told = false
  for (;;) {
    const result = await callNode(paths.socket, name, args, { onProgress: out.progress, signal: out.signal })
    if (result !== NO_NODE) return { result, via: 'node' }
    try {
      return await runLocal(home, await commandRun(name), args, out, await homeInUse(paths))
    } catch (err) {
      if (!isTamtamError(err, 'HOME_LOCKED')) throw err
      deadline ??= Date.now() + waitMs
      if (Date.now() >= deadline) {
        throw fail('HOME_LOCKED', `another tamtam process has held ${home} for ${Math.round(waitMs / 1000)} s and no node answered on ${paths.socket}`, err)
      }
    }
    if (!told) {
      told = true
      out.info(translator(await loadLang(String(args.lang ?? 'en')))('node.waitingForHome'))
    }
    await sleep(LOCK_POLL_MS)
    out.signal?.throwIfAborted()
  }
}

type Run = (ctx: NodeContext, args: Record<string, unknown>, out: Output) => Promise<unknown>

/** The command's function, from the table (loaded now, the first time). */
async function commandRun (name: string): Promise<Run> {
  // `drill sim` is outside the table, so no node can be asked to run it.
  const command = name === 'drill.sim' ? (await import('../sim/command.js')).drillSim : await commandNamed(name)
  if (command === undefined) throw fail('USAGE', `unknown command ${name}`)
  return command.run
}

/**
 * Run the command in this process. With `lockFirst`, the store is opened before the command
 * starts, so a held lock fails here, before the command has changed anything, and the
 * caller can safely try again.
 */
async function runLocal (home: string, run: Run, args: Record<string, unknown>, out: Output, lockFirst: boolean): Promise<{ result: unknown, via: 'local' }> {
  // A node with no control socket and no network: `get` may take it online for its run.
  const { TamtamNode } = await import('./node.js')
  const node = new TamtamNode({ home, control: false, network: false })
  try {
    if (lockFirst) await node.tt.store()
    return { result: await run(node.context, args, out), via: 'local' }
  } finally {
    await node.close()
  }
}
