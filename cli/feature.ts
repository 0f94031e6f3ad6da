/**
 * A feature of the command line, organised by command: how it adds its commands to the
 * program, the human text of each command's result, and each command's progress printer.
 * cli/program.ts collects every feature into one table by command name.
 */
import type { Command } from 'commander'
import type { Translate } from '../src/i18n/index.js'
import type { CliContext } from './context.js'
import type { Formatter } from './render/line.js'

export type { Formatter }

/** Run the library command `name` with plain args and print its result. */
export type Run = (name: string, args: Record<string, unknown>) => Promise<void>

/** What a feature's registration gets. */
export interface Registrar {
  program: Command
  run: Run
  t: Translate
  /** The context of this run, for entries that run in the foreground (`up`, `share-app`). */
  context: () => Promise<CliContext>
}

/** The human text of one command's result. */
export type FormatResult = (result: unknown, f: Formatter) => string

/** Makes the progress printer of one run: JSON lines with --json, else lines for people. */
export type ProgressFactory = (json: boolean, t: Translate) => (event: Record<string, unknown>) => void

/** One feature of the CLI. */
export interface Feature {
  register: (r: Registrar) => void
  /** Human text by command name; a command missing here is printed as JSON. */
  format: Record<string, FormatResult>
  /** Progress printer by command name; commands missing here show no progress. */
  progress?: Record<string, ProgressFactory>
}

/**
 * A format table for `names` from a formatter that takes the command name (null: not ours).
 * The whole Formatter comes last, for output that follows the language (dates, decimals).
 */
export function byName (names: string[], format: (command: string, result: unknown, t: Translate, f: Formatter) => string | null): Record<string, FormatResult> {
  return Object.fromEntries(names.map((name) => [name, (result: unknown, f: Formatter) => format(name, result, f.t, f) ?? JSON.stringify(result, null, 2)]))
}

/** The subcommand `name` of `program` (registered by another feature, e.g. `room`). */
export function subcommand (program: Command, name: string): Command {
  const found = program.commands.find((c) => c.name() === name)
  if (found === undefined) throw new Error(`no ${name} command registered yet`)
  return found
}
