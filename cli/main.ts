/**
 * Entry point of the tamtam command. The only place that exits the process:
 * 0 on success, 1 on an operational error (code and hint on stderr), 2 on misuse, and
 * 128 + the signal's number when SIGINT or SIGTERM cut a one-shot command short (a node,
 * the app or a server stopped by a signal has done its job: 0).
 */
import { CommanderError } from 'commander'
import { buildProgram } from './program.js'
import { Lifetime, signalExitCode } from './lifetime.js'
import { TamtamError } from '../src/errors/index.js'
import { loadLang, pickLang, translator, type MessageKey, type Translate } from '../src/i18n/index.js'

/** The error line in the user's language: the hint of the code, and the English detail if any. */
function errorLine (err: TamtamError, t: Translate, lang: string): string {
  if (lang === 'en') return t('cli.error', { code: err.code, message: err.message })
  const key = `error.${err.code}` as MessageKey
  const hint = t(key)
  const message = hint === key ? err.message : err.detail === undefined ? hint : `${hint} (${err.detail})`
  return t('cli.error', { code: err.code, message })
}

/** Exit code for an error thrown anywhere below, after saying what went wrong on stderr. */
function report (err: unknown, json: boolean, t: Translate, lang: string, lifetime: Lifetime): number {
  const stoppedBy = lifetime.stoppedBy
  if (stoppedBy !== null) {
    // Cut short by a signal: say why it failed when that is not just the stop, then exit
    // as a process killed by that signal would.
    if (err !== lifetime.signal.reason) describe(err, json, t, lang)
    process.stderr.write(`tamtam: stopped (${stoppedBy})\n`)
    return signalExitCode(stoppedBy)
  }
  if (err instanceof CommanderError) {
    // Help and version are not errors; commander has already printed them.
    return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2
  }
  describe(err, json, t, lang)
  return err instanceof TamtamError ? (err.code === 'USAGE' ? 2 : 1) : 1
}

/** The error on stderr: code and hint (JSON with --json), or the stack of an internal error. */
function describe (err: unknown, json: boolean, t: Translate, lang: string): void {
  if (err instanceof CommanderError) return
  if (err instanceof TamtamError) process.stderr.write(json ? JSON.stringify({ error: err.toJSON() }) + '\n' : errorLine(err, t, lang) + '\n')
  else process.stderr.write(`tamtam: internal error: ${(err as Error)?.stack ?? String(err)}\n`)
}

/** True when argv names a command (global options and their values aside). */
function hasCommand (argv: string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    // The app's network options take a value too: `tamtam --lan-only --port 7000` is the app.
    if (['--home', '--lang', '--port', '--peer', '--announce-interval'].includes(argv[i])) i++
    else if (!argv[i].startsWith('-')) return true
  }
  return false
}

async function main (argv: string[], lifetime: Lifetime): Promise<number> {
  // Everything tamtam creates (the store's files, downloads, sockets) is for this account
  // only: Corestore and RocksDB create their files with the process umask.
  process.umask(0o077)
  const langAt = argv.indexOf('--lang')
  const lang = await loadLang(pickLang(langAt >= 0 ? argv[langAt + 1] : undefined, process.env))
  const program = buildProgram(translator(lang), lifetime)
  try {
    // A locked home asks its passphrase on the terminal (scripts use TAMTAM_PASSPHRASE_FD).
    if (process.stdin.isTTY === true && (process.env.TAMTAM_PASSPHRASE_FD ?? '') === '') (await import('./passphrase.js')).installPassphrasePrompt(translator(lang))
    // No command: the terminal app when there is a terminal, else the help.
    if (!hasCommand(argv) && !argv.includes('--help') && !argv.includes('-h')) {
      if (process.stdin.isTTY !== true || process.stdout.isTTY !== true) {
        program.outputHelp()
        return 0
      }
      argv = ['tui', ...argv]
    }
    await program.parseAsync(argv, { from: 'user' })
    return 0
  } catch (err) {
    return report(err, argv.includes('--json'), translator(lang), lang, lifetime)
  }
}

// `tamtam log … | head` closes the pipe early: that is not an error, just stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(0) })
}

// One owner of the process's lifetime: SIGINT and SIGTERM stop the run through one signal
// that every long-running entry awaits; it then closes, and only this file exits.
const lifetime = new Lifetime().watch('SIGINT', 'SIGTERM')

main(process.argv.slice(2), lifetime).then((code) => {
  process.exitCode = code
  // Hypercore keeps timers alive, so leave explicitly once the command is done, but only
  // after stdout and stderr have drained: on a pipe, writes are asynchronous and exiting
  // at once cut `tamtam log --all | cat` at 64 KiB.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)))
}, (err) => {
  process.stderr.write(`tamtam: ${String(err)}\n`)
  process.exit(1)
})
