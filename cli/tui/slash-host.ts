/**
 * What slash commands may see and do of the app: the narrow side of the model they run
 * against. The model implements it; tests use a fake. Nothing here imports the model, so
 * the slash tables and the model never import each other.
 */
import type { Args, Output } from '../../src/commands/types.js'
import { fail } from '../../src/errors/index.js'
import type { MessageKey, Translate } from '../../src/i18n/index.js'
import type { LatestDrill } from './drill-watch.js'

/** The room on screen, as slash commands name it. */
export interface HostRoom { id: string, name: string }

/** The app, as slash commands see it. */
export interface SlashHost {
  /** The UI's language code; every command is run with it as `lang`. */
  readonly lang: string
  /** Words in the UI's language. */
  readonly t: Translate
  /** The room on screen (the room of the private conversation shown, if one is), or null. */
  room: () => HostRoom | null
  /** Run a command of the shared table (src/commands) with `lang` added; its notes become notices unless `out` says otherwise. */
  run: (command: string, args: Args, out?: Partial<Output>) => Promise<unknown>
  /** Show a line from the app. */
  notice: (text: string) => void
  /** Show a progress line in place of the notices. */
  progress: (text: string) => void
  /** Put a room or conversation on screen, by its room-list id (shown from the next refresh). */
  select: (id: string) => void
  /** Read everything again from the node and redraw. */
  refresh: () => Promise<void>
  /** Switch the UI's language. */
  setLang: (lang: string) => Promise<void>
  /** Show a QR code over the panes until Esc. */
  showQr: (text: string) => void
  /** Leave the app. */
  quit: () => void
  /** Ring the bell for mentions in the room on screen (`on`), or not; undefined only reads it. Returns the setting. */
  mentionBell: (on?: boolean) => Promise<boolean>
  /** The latest drill of the room on screen, or null when it has none. */
  latestDrill: () => Promise<LatestDrill | null>
  /** A drill was started in the room on screen: show its panel at once. */
  drillStarted: () => void
  /** A private message was sent to `identity` in the room on screen: count it as read. */
  dmSent: (identity: string) => void
}

/** The room on screen; without one, a USAGE error saying how to get one. */
export function needRoom (host: SlashHost): HostRoom {
  const room = host.room()
  if (room === null) throw fail('USAGE', host.t('tui.needRoom'))
  return room
}

/** What was typed after the command word: the words, and the rest of the line as typed. */
export interface SlashLine { words: string[], rest: string }

/** A command's result: plain JSON, shaped by the command (src/commands). */
export type SlashResult = any

/** A slash command that runs a command of the shared table, as the CLI does. */
export interface CommandEntry {
  /** The word typed, e.g. `/create`; `/drill report` names a sub-command (its line still starts after `/drill`). */
  name: string
  /** The help message that documents it (`/help` shows each once, in table order). */
  help: MessageKey
  /** The command it runs; a function of the line when flags choose among sibling commands. */
  command: string | ((line: SlashLine) => string)
  /** The command's arguments, or a notice to show instead of running it (how to type it). */
  args: (line: SlashLine, host: SlashHost) => Args | string | Promise<Args | string>
  /** Where the command's notes and progress go, when not to notices. */
  output?: (host: SlashHost) => Partial<Output>
  /** Show the result. */
  show: (result: SlashResult, host: SlashHost, line: SlashLine) => void | Promise<void>
}

/** A slash command the app answers itself, with no shared command behind it (a UI setting, leaving). */
export interface LocalEntry {
  name: string
  help: MessageKey
  local: (line: SlashLine, host: SlashHost) => void | Promise<void>
}

/** One row of a slash table. */
export type SlashEntry = CommandEntry | LocalEntry
