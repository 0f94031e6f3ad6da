/** The status bar's facts about the room on screen: LAN peers, Internet, sync and reach. */
import { hasDefaultRoute } from '../../src/discovery/routes.js'
import { syncState } from '../../src/network/sync-watch.js'
import type { TamtamNode } from '../../src/node/index.js'
import { reachOf } from '../../src/replication/reach.js'
import type { Room } from '../../src/room/index.js'
import type { TimelineItem } from '../../src/timeline/index.js'
import type { TuiState } from './state.js'

/** The status of `room`; `timeline` is what is on screen, where my last message is looked for. */
export async function roomStatus (node: TamtamNode, room: Room, timeline: TimelineItem[]): Promise<TuiState['status']> {
  const logs = await node.tt.logs(room)
  const peers = node.network?.peers() ?? []
  const lastMine = timeline.filter((i) => i.core === logs.own.key && i.type === 'msg').pop()
  return {
    lanPeers: peers.filter((p) => p.source !== 'internet').length,
    internet: hasDefaultRoute(),
    missing: syncState(logs).missing,
    // Reach receipts: how many connected peers hold my log up to my last message.
    seen: lastMine === undefined ? null : reachOf(logs, lastMine.seq)
  }
}
