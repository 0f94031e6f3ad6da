/**
 * `tamtam web ROOM [--qr]`: the links phones open to join a room (the library does the
 * work in src/commands/web.ts; `up --web` starts the server, in cli/up.ts).
 */
import type { MessageKey, Translate } from '../src/i18n/index.js'
import { byName, type Feature } from './feature.js'

type Result = Record<string, any>

/** Human output of `web`: one link per address, the QR code of the first under them. */
export function formatWeb (_command: string, result: unknown, t: Translate): string {
  const r = result as Result
  const links = (r.links as string[]).map((link) => `  ${link}`)
  return [t('web.links', { room: String(r.room) }), ...links, typeof r.qr === 'string' ? r.qr : ''].filter(Boolean).join('\n')
}

/** The web feature: `web ROOM [--qr]`. */
export const webFeature: Feature = {
  register: ({ program, run, t }) => {
    const h = (key: string): string => t(key as MessageKey)
    program.command('web <room>').description(h('help.webLink')).option('--qr', h('help.webLinkQr'))
      .addHelpText('after', h('help.webLinkAfter'))
      .action(async (room: string, o: Result) => await run('web', { room, qr: o.qr === true }))
  },
  format: byName(['web'], formatWeb)
}
