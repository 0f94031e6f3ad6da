/**
 * Slash commands of the terminal app. Each one calls the same command function as the CLI
 * (src/commands), so the two never disagree; only the presentation differs.
 */
import { COMMANDS } from '../../src/commands/index.js'
import { fail } from '../../src/errors/index.js'
import type { TuiModel } from './model.js'

type Handler = (model: TuiModel, args: string[], rest: string) => Promise<void>

async function call (model: TuiModel, name: string, args: Record<string, unknown>): Promise<any> {
  const command = COMMANDS.get(name)
  if (command === undefined) throw fail('USAGE', `${name} is not available in this version`)
  return await command.run(model.node.tt, { lang: model.state.lang, ...args }, model.out)
}

function roomId (model: TuiModel): string {
  const room = model.currentRoom()
  if (room === null) throw fail('USAGE', model.t('tui.needRoom'))
  return room.id
}

/** Documents commands exist once the documents feature is installed; say so otherwise. */
function documents (name: string, argName?: string): Handler {
  return async (model, _args, rest) => {
    if (!COMMANDS.has(name)) return model.notice(model.t('tui.docsUnavailable'))
    const result = await call(model, name, { room: roomId(model), ...(argName === undefined ? {} : { [argName]: rest }) })
    const lines = Array.isArray(result) ? result.map((d: Record<string, unknown>) => `${String(d.id)}  ${String(d.name)}  ${String(d.size)} B`) : [JSON.stringify(result)]
    for (const line of lines.length === 0 ? ['-'] : lines) model.notice(line)
  }
}

const HANDLERS: Record<string, Handler> = {
  '/help': async (model) => model.notice(model.t('tui.help')),
  '/quit': async (model) => { model.emit('quit') },
  '/lang': async (model, args) => {
    await model.setLang(args[0] === 'fr' ? 'fr' : 'en')
    model.notice(model.t('tui.lang'))
  },
  '/create': async (model, _args, rest) => {
    const r = await call(model, 'room.create', { name: rest })
    model.state.current = r.id
    model.notice(model.t('tui.created', { room: r.room, invite: r.invite }))
    await model.refresh()
  },
  '/join': async (model, args) => {
    const r = await call(model, 'room.join', { invite: args[0], name: args[1] === '--name' ? args[2] : undefined })
    model.state.current = r.id
    model.notice(model.t('tui.joinedRoom', { room: r.room }))
    await model.refresh()
  },
  '/invite': async (model, args) => {
    const r = await call(model, 'room.invite', { room: roomId(model), qr: args.includes('--qr') })
    model.notice(model.t('tui.invite', { room: r.room, invite: r.invite }))
    if (typeof r.qr === 'string') model.emit('qr', r.qr)
  },
  '/nick': async (model, _args, rest) => {
    const r = await call(model, 'nick', { name: rest })
    model.notice(model.t('tui.nick', { name: r.name }))
    await model.refresh()
  },
  '/mute': async (model, _args, rest) => {
    const r = await call(model, 'mute', { room: roomId(model), member: rest })
    model.notice(model.t('tui.muted', { name: r.member }))
    await model.refresh()
  },
  '/unmute': async (model, _args, rest) => {
    const r = await call(model, 'unmute', { room: roomId(model), member: rest })
    model.notice(model.t('tui.unmuted', { name: r.member }))
    await model.refresh()
  },
  '/peers': async (model) => {
    const peers = await call(model, 'peers', {}) as Array<Record<string, any>>
    if (peers.length === 0) model.notice(model.t('tui.peersNone'))
    for (const p of peers) model.notice(model.t('tui.peer', { key: String(p.publicKey).slice(0, 8), address: `${String(p.host)}:${String(p.port)}`, source: String(p.source), rooms: (p.rooms as string[]).join(', ') || '-' }))
  },
  '/share': documents('share', 'path'),
  '/get': documents('get', 'id'),
  '/docs': documents('docs'),
  // The hook for the drills issue: the command exists and says what it will do.
  '/drill': async (model) => { COMMANDS.has('drill.start') ? await call(model, 'drill.start', { room: roomId(model) }) : model.notice(model.t('tui.drill')) }
}

/** Run one slash command line. */
export async function runSlash (model: TuiModel, line: string): Promise<void> {
  const [word, ...args] = line.split(/\s+/)
  const rest = line.slice(word.length).trim()
  const handler = HANDLERS[word.toLowerCase()]
  if (handler === undefined) return model.notice(model.t('tui.unknownCommand', { command: word }))
  await handler(model, args, rest)
}
