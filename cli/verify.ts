/**
 * `tamtam verify ROOM MEMBER [--yes | --undo]` and `tamtam verify ROOM --list`. The
 * library command never asks anything (src/commands/verify.ts); here, when a person sits
 * at a terminal, the words are shown and then a y/N question confirms them.
 */
import { createInterface } from 'node:readline/promises'
import type { Command } from 'commander'
import type { MessageKey, Translate } from '../src/i18n/index.js'
import { sanitizeName } from '../src/text/sanitize.js'
import { byName, type Feature, type Run } from './feature.js'

type Result = Record<string, any>

/** Add `verify` to the program. */
export function registerVerifyCommands (program: Command, run: Run, t: Translate): void {
  const h = (key: string): string => t(key as MessageKey)
  program.command('verify <room> [member]').description(h('help.verify.0'))
    .option('--yes', h('help.verify.1'))
    .option('--undo', h('help.verify.2'))
    .option('--list', h('help.verify.3'))
    .addHelpText('after', h('help.verify.4'))
    .action(async (room: string, member: string | undefined, o: Result) => {
      if (o.list === true) return await run('verify.list', { room })
      if (o.undo === true) return await run('verify.undo', { room, member })
      await run('verify', { room, member, yes: o.yes === true })
      if (o.yes === true || program.opts().json === true || !interactive()) return
      if (await ask(t('verify.prompt'))) await run('verify', { room, member, yes: true })
      else process.stdout.write(t('verify.notConfirmed') + '\n')
    })
}

function interactive (): boolean {
  return process.stdin.isTTY === true && process.stdout.isTTY === true
}

/** Ask a yes/no question; anything but y/yes/o/oui is no. */
async function ask (question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  try {
    return /^(y|yes|o|oui)$/i.test((await rl.question(question)).trim())
  } finally {
    rl.close()
  }
}

/** A word for a shell command line, quoted when it needs to be. */
function shellWord (word: string): string {
  return /^[\p{L}\p{N}_.,:@%+=/-]+$/u.test(word) ? word : `'${word.replace(/'/g, '\'\\\'\'')}'`
}

/** Human output of the verify commands; null for other commands. `tui` words the hints for the app. */
export function formatVerify (command: string, result: unknown, t: Translate, opts: { tui?: boolean } = {}): string | null {
  const r = result as Result
  const member = sanitizeName(String(r?.member ?? '')) || t('verify.gone')
  const room = sanitizeName(String(r?.room ?? ''))
  switch (command) {
    case 'verify': {
      const lines = r.keyChanged === true && r.marked !== true ? [t('verify.keyChanged', { member })] : []
      lines.push(t('verify.show', { member, fingerprint: String(r.fingerprint), words: (r.words as string[]).join(' ') }))
      const short = String(r.fingerprint).slice(0, 9)
      if (r.marked === true) lines.push(t('verify.marked', { member, room }))
      else if (r.verified === true) lines.push(t('verify.already', { member, room }))
      else if (opts.tui === true) lines.push(t('verify.tuiHowTo', { member, command: `/verify ${member.replace(/ /g, '_')}#${short} --yes` }))
      else lines.push(t('verify.howTo', { member, command: `tamtam verify ${shellWord(room)} ${short} --yes` }))
      return lines.join('\n')
    }
    case 'verify.undo':
      return t(r.unmarked === true ? 'verify.unmarked' : 'verify.notVerified', { member, room })
    case 'verify.list': {
      const list = r.verified as Result[]
      if (list.length === 0) return t(opts.tui === true ? 'verify.tuiNone' : 'verify.none', { room: shellWord(room) })
      return list.map((x) => t('verify.line', { member: sanitizeName(String(x.member ?? '')) || t('verify.gone'), fingerprint: String(x.fingerprint) })).join('\n')
    }
    default:
      return null
  }
}

/** The verify feature: `verify` (with --undo and --list). */
export const verifyFeature: Feature = {
  register: ({ program, run, t }) => registerVerifyCommands(program, run, t),
  format: byName(['verify', 'verify.undo', 'verify.list'], (command, result, t) => formatVerify(command, result, t))
}
