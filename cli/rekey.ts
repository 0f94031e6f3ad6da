/** Key rotation in the CLI: `room rekey ROOM`, `--rekey` on `mod ROOM remove MEMBER`, and their output (issue 22). */
import type { Command } from 'commander'
import type { MessageKey, Translate } from '../src/i18n/index.js'
import { byName, subcommand, type Feature, type Run } from './feature.js'

export interface Rekeyed { room: string, epoch: number, recipients: number, records: number, superseded: boolean }

/** Add `room rekey` to the program. */
export function registerRekeyCommands (room: Command, run: Run, t: Translate): void {
  const h = (key: string): string => t(key as MessageKey)
  room.command('rekey <room>').description(h('help.roomRekey')).addHelpText('after', h('help.roomRekeyAfter'))
    .action(async (name: string) => await run('room.rekey', { room: name }))
}

/** The lines a rotation prints: what happened, then what to hand out again. */
export function formatRekey (r: Rekeyed, t: Translate): string {
  const vars = { room: r.room, epoch: String(r.epoch), recipients: String(r.recipients), records: String(r.records) }
  return [t(r.superseded ? 'rekey.superseded' : 'rekey.done', vars), t('rekey.relays', vars)].join('\n')
}

/** The rekey feature: `room rekey` (`mod … remove --rekey` prints through cli/moderation.ts). */
export const rekeyFeature: Feature = {
  register: ({ program, run, t }) => registerRekeyCommands(subcommand(program, 'room'), run, t),
  format: byName(['room.rekey'], (_command, result, t) => formatRekey(result as Rekeyed, t))
}
