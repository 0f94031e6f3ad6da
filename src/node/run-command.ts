/**
 * Run a command the way one-shot CLI calls do: through the running node if there is one
 * (it owns the store), otherwise by opening the home in this process.
 */
import { callNode, NO_NODE } from '../control/index.js'
import { commandNamed } from '../commands/lazy.js'
import type { Output } from '../commands/types.js'
import { fail } from '../errors/index.js'
import { homePaths } from '../home/index.js'
import { Tamtam } from '../tamtam.js'

/**
 * Commands that never go through the node: `init` and `whoami` touch only the identity
 * file, and `drill sim` touches no home at all and is heavy work that must not run inside
 * (and slow down) the node, and must stop when its own terminal is interrupted.
 */
const LOCAL_ONLY = new Set(['init', 'whoami', 'drill.sim'])

/** Run `name` with `args` against the home, via the node when one is running. */
export async function runCommand (home: string, name: string, args: Record<string, unknown>, out: Output): Promise<{ result: unknown, via: 'node' | 'local' }> {
  const command = await commandNamed(name)
  if (command === undefined) throw fail('USAGE', `unknown command ${name}`)
  if (!LOCAL_ONLY.has(name)) {
    const result = await callNode(homePaths(home).socket, name, args, undefined, out.progress)
    if (result !== NO_NODE) return { result, via: 'node' }
  }
  const tt = new Tamtam({ home })
  try {
    return { result: await command.run(tt, args, out), via: 'local' }
  } finally {
    await tt.close()
  }
}
