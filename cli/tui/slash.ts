/**
 * Slash commands of the terminal app. Each one calls the same command function as the CLI
 * (src/commands), so the two never disagree; only the presentation differs.
 */
import path from 'node:path'
import { commandNamed } from '../../src/commands/lazy.js'
import type { Output } from '../../src/commands/types.js'
import { fail } from '../../src/errors/index.js'
import { defaultReportFile, parseDrill } from './drill-args.js'
import { formatSpan } from './drill-view.js'
import type { TuiModel } from './model.js'
import { PEOPLE_HANDLERS } from './slash-people.js'

type Handler = (model: TuiModel, args: string[], rest: string) => Promise<void>

async function call (model: TuiModel, name: string, args: Record<string, unknown>, out: Output = model.out): Promise<any> {
  const command = await commandNamed(name)
  if (command === undefined) throw fail('USAGE', `${name} is not available in this version`)
  return await command.run(model.node.context, { lang: model.state.lang, ...args }, out)
}

function roomId (model: TuiModel): string {
  const room = model.currentRoom()
  if (room === null) throw fail('USAGE', model.t('tui.needRoom'))
  return room.id
}

/** `/docs`: the room's documents, one line each. */
async function listDocs (model: TuiModel): Promise<void> {
  const docs = await call(model, 'docs', { room: roomId(model) }) as Array<Record<string, unknown>>
  if (docs.length === 0) model.notice('-')
  for (const d of docs) model.notice(`${String(d.id)}  ${String(d.name)}  ${String(d.size)} B  ${String(d.status ?? '')}`)
}

/** `/share PATH`: announce a file (the path is relative to where the app was started). */
async function shareDoc (model: TuiModel, rest: string): Promise<void> {
  const r = await call(model, 'share', { room: roomId(model), path: path.resolve(rest) })
  model.notice(`${String(r.id ?? '')} ${String(r.name ?? rest)} (${String(r.size ?? '?')} B)`)
}

/** `/get ID`: download into the folder the app was started from, with progress notices. */
async function getDoc (model: TuiModel, id: string): Promise<void> {
  let last = 0
  const out = {
    ...model.out,
    progress: (e: Record<string, unknown>) => {
      // A notice at most every half second: progress must not flood the screen.
      if (Date.now() - last < 500) return
      last = Date.now()
      model.state.notices = [`${String(e.bytes ?? e.have ?? '')} / ${String(e.total ?? '')} B`]
      model.emit('change')
    }
  }
  const r = await (await commandNamed('get'))!.run(model.node.context, { room: roomId(model), id, dir: process.cwd() }, out) as Record<string, unknown>
  model.notice(`${String(r.path ?? r.file ?? JSON.stringify(r))}`)
}

/** `/drill ...`: start a drill here (the node keeps probing in the background), write its report, or opt out. */
async function drill (model: TuiModel, rest: string): Promise<void> {
  const request = parseDrill(rest, model.t)
  const room = model.currentRoom()
  if (room === null) throw fail('USAGE', model.t('tui.needRoom'))
  if (request.action === 'ack') {
    const r = await call(model, 'room.set', { room: room.id, drillAck: request.on ? 'on' : 'off' })
    return model.notice(model.t(request.on ? 'tui.drillAckOn' : 'tui.drillAckOff', { room: String(r.room) }))
  }
  if (request.action === 'report') {
    const latest = await model.drillWatch.latest(room)
    if (latest === null) return model.notice(model.t('tui.drillNone'))
    const format = request.format ?? (request.file === undefined ? 'html' : undefined)
    const output = path.resolve(request.file ?? defaultReportFile(latest.drill, format ?? 'html'))
    const r = await call(model, 'drill.report', { room: room.id, drill: `${latest.drill}@${latest.core}`, format, output })
    return model.notice(model.t('tui.drillWritten', { file: String(r.file), format: String(r.format) }))
  }
  const plan = { name: request.name, probes: request.probes, interval: request.interval, duration: request.duration }
  // The command's own English progress line is replaced by the notice below, in the UI's language.
  const r = await call(model, 'drill.start', { room: room.id, ...plan, detach: true }, { info: () => {}, warn: (m) => model.notice(m) })
  model.notice(model.t('tui.drillStarted', { name: String(r.name), drill: String(r.drill), probes: r.plan.probes, interval: formatSpan(r.plan.intervalMs), duration: formatSpan(r.plan.durationMs) }))
  model.drillWatch.forget(room.id)
  await model.refresh()
}

const HANDLERS: Record<string, Handler> = {
  '/help': async (model) => {
    model.notice(model.t('tui.help'))
    model.notice(model.t('tui.drillHelp'))
    model.notice(model.t('verify.tuiHelp'))
  },
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
  '/share': async (model, _args, rest) => await shareDoc(model, rest),
  '/get': async (model, args) => await getDoc(model, args[0] ?? ''),
  '/docs': async (model) => await listDocs(model),
  '/drill': async (model, _args, rest) => await drill(model, rest),
  ...PEOPLE_HANDLERS
}

/** Run one slash command line. */
export async function runSlash (model: TuiModel, line: string): Promise<void> {
  const [word, ...args] = line.split(/\s+/)
  const rest = line.slice(word.length).trim()
  const handler = HANDLERS[word.toLowerCase()]
  if (handler === undefined) return model.notice(model.t('tui.unknownCommand', { command: word }))
  await handler(model, args, rest)
}
