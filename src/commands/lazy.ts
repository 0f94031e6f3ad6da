/**
 * The command table, loaded on first use. The node (its control socket) and the terminal
 * app need a command only when one is asked for; importing every command module at start
 * would load every feature before the first screen is drawn.
 */
import type { Command } from './types.js'

/** The command called `name`, or undefined. */
export async function commandNamed (name: string): Promise<Command | undefined> {
  return (await import('./index.js')).COMMANDS.get(name)
}
