/**
 * `doctor`: check the network for what keeps peers apart (src/doctor). Runs with or
 * without a node on the home, and needs no identity: with a node, it runs inside it and
 * checks the node's port; without, it says that nothing listens.
 */
// client.js, not index.js: the control index imports the server, which imports the command table (a cycle).
import { callNode, NO_NODE } from '../control/client.js'
import { fail } from '../errors/index.js'
import type { NodeContext } from '../node/context.js'
import type { Command } from './types.js'

/** Most seconds `--wait` may ask for: the control socket gives up on a command after 60 s. */
const MAX_WAIT_SECONDS = 30

function waitMs (value: unknown): number {
  if (value === undefined || value === null) return 4000
  const seconds = Number(value)
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_WAIT_SECONDS) throw fail('USAGE', `--wait must be a number of seconds above 0 and at most ${MAX_WAIT_SECONDS}`)
  return Math.round(seconds * 1000)
}

/** The node's TCP port: from the network when we run in the node, else by asking one on this home. */
async function nodePort (ctx: NodeContext): Promise<number | null> {
  const status = ctx.network !== null ? ctx.network.status() : await callNode(ctx.tt.paths.socket, 'status', {}, { timeoutMs: 3000 }).catch(() => NO_NODE)
  if (status === NO_NODE || typeof status !== 'object' || status === null) return null
  const port = (status as { port?: unknown }).port
  return typeof port === 'number' && port > 0 ? port : null
}

/** `doctor [--wait SECONDS]`: findings with stable codes, and a count of problems and warnings. */
export const doctor: Command = {
  name: 'doctor',
  summary: 'check the network: interfaces, multicast, client isolation, port, firewall',
  // The checks are loaded on first use: the app and the node start without them.
  run: async (ctx, args) => {
    const network = ctx.network
    const dialBack = network === null ? undefined : async () => await network.dialBack()
    return await (await import('../doctor/index.js')).runDoctor({ waitMs: waitMs(args.wait), nodePort: await nodePort(ctx), dialBack })
  }
}
