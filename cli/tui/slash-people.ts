/**
 * Slash commands about people: `/msg NAME TEXT`, `/verify [NAME [--yes|--undo]]`,
 * `/whoami` and `/bell on|off`. Verification runs the same command functions as the CLI.
 */
import { commandNamed } from '../../src/commands/lazy.js'
import type { Command } from '../../src/commands/types.js'
import { pickMember, roomMembers, VERIFY_COMMANDS } from '../../src/commands/verify.js'
import { fail } from '../../src/errors/index.js'
import { summarise } from '../../src/identity/index.js'
import { formatVerify } from '../verify.js'
import type { TuiModel } from './model.js'
import type { Room } from '../../src/room/index.js'

type Handler = (model: TuiModel, args: string[], rest: string) => Promise<void>

const VERIFY_TABLE = new Map(VERIFY_COMMANDS.map((c) => [c.name, c]))

function needRoom (model: TuiModel): Room {
  const room = model.currentRoom()
  if (room === null) throw fail('USAGE', model.t('tui.needRoom'))
  return room
}

async function runVerify (model: TuiModel, name: string, args: Record<string, unknown>): Promise<void> {
  // The shared table when it lists the command, else this module's own (same functions).
  const command: Command = await commandNamed(name) ?? VERIFY_TABLE.get(name) as Command
  const result = await command.run(model.node.context, { lang: model.state.lang, room: needRoom(model).id, ...args }, model.out)
  model.notice(formatVerify(name, result, model.t, { tui: true }) ?? '')
}

/** `/msg NAME TEXT`: a private message to a member of the current room, from anywhere. */
async function msg (model: TuiModel, args: string[], rest: string): Promise<void> {
  const text = rest.slice((args[0] ?? '').length).trim()
  if (args.length === 0 || args[0] === '' || text === '') return model.notice(model.t('tui.dmUsage'))
  const room = needRoom(model)
  // Resolved here, so NAME#ab12 and folded names work as in mentions; src/dm takes the identity.
  const member = pickMember((await roomMembers(model.node.tt, room)).filter((m) => !m.you), args[0], room)
  const sent = await model.dmWatch.send(room, member.identity, text)
  model.notice(model.t('tui.dmSent', { name: sent.to.name }))
  await model.refresh()
}

/** `/verify`: list; `/verify NAME`: the words; `--yes` marks, `--undo` unmarks. */
async function verify (model: TuiModel, args: string[]): Promise<void> {
  const flags = new Set(args.filter((a) => a.startsWith('--')))
  const member = args.filter((a) => !a.startsWith('--')).join(' ')
  if (member === '') return await runVerify(model, 'verify.list', {})
  if (flags.has('--undo')) await runVerify(model, 'verify.undo', { member })
  else await runVerify(model, 'verify', { member, yes: flags.has('--yes') })
  if (flags.size > 0) await model.refresh()
}

/** `/bell on|off`: ring the terminal bell when someone mentions me in this room. */
async function bell (model: TuiModel, args: string[]): Promise<void> {
  const room = needRoom(model)
  const word = (args[0] ?? '').toLowerCase()
  if (word !== '' && word !== 'on' && word !== 'off') return model.notice(model.t('tui.mentionBellUsage'))
  if (word !== '') {
    room.settings.bell = word === 'on'
    await model.node.tt.rooms.save()
  }
  model.notice(model.t(room.settings.bell === true ? 'tui.mentionBellOn' : 'tui.mentionBellOff', { room: room.name }))
}

/** The handlers, by command word. */
export const PEOPLE_HANDLERS: Record<string, Handler> = {
  '/msg': msg,
  '/verify': verify,
  '/bell': bell,
  '/whoami': async (model) => {
    const me = summarise(await model.node.tt.identity(), model.state.lang === 'fr' ? 'fr' : 'en')
    model.notice(model.t('verify.whoami', { name: me.name, fingerprint: me.fingerprint, words: me.words.join(' ') }))
  }
}
