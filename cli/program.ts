/**
 * The command-line interface: a thin commander layer over the library's command table.
 * Each action maps flags to plain args, runs the shared command (through the running
 * node when there is one) and prints the result. Nothing here exits the process.
 */
import { Command as Commander, Help, Option } from 'commander'
import { translator, type MessageKey, type Translate } from '../src/i18n/index.js'
import { formatJson, formatResult } from './format.js'
import { formatDocuments, progressPrinter, registerDocumentCommands } from './documents.js'
import { registerDoctorCommand } from './doctor.js'
import { drillProgress, formatDrills, registerDrillCommands } from './drills.js'
import { formatRelay, registerRelayCommands } from './relay.js'
import { formatModeration, registerModerationCommands } from './moderation.js'
import { formatShareApp, registerShareAppCommand } from './share-app.js'
import { formatDm, registerDmCommands } from './dm.js'
import { bundleProgress, formatBundles, registerBundleCommands } from './bundles.js'
import { formatVerify, registerVerifyCommands } from './verify.js'
import { makeContext, type CliContext, type GlobalOptions } from './context.js'

/** Run a library command and print its result. */
async function run (program: Commander, name: string, args: Record<string, unknown>): Promise<void> {
  const ctx = await makeContext(program.opts<GlobalOptions>())
  const { runCommand } = await import('../src/node/index.js')
  const progress = name.startsWith('drill.') ? drillProgress(ctx.json, ctx.t) : name === 'export' || name === 'import' ? bundleProgress(ctx.json, ctx.t) : progressPrinter(ctx.json, ctx.t)
  const { result } = await runCommand(ctx.home, name, { ...args, lang: ctx.lang }, { info: ctx.note, warn: ctx.note, progress })
  ctx.print(ctx.json ? formatJson(name, result) : (formatShareApp(name, result, ctx.t) ?? formatDm(name, result, ctx.t) ?? formatBundles(name, result, ctx.t) ?? formatVerify(name, result, ctx.t) ?? formatDrills(name, result, ctx.t) ?? formatRelay(name, result, ctx.t) ?? formatModeration(name, result, ctx.t) ?? formatDocuments(name, result, ctx.t) ?? formatResult(name, result, ctx)))
}

/** Build the program. `onUp` lets tests or the TUI replace the foreground node. */
export function buildProgram (t: Translate = translator('en')): Commander {
  const h = (key: string): string => t(key as MessageKey)
  const program = new Commander('tamtam')
    .description(h('help.0'))
    .addOption(new Option('--home <dir>', h('help.1')))
    .addOption(new Option('--json', h('help.2')))
    .addOption(new Option('--lang <lang>', h('help.3')))
    .showHelpAfterError('(--help)')
    .helpOption('-h, --help', h('help.help'))
    .configureHelp({
      // Commander's section titles, in the user's language.
      formatHelp: (cmd, helper) => new Help().formatHelp(cmd, helper)
        .replace(/^Usage:/m, h('help.usage')).replace(/^Options:/m, h('help.options'))
        .replace(/^Commands:/m, h('help.commands')).replace(/^Arguments:/m, h('help.arguments'))
        .replace(/display help for command/g, h('help.help')).replace(/\(default: /g, `(${h('help.default')} `)
    })
    .exitOverride()
  program.configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })

  program.command('init').description(h('help.4'))
    .requiredOption('--name <name>', h('help.5')).option('--force', h('help.6'))
    .action(async (o) => run(program, 'init', { name: o.name, force: o.force === true }))
  program.command('whoami').description(h('help.7'))
    .action(async () => run(program, 'whoami', {}))
  program.command('nick <name>').description(h('help.8'))
    .action(async (name) => run(program, 'nick', { name }))

  const room = program.command('room').description(h('help.9'))
  room.command('create <name>').description(h('help.10')).option('--qr', h('help.11'))
    .action(async (name, o) => run(program, 'room.create', { name, qr: o.qr === true }))
  room.command('join <invite>').description(h('help.12')).option('--name <alias>', h('help.13'))
    .action(async (invite, o) => run(program, 'room.join', { invite, name: o.name }))
  room.command('list').description(h('help.14')).action(async () => run(program, 'room.list', {}))
  room.command('invite <room>').description(h('help.15')).option('--qr', h('help.16'))
    .action(async (r, o) => run(program, 'room.invite', { room: r, qr: o.qr === true }))
  room.command('leave <room>').description(h('help.17'))
    .action(async (r) => run(program, 'room.leave', { room: r }))

  program.command('send <room> <text...>').description(h('help.18'))
    .action(async (r, words: string[]) => run(program, 'send', { room: r, text: words.join(' ') }))
  program.command('log <room>').description(h('help.19'))
    .option('--limit <n>', h('help.20'), '50').option('--all', h('help.21')).option('--show-hidden', h('help.showHidden'))
    .action(async (r, o) => run(program, 'log', { room: r, limit: o.limit, all: o.all === true, showHidden: o.showHidden === true }))
  const collect = (value: string, previous: string[] = []): string[] => [...previous, value]
  program.command('up').description(h('help.22'))
    .option('--lan-only', h('help.23'))
    .option('--port <n>', h('help.24'), '0')
    .option('--peer <host:port>', h('help.25'), collect)
    .option('--announce-interval <ms>', h('help.26'), '2000')
    .option('--max-connections <n>', h('help.27'), '16')
    .addOption(new Option('--announce-only', h('help.28')))
    .addOption(new Option('--listen-only', h('help.29')))
    .option('--relay', h('help.relay.up'))
    .addOption(new Option('--bootstrap <host:port>', h('help.30')).argParser(collect).hideHelp())
    .action(async (o) => {
      const { up } = await import('./up.js')
      await up(await makeContext(program.opts<GlobalOptions>()), o)
    })
  program.command('tui', { isDefault: false }).description(h('help.31'))
    .option('--lan-only', h('help.23'))
    .option('--port <n>', h('help.24'), '0')
    .option('--peer <host:port>', h('help.32'), collect)
    .option('--announce-interval <ms>', h('help.26'), '2000')
    .action(async (o) => {
      const { networkOptions } = await import('./up.js')
      const { runTui } = await import('./tui/app.js')
      const g = program.opts<GlobalOptions>()
      const ctx = await makeContext(g)
      await runTui({ home: ctx.home, lang: g.lang, network: await networkOptions(o) })
    })
  program.command('whereami').description(h('help.whereami')).option('--qr', h('help.whereamiQr'))
    .action(async (o) => run(program, 'whereami', { qr: o.qr === true }))
  program.command('peers').description(h('help.33'))
    .action(async () => run(program, 'peers', {}))
  program.command('status').description(h('help.34'))
    .action(async () => run(program, 'status', {}))
  const peer = program.command('peer').description(h('help.35'))
  peer.command('add <address>').description(h('help.36'))
    .action(async (address) => run(program, 'peer.add', { address }))
  registerDocumentCommands(program, async (name, args) => await run(program, name, args), t)
  registerVerifyCommands(program, async (name, args) => await run(program, name, args), t)
  registerBundleCommands(program, async (name, args) => await run(program, name, args), t)
  registerDmCommands(program, async (name, args) => await run(program, name, args), t)
  registerShareAppCommand(program, async (name, args) => await run(program, name, args), t)
  registerModerationCommands(program, async (name, args) => await run(program, name, args), t)
  registerRelayCommands(program, room, async (name, args) => await run(program, name, args), t)
  registerDrillCommands(program, room, async (name, args) => await run(program, name, args), t)
  registerDoctorCommand(program, async (name, args) => await run(program, name, args), h)
  return program
}

export type { CliContext }
