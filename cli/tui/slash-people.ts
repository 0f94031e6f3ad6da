/**
 * Slash commands about people: `/msg NAME TEXT`, `/verify [NAME [--yes|--undo]]`,
 * `/whoami` and `/bell on|off`. Names are resolved by the commands themselves, once, with
 * the same words as the CLI.
 */
import { formatVerify } from '../verify.js'
import { needRoom, type SlashEntry, type SlashLine } from './slash-host.js'

/** What `/verify` was given: a member (possibly empty) and its flags. */
function verifyLine (line: SlashLine): { member: string, flags: Set<string> } {
  return { member: line.words.filter((a) => !a.startsWith('--')).join(' '), flags: new Set(line.words.filter((a) => a.startsWith('--'))) }
}

/** The verify command a `/verify` line runs: the list, an undo, or the words (and a mark with --yes). */
function verifyCommand (line: SlashLine): string {
  const { member, flags } = verifyLine(line)
  if (member === '') return 'verify.list'
  return flags.has('--undo') ? 'verify.undo' : 'verify'
}

/** The people entries. */
export const PEOPLE_ENTRIES: SlashEntry[] = [
  {
    // A private message to a member of the room on screen, from anywhere; `dm` resolves NAME.
    name: '/msg',
    help: 'verify.tuiHelp',
    command: 'dm',
    args: ({ words, rest }, host) => {
      const text = rest.slice((words[0] ?? '').length).trim()
      if (words.length === 0 || words[0] === '' || text === '') return host.t('tui.dmUsage')
      return { room: needRoom(host).id, member: words[0], text }
    },
    show: async (r, host) => {
      host.dmSent(r.to.identity)
      host.notice(host.t('tui.dmSent', { name: r.to.name }))
      await host.refresh()
    }
  },
  {
    name: '/verify',
    help: 'verify.tuiHelp',
    command: verifyCommand,
    args: (line, host) => {
      const { member, flags } = verifyLine(line)
      const room = needRoom(host).id
      if (member === '') return { room }
      return flags.has('--undo') ? { room, member } : { room, member, yes: flags.has('--yes') }
    },
    show: async (r, host, line) => {
      host.notice(formatVerify(verifyCommand(line), r, host.t, { tui: true }) ?? '')
      // A mark or an unmark changes the member list.
      const { member, flags } = verifyLine(line)
      if (member !== '' && flags.size > 0) await host.refresh()
    }
  },
  {
    name: '/whoami',
    help: 'verify.tuiHelp',
    command: 'whoami',
    args: () => ({}),
    show: (me, host) => host.notice(host.t('verify.whoami', { name: me.name, fingerprint: me.fingerprint, words: me.words.join(' ') }))
  },
  {
    // Ring the terminal bell when someone mentions me in this room: a setting of this app only.
    name: '/bell',
    help: 'verify.tuiHelp',
    local: async ({ words }, host) => {
      const room = needRoom(host)
      const word = (words[0] ?? '').toLowerCase()
      if (word !== '' && word !== 'on' && word !== 'off') return host.notice(host.t('tui.mentionBellUsage'))
      const on = await host.mentionBell(word === '' ? undefined : word === 'on')
      host.notice(host.t(on ? 'tui.mentionBellOn' : 'tui.mentionBellOff', { room: room.name }))
    }
  }
]
