/**
 * Protecting what a seized device holds, in the app. `/expire 24h|off|` (no value: show)
 * runs `room.expire` on the room on screen, as `tamtam room set ROOM --expire` does.
 * `/panic [--all]` in the app: asks for confirmation once (typing it again within 10 s),
 * then runs the shared `panic` command. The node wipes the home and stops; the app ends with
 * it (runOwn listens for the node's 'panic'; an attached app sees its node go).
 */
import { formatRoomExpire } from '../room-settings.js'
import { needRoom, type SlashEntry, type SlashHost } from './slash-host.js'

/** How long the first `/panic` stays armed. */
export const PANIC_CONFIRM_MS = 10_000

const armed = new WeakMap<SlashHost, number>()

export const PANIC_ENTRY: SlashEntry = {
  name: '/panic',
  help: 'tui.helpPanic',
  command: 'panic',
  // The first time, a notice instead of the command: what it does, and how to confirm.
  args: (line, host) => {
    const all = line.words.includes('--all')
    const at = armed.get(host)
    if (at === undefined || Date.now() - at > PANIC_CONFIRM_MS) {
      armed.set(host, Date.now())
      return host.t(all ? 'tui.panicConfirmAll' : 'tui.panicConfirm')
    }
    armed.delete(host)
    return { all }
  },
  show: (r, host) => {
    host.notice(host.t('tui.panicDone', { ms: String(r.ms ?? '?') }))
    host.quit()
  }
}

export const EXPIRE_ENTRY: SlashEntry = {
  name: '/expire',
  help: 'tui.helpExpire',
  command: 'room.expire',
  args: (line, host) => ({ room: needRoom(host).id, ...(line.words[0] === undefined ? {} : { expire: line.words[0] }) }),
  show: async (r, host) => {
    host.notice(formatRoomExpire('room.expire', r, host.t))
    await host.refresh()
  }
}
