/** Network commands: peers, peer add, status. They need the running node's network. */
import { fail } from '../errors/index.js'
import { parsePeerAddress, savePeer } from '../network/peers-file.js'
import type { Tamtam, NetworkHandle } from '../tamtam.js'
import type { Command } from './types.js'
import { str } from './args.js'

function network (tt: Tamtam): NetworkHandle {
  if (tt.network === null) throw fail('NODE_NOT_RUNNING')
  return tt.network
}

/** `peers`: connected peers, how each was found, rooms in common, bytes in and out. */
export const peers: Command = {
  name: 'peers',
  summary: 'list connected peers',
  run: async (tt) => network(tt).peers()
}

/** `peer add HOST:PORT`: remember a peer, and connect now if a node runs. */
export const peerAdd: Command = {
  name: 'peer.add',
  summary: 'add a peer by address, for networks that block multicast',
  run: async (tt, args) => {
    const address = parsePeerAddress(str(args, 'address'))
    await tt.open()
    const saved = await savePeer(tt.paths.peers, address)
    tt.network?.addPeer(address)
    return { ...address, saved: saved.length, connecting: tt.network !== null }
  }
}

/** `status`: what the node is doing. */
export const status: Command = {
  name: 'status',
  summary: 'show the node\'s network status',
  run: async (tt) => ({ ...network(tt).status(), rooms: tt.rooms.list().length })
}
