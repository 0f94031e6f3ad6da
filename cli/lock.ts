/**
 * `lock status|set|change|remove`, `init --passphrase` and `panic`. Passphrases are read
 * here (terminal or TAMTAM_PASSPHRASE_FD), then the shared command runs, in the running
 * node when there is one.
 */
import type { MessageKey, Translate } from '../src/i18n/index.js'
import { byName, subcommand, type Feature, type Registrar } from './feature.js'

type Result = Record<string, any>

/** Loaded on first use: building the program loads no part of the library. */
const ask = async (home: string, purpose: 'unlock' | 'new' | 'duress'): Promise<string> => await (await import('./passphrase.js')).ask(home, purpose)

function register ({ program, run, t, context }: Registrar): void {
  const h = (key: string): string => t(key as MessageKey)
  const home = async (): Promise<string> => (await context()).home
  const lock = program.command('lock').description(h('help.lock')).addHelpText('after', h('help.lockAfter'))
    .action(async () => await run('lock.status', {}))
  lock.command('status').description(h('help.lockStatus')).action(async () => await run('lock.status', {}))
  lock.command('set').description(h('help.lockSet')).option('--duress', h('help.lockDuress'))
    .action(async (o) => {
      const dir = await home()
      const passphrase = await ask(dir, 'new')
      await run('lock.set', { passphrase, ...(o.duress === true ? { duress: await ask(dir, 'duress') } : {}) })
    })
  lock.command('change').description(h('help.lockChange')).option('--duress', h('help.lockDuress'))
    .action(async (o) => {
      const dir = await home()
      const current = await ask(dir, 'unlock')
      const passphrase = await ask(dir, 'new')
      await run('lock.change', { current, passphrase, ...(o.duress === true ? { duress: await ask(dir, 'duress') } : {}) })
    })
  lock.command('remove').description(h('help.lockRemove'))
    .action(async () => await run('lock.remove', { current: await ask(await home(), 'unlock') }))
  program.command('panic').description(h('help.panic')).option('--all', h('help.panicAll'))
    .action(async (o) => {
      // Not through `run`: that loads the library first, and a panic must not wait for it.
      const ctx = await context()
      const { panicHome } = await import('../src/commands/lock.js')
      const result = await panicHome(ctx.home, o.all === true)
      const { formatJson } = await import('./format.js')
      ctx.print(ctx.json ? formatJson('panic', result) : format('panic', result, ctx.t) ?? '')
    })
  // `init --passphrase [--duress]`: registered by the core feature, extended here.
  const init = subcommand(program, 'init')
  init.option('--passphrase', h('help.initPassphrase')).option('--duress', h('help.lockDuress'))
  init.action(async (o) => {
    const dir = await home()
    const secrets = o.passphrase === true ? { passphrase: await ask(dir, 'new'), ...(o.duress === true ? { duress: await ask(dir, 'duress') } : {}) } : {}
    await run('init', { name: o.name, force: o.force === true, ...secrets })
  })
}

function format (command: string, result: unknown, t: Translate): string | null {
  const r = result as Result
  if (command === 'lock.status') return r.locked === true ? t('lock.status.on', { N: String(r.kdf.N), r: String(r.kdf.r), p: String(r.kdf.p) }) : t('lock.status.off')
  if (command === 'lock.set' || command === 'lock.change') return [command === 'lock.set' ? t('lock.set') : t('lock.changed'), r.duress === true ? t('lock.duress') : command === 'lock.change' ? t('lock.noDuress') : ''].filter((l) => l !== '').join('\n')
  if (command === 'lock.remove') return t('lock.removed')
  if (command === 'panic') {
    const lines = [t('panic.done', { ms: String(r.ms), files: (r.shredded as string[]).join(', ') || '-' })]
    if ((r.removed as string[]).length > 0) lines.push(t('panic.all', { removed: (r.removed as string[]).join(', ') }))
    if (r.node === 'stopped') lines.push(t('panic.node'))
    if (r.node === 'no answer') lines.push(t('panic.nodeSilent'))
    return lines.join('\n')
  }
  return null
}

/** The lock feature. Registered after the core feature (it extends `init`). */
export const lockFeature: Feature = {
  register,
  format: byName(['lock.status', 'lock.set', 'lock.change', 'lock.remove', 'panic'], format)
}
