/**
 * The command-line interface: a thin commander layer over the library's command table.
 * Each feature file (core, documents, verify, ...) adds its commands and says how to print
 * their results and progress; an action maps flags to plain args, runs the shared command
 * (through the running node when there is one) and prints the result. Building the
 * program loads no part of the library but the catalogue: a one-shot command loads the
 * runner, and the command table only when no node answers. Nothing here exits the process.
 */
import { Command as Commander, Help, Option } from 'commander'
import { translator, type MessageKey, type Translate } from '../src/i18n/index.js'
import { bundlesFeature } from './bundles.js'
import { makeContext, type CliContext, type GlobalOptions } from './context.js'
import { coreFeature } from './core.js'
import { dmFeature } from './dm.js'
import { doctorFeature } from './doctor.js'
import { documentsFeature } from './documents.js'
import { drillsFeature } from './drills.js'
import type { Feature, FormatResult, ProgressFactory, Registrar } from './feature.js'
import { formatJson } from './format.js'
import { Lifetime } from './lifetime.js'
import { lockFeature } from './lock.js'
import { moderationFeature } from './moderation.js'
import { relayFeature } from './relay.js'
import { roomSettingsFeature } from './room-settings.js'
import { rekeyFeature } from './rekey.js'
import { shareAppFeature } from './share-app.js'
import { verifyFeature } from './verify.js'
import { webFeature } from './web.js'

/** Every feature, in the order of the help. */
const FEATURES: Feature[] = [coreFeature, documentsFeature, verifyFeature, bundlesFeature, dmFeature, shareAppFeature, moderationFeature, roomSettingsFeature, rekeyFeature, relayFeature, drillsFeature, doctorFeature, webFeature, lockFeature]

/** Human text of each command's result, by command name. */
const FORMAT = new Map<string, FormatResult>(FEATURES.flatMap((f) => Object.entries(f.format)))
/** Progress printer of each command that reports progress, by command name. */
const PROGRESS = new Map<string, ProgressFactory>(FEATURES.flatMap((f) => Object.entries(f.progress ?? {})))

/** Run a library command and print its result. */
async function run (ctx: CliContext, name: string, args: Record<string, unknown>): Promise<void> {
  const { runCommand } = await import('../src/node/run-command.js')
  const progress = PROGRESS.get(name)?.(ctx.json, ctx.t)
  const { result } = await runCommand(ctx.home, name, { ...args, lang: ctx.lang }, { info: ctx.note, warn: ctx.note, progress, signal: ctx.signal })
  const format = FORMAT.get(name)
  ctx.print(ctx.json ? formatJson(name, result) : format === undefined ? JSON.stringify(result, null, 2) : format(result, ctx))
}

/** Commander with tamtam's global options and help in the user's language. */
function base (t: Translate): Commander {
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
  return program
}

/**
 * Build the program. `lifetime` owns the run's signals (cli/main.ts passes the process's);
 * by default, as in tests, it watches none.
 */
export function buildProgram (t: Translate = translator('en'), lifetime: Lifetime = new Lifetime(null)): Commander {
  const program = base(t)
  const context = async (): Promise<CliContext> => await makeContext(program.opts<GlobalOptions>(), lifetime.signal)
  const registrar: Registrar = { program, t, context, run: async (name, args) => await run(await context(), name, args) }
  for (const feature of FEATURES) feature.register(registrar)
  return program
}

export type { CliContext }
