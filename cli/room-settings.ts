/** `room set ROOM --expire 24h|off` (issue 21): its help and output. */
import type { Command } from 'commander'
import type { MessageKey, Translate } from '../src/i18n/index.js'
import { byName, subcommand, type Feature, type Run } from './feature.js'

/** Add `room set` under `room` (registered by the core feature). */
export function registerRoomSettings (program: Command, run: Run, t: Translate): void {
  const h = (key: string): string => t(key as MessageKey)
  subcommand(program, 'room').command('set <room>').description(h('help.roomSet'))
    .option('--expire <lifetime>', h('help.roomSetExpire'))
    .addHelpText('after', h('help.roomSetAfter'))
    .action(async (room: string, o: { expire?: string }) => await run('room.set', { room, expire: o.expire }))
}

/** Human output of `room set`. */
export function formatRoomSet (_command: string, result: unknown, t: Translate): string {
  const r = result as { room: string, changed: boolean, expire: number, expireText: string }
  const room = String(r.room)
  if (r.changed) return r.expire === 0 ? t('expiry.off', { room }) : t('expiry.set', { room, after: r.expireText })
  return r.expire === 0 ? t('expiry.showOff', { room }) : t('expiry.show', { room, after: r.expireText })
}

/** The room-settings feature: `room set`. */
export const roomSettingsFeature: Feature = {
  register: ({ program, run, t }) => registerRoomSettings(program, run, t),
  format: byName(['room.set'], formatRoomSet)
}
