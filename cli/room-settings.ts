/** The output of `room set ROOM --expire 24h|off` (issue 21); the option itself is on `room set` (cli/drills.ts). */
import type { Translate } from '../src/i18n/index.js'
import { byName, type Feature } from './feature.js'

/** Human output of `room.expire`. */
export function formatRoomExpire (_command: string, result: unknown, t: Translate): string {
  const r = result as { room: string, changed: boolean, expire: number, expireText: string }
  const room = String(r.room)
  if (r.changed) return r.expire === 0 ? t('expiry.off', { room }) : t('expiry.set', { room, after: r.expireText })
  return r.expire === 0 ? t('expiry.showOff', { room }) : t('expiry.show', { room, after: r.expireText })
}

/** The room-settings feature: the output of `room.expire`. */
export const roomSettingsFeature: Feature = {
  register: () => {},
  format: byName(['room.expire'], formatRoomExpire)
}
