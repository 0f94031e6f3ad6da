/**
 * The relay commands of the CLI: `room relay-code`, `relay add|list|remove`. The library
 * does the work (src/commands/relay.ts); `up --relay` is in program.ts with `up`.
 */
import type { Command } from 'commander'
import type { MessageKey, Translate } from '../src/i18n/index.js'
import { byName, subcommand, type Feature, type Run } from './feature.js'

type Result = Record<string, any>

/** Add `room relay-code` and the `relay` group. */
export function registerRelayCommands (program: Command, room: Command, run: Run, t: Translate): void {
  const h = (key: string): string => t(key as MessageKey)
  room.command('relay-code <room>').description(h('help.relay.0')).option('--qr', h('help.relay.1'))
    .addHelpText('after', h('help.relay.2'))
    .action(async (r: string, o: Result) => await run('room.relay-code', { room: r, qr: o.qr === true }))
  const relay = program.command('relay').description(h('help.relay.3'))
  relay.command('add <code>').description(h('help.relay.4'))
    .action(async (code: string) => await run('relay.add', { code }))
  relay.command('list').description(h('help.relay.5'))
    .action(async () => await run('relay.list', {}))
  relay.command('remove <room>').description(h('help.relay.6'))
    .action(async (r: string) => await run('relay.remove', { room: r }))
}

/** Human output of the relay commands; null for other commands. */
export function formatRelay (command: string, result: unknown, t: Translate): string | null {
  const r = result as Result
  switch (command) {
    case 'room.relay-code':
      return [t('relay.code', { room: String(r.room), code: String(r.code) }), typeof r.qr === 'string' ? r.qr : ''].filter(Boolean).join('\n')
    case 'relay.add':
      return t('relay.added', { room: String(r.room), id: String(r.id).slice(0, 8) })
    case 'relay.list':
      return (r as Result[]).length === 0 ? t('relay.none') : (r as Result[]).map((x) => t('relay.line', { room: String(x.room), id: String(x.id).slice(0, 8), members: String(x.members), blocks: String(x.blocks) })).join('\n')
    case 'relay.remove':
      return t('relay.removed', { room: String(r.room) })
    default:
      return null
  }
}

/** The relay feature: `room relay-code` and `relay add|list|remove`. */
export const relayFeature: Feature = {
  register: ({ program, run, t }) => registerRelayCommands(program, subcommand(program, 'room'), run, t),
  format: byName(['room.relay-code', 'relay.add', 'relay.list', 'relay.remove'], formatRelay)
}
