/** The moderation command of the CLI: `mod ROOM ACTION [TARGET]`, its help and output. */
import type { Command } from 'commander'
import type { MessageKey, Translate } from '../src/i18n/index.js'
import { byName, type Feature, type Run } from './feature.js'
import { formatRekey, type Rekeyed } from './rekey.js'

type Result = Record<string, any>

/** Add `mod` to the program. */
export function registerModerationCommands (program: Command, run: Run, t: Translate): void {
  const h = (key: string): string => t(key as MessageKey)
  program.command('mod <room> <action> [target]').description(h('help.mod.0'))
    .addHelpText('after', h('help.mod.1'))
    .option('--rekey', h('help.modRekey'))
    .action(async (room: string, action: string, target: string | undefined, o: { rekey?: boolean }) => await run('mod', { room, action, target, ...(o.rekey === true ? { rekey: true } : {}) }))
}

/** Human output of `mod`; null for other commands. */
export function formatModeration (command: string, result: unknown, t: Translate): string | null {
  if (command !== 'mod') return null
  const r = result as Result
  const done = t('mod.done', { room: String(r.room), action: String(r.action), target: String(r.shown) })
  if (r.rekey !== undefined) return `${done}\n${formatRekey(r.rekey as Rekeyed, t)}`
  if (r.moderators === undefined) return done
  const who = (x: Result): string => `${String(x.name)} (${String(x.fingerprint).slice(0, 9)})`
  return [
    t('mod.creator', { who: r.creator === null ? t('mod.noCreator') : who(r.creator) }),
    t('mod.moderators', { list: (r.moderators as Result[]).map(who).join(', ') || '-' }),
    t('mod.hidden', { list: (r.hidden as string[]).join(', ') || '-' }),
    t('mod.removed', { list: (r.removed as Result[]).map(who).join(', ') || '-' }),
    t('mod.counts', { applied: String(r.applied), ignored: String(r.ignored) })
  ].join('\n')
}

/** The moderation feature: `mod`. */
export const moderationFeature: Feature = {
  register: ({ program, run, t }) => registerModerationCommands(program, run, t),
  format: byName(['mod'], formatModeration)
}
