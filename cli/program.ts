/**
 * The command-line interface: a thin commander layer over the library's command table.
 * Each action maps flags to plain args, runs the shared command (through the running
 * node when there is one) and prints the result. Nothing here exits the process.
 */
import { Command as Commander, Option } from 'commander'
import { formatJson, formatResult } from './format.js'
import { makeContext, type CliContext, type GlobalOptions } from './context.js'

/** Run a library command and print its result. */
async function run (program: Commander, name: string, args: Record<string, unknown>): Promise<void> {
  const ctx = await makeContext(program.opts<GlobalOptions>())
  const { runCommand } = await import('../src/node/index.js')
  const { result } = await runCommand(ctx.home, name, { ...args, lang: ctx.lang }, { info: ctx.note, warn: ctx.note })
  ctx.print(ctx.json ? formatJson(name, result) : formatResult(name, result, ctx))
}

/** Build the program. `onUp` lets tests or the TUI replace the foreground node. */
export function buildProgram (): Commander {
  const program = new Commander('tamtam')
    .description('Chat rooms and shared documents that keep working on a LAN when the Internet is cut.')
    .addOption(new Option('--home <dir>', 'home dir (default: $TAMTAM_HOME or ~/.tamtam)'))
    .addOption(new Option('--json', 'machine-readable output'))
    .addOption(new Option('--lang <lang>', 'language: fr or en (default: from LANG)'))
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
  program.configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })

  program.command('init').description('create your identity (a key pair and a nickname)')
    .requiredOption('--name <name>', 'your nickname').option('--force', 'replace an existing identity (the old one is lost)')
    .action(async (o) => run(program, 'init', { name: o.name, force: o.force === true }))
  program.command('whoami').description('show your nickname, fingerprint and check words')
    .action(async () => run(program, 'whoami', {}))
  program.command('nick <name>').description('change your nickname in every room')
    .action(async (name) => run(program, 'nick', { name }))

  const room = program.command('room').description('create, join, list, invite to and leave rooms')
  room.command('create <name>').description('create a room and print its invite').option('--qr', 'also print the invite as a QR code')
    .action(async (name, o) => run(program, 'room.create', { name, qr: o.qr === true }))
  room.command('join <invite>').description('join a room with an invite code').option('--name <alias>', 'local name for the room')
    .action(async (invite, o) => run(program, 'room.join', { invite, name: o.name }))
  room.command('list').description('list your rooms').action(async () => run(program, 'room.list', {}))
  room.command('invite <room>').description('print the invite code of a room').option('--qr', 'also print it as a QR code')
    .action(async (r, o) => run(program, 'room.invite', { room: r, qr: o.qr === true }))
  room.command('leave <room>').description('leave a room (its history stays on disk)')
    .action(async (r) => run(program, 'room.leave', { room: r }))

  program.command('send <room> <text...>').description('send a message (returns once it is stored)')
    .action(async (r, words: string[]) => run(program, 'send', { room: r, text: words.join(' ') }))
  program.command('log <room>').description('show the messages of a room, oldest first')
    .option('--limit <n>', 'how many of the latest to show', '50').option('--all', 'show the whole history')
    .action(async (r, o) => run(program, 'log', { room: r, limit: o.limit, all: o.all === true }))
  const collect = (value: string, previous: string[] = []): string[] => [...previous, value]
  program.command('up').description('run a node in the foreground: find peers on the LAN and sync rooms (Ctrl-C stops it cleanly)')
    .option('--lan-only', 'never use the Internet (no Hyperswarm, no DHT)')
    .option('--port <n>', 'TCP port to listen on (0 = any)', '0')
    .option('--peer <host:port>', 'also connect to this peer (repeatable), for networks that block multicast', collect)
    .option('--announce-interval <ms>', 'how often to announce on the LAN', '2000')
    .option('--max-connections <n>', 'cap on connections', '16')
    .addOption(new Option('--announce-only', 'announce on the LAN but never connect (diagnostics)'))
    .addOption(new Option('--listen-only', 'listen for peers but never announce (diagnostics)'))
    .addOption(new Option('--bootstrap <host:port>', 'Hyperswarm bootstrap node, e.g. a local testnet (repeatable)').argParser(collect).hideHelp())
    .action(async (o) => {
      const { up } = await import('./up.js')
      await up(await makeContext(program.opts<GlobalOptions>()), o)
    })
  program.command('tui', { isDefault: false }).description('open the terminal app (also what `tamtam` alone does)')
    .option('--lan-only', 'never use the Internet (no Hyperswarm, no DHT)')
    .option('--port <n>', 'TCP port to listen on (0 = any)', '0')
    .option('--peer <host:port>', 'also connect to this peer (repeatable)', collect)
    .option('--announce-interval <ms>', 'how often to announce on the LAN', '2000')
    .action(async (o) => {
      const { networkOptions } = await import('./up.js')
      const { runTui } = await import('./tui/app.js')
      const g = program.opts<GlobalOptions>()
      const ctx = await makeContext(g)
      await runTui({ home: ctx.home, lang: g.lang, network: await networkOptions(o) })
    })
  program.command('peers').description('list connected peers: address, how found, rooms in common, bytes in and out')
    .action(async () => run(program, 'peers', {}))
  program.command('status').description('show the running node\'s network status')
    .action(async () => run(program, 'status', {}))
  const peer = program.command('peer').description('manage manual peers')
  peer.command('add <address>').description('remember a peer (HOST:PORT) and connect to it when a node runs')
    .action(async (address) => run(program, 'peer.add', { address }))
  return program
}

export type { CliContext }
