/**
 * The shape every command shares. A command is a function (context, args, out) => result:
 * args and result are plain JSON so the same command runs in this process, in a running
 * node behind the control socket, or from the TUI. Commands never print or exit.
 */
import type { NodeContext } from '../node/context.js'

/** Where a command reports progress and notes; the CLI prints them, the TUI shows them. */
export interface Output {
  info: (message: string) => void
  warn: (message: string) => void
  /** Progress of a long command (e.g. `get`), as plain JSON events; optional, may be dropped. */
  progress?: (event: Record<string, unknown>) => void
  /** Aborted when the caller's process is asked to stop (Ctrl-C, SIGTERM); long commands stop early. */
  signal?: AbortSignal
}

/** Plain JSON arguments. */
export type Args = Record<string, unknown>

/** A command: a name, one line of help and the function. */
export interface Command {
  name: string
  summary: string
  run: (ctx: NodeContext, args: Args, out: Output) => Promise<unknown>
}

/** An Output that drops everything, for callers that do not care. */
export const SILENT: Output = { info: () => {}, warn: () => {} }
