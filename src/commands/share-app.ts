/**
 * `share-app --out DIR`: write tamtam itself (tarball, page, SHA256SUMS, text guides) to a
 * folder, for a USB stick. It needs no identity and no room. Serving on the LAN
 * (`share-app` without --out) runs until Ctrl-C, so it is not a one-shot command: the CLI
 * runs it in the foreground with `serveApp` from src/share-app.
 */
import path from 'node:path'
import { fail } from '../errors/index.js'
import type { Command } from './types.js'
import { optStr } from './args.js'

/** `share-app --out DIR` */
export const shareApp: Command = {
  name: 'share-app',
  summary: 'write tamtam itself to a folder (e.g. a USB stick), to install with no Internet',
  run: async (_ctx, args, out) => {
    const dir = optStr(args, 'out')
    if (dir === undefined) throw fail('USAGE', 'share-app serves in the foreground: run `tamtam share-app` in a terminal, or give --out DIR')
    if (!path.isAbsolute(dir)) throw fail('USAGE', 'out must be an absolute path')
    // Loaded on demand: tar and the packing code are of no use to any other command.
    const { writeAppFolder } = await import('../share-app/index.js')
    return await writeAppFolder({ dir, lang: args.lang === 'en' ? 'en' : 'fr', onProgress: out.progress })
  }
}

/** The share-app commands, for the command table. */
export const SHARE_APP_COMMANDS: Command[] = [shareApp]
