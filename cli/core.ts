/**
 * The core commands of the CLI: identity (`init`, `whoami`, `nick`), rooms, `send` and
 * `log`, the node and the app (`up`, `tui`), and the network's state (`whereami`, `peers`,
 * `status`, `peer add`). Their human output is in format.ts.
 */
import { Option } from 'commander'
import type { MessageKey } from '../src/i18n/index.js'
import type { Feature, Formatter, Registrar } from './feature.js'
import { formatResult } from './format.js'

const collect = (value: string, previous: string[] = []): string[] => [...previous, value]

function register ({ program, run, t, context }: Registrar): void {
  const h = (key: string): string => t(key as MessageKey)
  program.command('init').description(h('help.4'))
    .requiredOption('--name <name>', h('help.5')).option('--force', h('help.6'))
    .action(async (o) => await run('init', { name: o.name, force: o.force === true }))
  program.command('whoami').description(h('help.7'))
    .action(async () => await run('whoami', {}))
  program.command('nick <name>').description(h('help.8'))
    .action(async (name) => await run('nick', { name }))

  const room = program.command('room').description(h('help.9'))
  room.command('create <name>').description(h('help.10')).option('--qr', h('help.11'))
    .action(async (name, o) => await run('room.create', { name, qr: o.qr === true }))
  room.command('join <invite>').description(h('help.12')).option('--name <alias>', h('help.13'))
    .action(async (invite, o) => await run('room.join', { invite, name: o.name }))
  room.command('list').description(h('help.14')).action(async () => await run('room.list', {}))
  room.command('invite <room>').description(h('help.15')).option('--qr', h('help.16'))
    .action(async (r, o) => await run('room.invite', { room: r, qr: o.qr === true }))
  room.command('leave <room>').description(h('help.17')).option('--wipe', h('help.leaveWipe'))
    .action(async (r, o) => await run('room.leave', { room: r, wipe: o.wipe === true }))

  program.command('send <room> <text...>').description(h('help.18'))
    .action(async (r, words: string[]) => await run('send', { room: r, text: words.join(' ') }))
  program.command('log <room>').description(h('help.19'))
    .option('--limit <n>', h('help.20'), '50').option('--all', h('help.21')).option('--show-hidden', h('help.showHidden'))
    .action(async (r, o) => await run('log', { room: r, limit: o.limit, all: o.all === true, showHidden: o.showHidden === true }))
  program.command('up').description(h('help.22'))
    .option('--lan-only', h('help.23'))
    .option('--port <n>', h('help.24'), '0')
    .option('--peer <host:port>', h('help.25'), collect)
    .option('--announce-interval <ms>', h('help.26'), '2000')
    .option('--max-connections <n>', h('help.27'), '16')
    .addOption(new Option('--announce-only', h('help.28')))
    .addOption(new Option('--listen-only', h('help.29')))
    .addOption(new Option('--no-push', h('help.noPush')))
    .option('--relay', h('help.relay.up'))
    .option('--web', h('help.web'))
    .option('--web-port <n>', h('help.webPort'), '8080')
    .option('--web-max-sessions <n>', h('help.webMaxSessions'), '64')
    .addOption(new Option('--bootstrap <host:port>', h('help.30')).argParser(collect).hideHelp())
    .action(async (o) => {
      const { up } = await import('./up.js')
      await up(await context(), o)
    })
  program.command('tui', { isDefault: false }).description(h('help.31'))
    .option('--lan-only', h('help.23'))
    .option('--port <n>', h('help.24'), '0')
    .option('--peer <host:port>', h('help.32'), collect)
    .option('--announce-interval <ms>', h('help.26'), '2000')
    .action(async (o) => {
      const { networkOptions } = await import('./up.js')
      const { runTui } = await import('./tui/app.js')
      const ctx = await context()
      // A node already running keeps its own options: the app says which typed ones it ignores.
      const flags = [o.lanOnly === true ? '--lan-only' : '', o.port !== '0' ? `--port ${String(o.port)}` : '', ...(o.peer ?? []).map((p: string) => `--peer ${p}`)].filter((f) => f !== '')
      await runTui({ home: ctx.home, lang: program.opts<{ lang?: string }>().lang, network: await networkOptions(o), networkFlags: flags, signal: ctx.signal })
    })
  program.command('whereami').description(h('help.whereami')).option('--qr', h('help.whereamiQr'))
    .action(async (o) => await run('whereami', { qr: o.qr === true }))
  program.command('peers').description(h('help.33'))
    .action(async () => await run('peers', {}))
  program.command('status').description(h('help.34'))
    .action(async () => await run('status', {}))
  const peer = program.command('peer').description(h('help.35'))
  peer.command('add <address>').description(h('help.36'))
    .action(async (address) => await run('peer.add', { address }))
}

const COMMANDS = ['init', 'whoami', 'nick', 'room.create', 'room.join', 'room.list', 'room.invite', 'room.leave', 'send', 'log', 'whereami', 'peers', 'status', 'peer.add']

/** The core feature. */
export const coreFeature: Feature = {
  register,
  format: Object.fromEntries(COMMANDS.map((name) => [name, (result: unknown, f: Formatter) => formatResult(name, result, f)]))
}
