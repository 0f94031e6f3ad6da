/**
 * Document commands: share, docs, get, docs sync, docs limits. They run in the node when
 * one is up (it owns the store and the network). Run locally, `get` and `docs sync` make the
 * one-shot node go online for their duration, since nothing else would fetch the bytes.
 */
import path from 'node:path'
import { fail } from '../errors/index.js'
import { parseSize, DEFAULT_STALL_MS, type DocumentLimits } from '../documents/limits.js'
import type { NodeContext } from '../node/context.js'
import type { Tamtam } from '../tamtam.js'
import type { Args, Command } from './types.js'
import { optInt, optStr, str } from './args.js'
import { roomArg } from './room.js'

/** An absolute path argument: the CLI resolves relative paths, since the node has another cwd. */
function absolute (args: Args, key: string, required: true): string
function absolute (args: Args, key: string, required?: false): string | undefined
function absolute (args: Args, key: string, required = false): string | undefined {
  const value = required ? str(args, key) : optStr(args, key)
  if (value === undefined) return undefined
  if (!path.isAbsolute(value)) throw fail('USAGE', `${key} must be an absolute path`)
  return value
}

/** The stall timeout in ms, from `stallTimeout` in seconds (default 30). */
function stallMs (args: Args): number {
  const seconds = optInt(args, 'stallTimeout')
  return seconds === undefined ? DEFAULT_STALL_MS : Math.max(1, seconds) * 1000
}

/**
 * Run `fn` with a network: the node's when this runs in the node, else one the one-shot
 * node starts now (LAN, saved manual peers, and the Internet unless `lanOnly`), stopped
 * when that node closes after the command.
 */
async function withNetwork<T> (ctx: NodeContext, args: Args, fn: (temporary: boolean) => Promise<T>): Promise<T> {
  const { temporary } = await ctx.online({ lanOnly: args.lanOnly === true })
  return await fn(temporary)
}

/** `share ROOM PATH [--name NAME] [--mime TYPE]` */
export const share: Command = {
  name: 'share',
  summary: 'announce a file in a room (name, size, type, sha256)',
  run: async (ctx, args, out) => {
    const room = await roomArg(ctx.tt, args)
    return await (await ctx.documents()).share(room, absolute(args, 'path', true), { name: optStr(args, 'name'), mime: optStr(args, 'mime'), onProgress: out.progress })
  }
}

/** `docs ROOM`: every document announced in the room. */
export const docs: Command = {
  name: 'docs',
  summary: 'list the documents of a room',
  run: async (ctx, args) => await (await ctx.documents()).list(await roomArg(ctx.tt, args))
}

/** `get ROOM ID [-o PATH] [--dir DIR] [--stall-timeout S] [--lan-only]` */
export const get: Command = {
  name: 'get',
  summary: 'download a document, verified against its sha256',
  run: async (ctx, args, out) => {
    const room = await roomArg(ctx.tt, args)
    const id = str(args, 'id')
    const output = absolute(args, 'output')
    const dir = absolute(args, 'dir')
    const stall = stallMs(args)
    const documents = await ctx.documents()
    const fetch = async (temporary: boolean): Promise<unknown> => await documents.get(room, id, {
      output, dir, stallMs: stall, waitForDocMs: temporary ? stall : 0, onProgress: out.progress, signal: out.signal
    })
    // A document already here (ours, or fetched before) needs no network.
    if (ctx.network === null && await documents.isLocal(room, id)) return await fetch(false)
    return await withNetwork(ctx, args, fetch)
  }
}

/** `docs sync ROOM DIR`: mirror every document of the room into DIR. */
export const docsSync: Command = {
  name: 'docs.sync',
  summary: 'mirror the documents of a room into a folder',
  run: async (ctx, args, out) => {
    const room = await roomArg(ctx.tt, args)
    const dir = absolute(args, 'dir', true)
    const stall = stallMs(args)
    return await withNetwork(ctx, args, async (temporary) => {
      // A process that just connected has not heard of every document yet: let the logs arrive.
      if (temporary) await settle(ctx.tt, room, Math.min(stall, 5000))
      const { syncRoom } = await import('../documents/sync.js')
      return await syncRoom(await ctx.documents(), room, dir, { stallMs: stall, onProgress: out.progress, signal: out.signal })
    })
  }
}

/** `docs limits ROOM [--max-file SIZE] [--quota SIZE] [--auto-fetch SIZE]` */
export const docsLimits: Command = {
  name: 'docs.limits',
  summary: 'show or change a room\'s document limits',
  run: async (ctx, args) => {
    const room = await roomArg(ctx.tt, args)
    const patch: Partial<DocumentLimits> = {}
    const sizes: Array<[string, keyof DocumentLimits]> = [['maxFile', 'maxFileBytes'], ['quota', 'quotaBytes'], ['autoFetch', 'autoFetchBytes']]
    for (const [arg, key] of sizes) if (args[arg] !== undefined && args[arg] !== null) patch[key] = parseSize(args[arg])
    const documents = await ctx.documents()
    const limits = Object.keys(patch).length > 0 ? await documents.setLimits(room, patch) : documents.limits(room)
    return { room: room.name, ...limits, usedBytes: await documents.usage(room) }
  }
}

/** Wait until no log of the room has grown for a second (and at least 1.5 s), at most `ms`. */
async function settle (tt: Tamtam, room: { id: string }, ms: number): Promise<void> {
  const started = Date.now()
  let last = started
  const onUpdate = (r: { id: string }): void => { if (r.id === room.id) last = Date.now() }
  tt.on('update', onUpdate)
  try {
    while (Date.now() - started < ms) {
      if (Date.now() - last >= 1000 && Date.now() - started >= 1500) return
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  } finally {
    tt.off('update', onUpdate)
  }
}

/** Every document command, for the command table. */
export const DOCUMENT_COMMANDS: Command[] = [share, docs, get, docsSync, docsLimits]
