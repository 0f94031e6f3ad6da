/** Network commands: peer add, status (peers is in peers.ts). Status needs the running node's network. */
import { fail } from '../errors/index.js'
import { parsePeerAddresses, savePeer } from '../network/peers-file.js'
import type { NetworkHandle } from '../network/network.js'
import type { NodeContext } from '../node/context.js'
import type { Command } from './types.js'
import { str } from './args.js'

function network (ctx: NodeContext): NetworkHandle {
  if (ctx.network === null) throw fail('NODE_NOT_RUNNING')
  return ctx.network
}

/** `peer add HOST:PORT`: remember a peer, and connect now if a node runs. */
export const peerAdd: Command = {
  name: 'peer.add',
  summary: 'add a peer by address, for networks that block multicast',
  run: async ({ tt, network }, args) => {
    // One address, or a whole whereami card (every interface, comma-separated).
    const addresses = parsePeerAddresses(str(args, 'address'))
    await tt.open()
    let saved: Array<{ host: string, port: number }> = []
    for (const address of addresses) {
      saved = await savePeer(tt.paths.peers, address)
      network?.addPeer(address)
    }
    return { ...addresses[0], addresses, saved: saved.length, connecting: network !== null }
  }
}

/** `status`: what the node is doing. */
export const status: Command = {
  name: 'status',
  summary: 'show the node\'s network status',
  run: async (ctx) => ({ ...network(ctx).status(), rooms: ctx.tt.rooms.list().length })
}
