/**
 * `/rekey` in the app: runs `room.rekey` on the room on screen, as `tamtam room rekey ROOM`
 * does (in process, or in the node the app is attached to), and shows the CLI's lines
 * (cli/rekey.ts). The room's id changes with its epoch: the app follows it to the new id, so
 * the room stays on screen. A non-moderator gets NOT_MODERATOR, shown as every error is.
 */
import { formatRekey, type Rekeyed } from '../rekey.js'
import { needRoom, type SlashEntry } from './slash-host.js'

export const REKEY_ENTRY: SlashEntry = {
  name: '/rekey',
  help: 'tui.helpRekey',
  command: 'room.rekey',
  args: (_line, host) => ({ room: needRoom(host).id }),
  show: async (r, host) => {
    for (const line of formatRekey(r as Rekeyed, host.t).split('\n')) host.notice(line)
    if (typeof r.id === 'string') host.select(r.id)
    await host.refresh()
  }
}
