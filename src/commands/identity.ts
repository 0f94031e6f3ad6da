/** Identity commands: init and whoami. */
import { summarise } from '../identity/index.js'
import type { Command } from './types.js'
import { lang, str } from './args.js'

/** `init --name NAME [--force]` */
export const init: Command = {
  name: 'init',
  summary: 'create your identity',
  run: async ({ tt }, args) => summarise(await tt.init(str(args, 'name'), { force: args.force === true }), lang(args))
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
