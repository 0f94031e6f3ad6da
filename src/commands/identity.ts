/** Identity commands: init and whoami. */
import { summarise } from '../identity/index.js'
import type { Command } from './types.js'
import { lang, str } from './args.js'

/**
 * `init --name NAME [--force] [--passphrase [--duress]]`. With a passphrase, the lock is set
 * before the identity is written, so the identity never touches the disk in clear.
 */
export const init: Command = {
  name: 'init',
  summary: 'create your identity',
  run: async ({ tt }, args) => {
    const name = str(args, 'name')
    if (args.passphrase !== undefined) {
      const { setLock } = await import('../vault/index.js')
      await tt.open()
      await setLock(tt.home, String(args.passphrase), args.duress === undefined ? undefined : String(args.duress), name)
    }
    return summarise(await tt.init(name, { force: args.force === true }), lang(args))
  }
}

/** `whoami` */
export const whoami: Command = {
  name: 'whoami',
  summary: 'show your name and fingerprint',
  run: async ({ tt }, args) => summarise(await tt.identity(), lang(args))
}

/** `nick NAME` */
export const nick: Command = {
  name: 'nick',
  summary: 'change your nickname in every room',
  run: async ({ tt }, args) => {
    await tt.open()
    await tt.setNick(str(args, 'name'))
    return summarise(await tt.identity(), lang(args))
  }
}
