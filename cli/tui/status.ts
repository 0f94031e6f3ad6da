/** The status bar's facts about the room on screen: LAN peers, Internet, sync and reach. */
import { roomStatusOf } from '../../src/commands/view.js'
import type { TamtamNode } from '../../src/node/index.js'
import type { Room } from '../../src/room/index.js'
import type { TimelineItem } from '../../src/timeline/index.js'
import type { TuiState } from './state.js'

/**
 * The status of `room`; `timeline` is what is on screen, where my last message is looked for.
 * The same facts the `view` command gives an app attached to a running node.
 */
export async function roomStatus (node: TamtamNode, room: Room, timeline: TimelineItem[]): Promise<TuiState['status']> {
  return await roomStatusOf(node.context, room, timeline)
}
