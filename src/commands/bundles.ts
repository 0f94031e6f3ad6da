/**
 * Bundle commands: `export ROOM FILE [--since PREVIOUS]` and `import FILE`, to carry a room
 * across networks that never meet. They run in the node when one is up (it owns the store);
 * paths must be absolute, since the node has another current folder.
 */
import path from 'node:path'
import { fail } from '../errors/index.js'
import type { ProgressListener } from '../bundles/index.js'
import type { Args, Command, Output } from './types.js'
import { optStr, str } from './args.js'
import { roomArg } from './room.js'

/** An absolute path argument (the CLI resolves relative ones), required unless `optional`. */
function absolute (args: Args, key: string, optional: true): string | undefined
function absolute (args: Args, key: string): string
function absolute (args: Args, key: string, optional = false): string | undefined {
  const value = optional ? optStr(args, key) : str(args, key)
  if (value === undefined) return undefined
  if (!path.isAbsolute(value)) throw fail('USAGE', `${key} must be an absolute path`)
  return value
}

/** Forward bundle progress and warnings to the command's output. */
/** The bundle code, loaded on first use: the app and the node start without it. */
const bundles = async (): Promise<typeof import('../bundles/index.js')> => await import('../bundles/index.js')

function reporting (out: Output): { onProgress: ProgressListener, onWarning: (message: string) => void } {
  return { onProgress: (event) => out.progress?.({ ...event }), onWarning: (message) => out.warn(message) }
}

/** `export ROOM FILE [--since PREVIOUS_BUNDLE]` */
export const bundleExport: Command = {
  name: 'export',
  summary: 'write a room\'s logs to an encrypted bundle file, to carry by hand',
  run: async ({ tt }, args, out) => {
    const room = await roomArg(tt, args)
    const { exportBundle } = await bundles()
    return await exportBundle(tt, room, absolute(args, 'file'), { since: absolute(args, 'since', true), ...reporting(out) })
  }
}

/** `import FILE` */
export const bundleImport: Command = {
  name: 'import',
  summary: 'verify a bundle file and add its new blocks to the room it is for',
  run: async ({ tt }, args, out) => await (await bundles()).importBundle(tt, absolute(args, 'file'), reporting(out))
}

/** Every bundle command, for the command table. */
export const BUNDLE_COMMANDS: Command[] = [bundleExport, bundleImport]
