/**
 * `tamtam share-app [--port N] [--out DIR]`: give tamtam itself to people with no
 * Internet. With --out, the shared command writes the files to a folder (through `run`,
 * like every one-shot command). Without, this file serves them on the LAN in the
 * foreground until the run is stopped (SIGINT or SIGTERM, cli/lifetime.ts), printing the URLs and each download, as `up` runs a
 * node: it needs no home, and a server that runs for hours does not belong in a node.
 */
import path from 'node:path'
import type { Command } from 'commander'
import { formatBytes } from '../src/documents/limits.js'
import { fail } from '../src/errors/index.js'
import { translator, type MessageKey, type Translate } from '../src/i18n/index.js'
import type { AppServer, AppTarball, FolderResult, ServeOptions, ShareEvent } from '../src/share-app/index.js'
import { makeContext, type CliContext, type GlobalOptions } from './context.js'
import { progressPrinter } from './documents.js'
import type { Feature, Run } from './feature.js'
import { untilStopped } from './lifetime.js'

const EN = translator('en')
/** Above this, the output says the tarball is large (slow Wi-Fi, small sticks). */
const LARGE_BYTES = 50 * 1024 * 1024

/** Flags of `share-app`, as commander parses them. */
export interface ShareAppFlags { port?: string, out?: string }

/** Add `share-app [--port N] [--out DIR]` to the program; `context` gives the run's context for serving. */
export function registerShareAppCommand (program: Command, run: Run, t: Translate = EN, context: () => Promise<CliContext> = async () => await makeContext(program.opts<GlobalOptions>())): void {
  const h = (key: string): string => t(key as MessageKey)
  program.command('share-app')
    .description(h('help.shareApp.0'))
    .option('--port <n>', h('help.shareApp.1'))
    .option('--out <dir>', h('help.shareApp.2'))
    .addHelpText('after', h('help.shareApp.3'))
    .action(async (o: ShareAppFlags) => {
      if (o.out !== undefined) {
        if (o.port !== undefined) throw fail('USAGE', '--port and --out cannot be combined')
        await run('share-app', { out: path.resolve(o.out) })
        return
      }
      await serveForeground(await context(), o)
    })
}

/** The port flag as a number (undefined for the default). */
function portFlag (value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw fail('USAGE', '--port must be a whole number from 0 to 65535')
  return n
}

/** Serve until the run's signal aborts, then close; resolves once closed. `inject` lets tests pass a built tarball or a host. */
export async function serveForeground (ctx: CliContext, flags: ShareAppFlags, inject: Partial<ServeOptions> = {}): Promise<void> {
  const port = portFlag(flags.port)
  const { serveApp } = await import('../src/share-app/index.js')
  let downloads = 0
  const onEvent = (e: ShareEvent): void => {
    if (e.type === 'served' && e.complete && e.status !== 206 && e.path.endsWith('.tgz')) downloads++
    const line = ctx.json ? JSON.stringify({ event: e.type, ts: Date.now(), ...e, type: undefined }) : eventLine(e, ctx.t)
    if (e.type === 'error' && !ctx.json) ctx.note(line)
    else ctx.print(line)
  }
  const server = await serveApp({ port, lang: ctx.lang === 'en' ? 'en' : 'fr', onEvent, onProgress: progressPrinter(ctx.json, ctx.t), ...inject })
  try {
    ctx.print(ctx.json ? JSON.stringify({ event: 'serving', ts: Date.now(), ...servingFields(server) }) : servingText(server, ctx.t))
    await untilStopped(ctx.signal)
  } finally {
    await server.close()
  }
  ctx.print(ctx.json ? JSON.stringify({ event: 'stopped', ts: Date.now(), downloads }) : ctx.t('shareApp.stopped', { downloads }))
}

function servingFields (s: AppServer): Record<string, unknown> {
  const { file, name, size, sha256, version, target, node, files, bytes, cached, ms } = s.tarball
  return { urls: s.urls, port: s.port, requestedPort: s.requestedPort, portBusy: s.portBusy, lan: s.lan, tarball: { file, name, size, sha256, version, target, node, files, bytes, cached, ms } }
}

/** What people read once serving starts: the tarball, the URLs, how to stop. */
function servingText (s: AppServer, t: Translate): string {
  const lines = tarballLines(s.tarball, t)
  if (s.portBusy) lines.push(t('shareApp.portBusy', { wanted: s.requestedPort, port: s.port }))
  lines.push(t('shareApp.urls'), ...s.urls.map((u) => `  ${u}`))
  if (!s.lan) lines.push(t('shareApp.noLan'))
  lines.push(t('shareApp.stop'))
  return lines.join('\n')
}

/** The tarball in a few lines: what, for which system, how big, its sha256, built or cached. */
function tarballLines (b: AppTarball, t: Translate): string[] {
  const lines = [
    t('shareApp.ready', { version: b.version, target: b.target, name: b.name, size: formatBytes(b.size), node: b.node }),
    `  sha256 ${b.sha256}`,
    b.cached ? t('shareApp.cached') : t('shareApp.built', { files: b.files, bytes: formatBytes(b.bytes), seconds: (b.ms / 1000).toFixed(1) })
  ]
  if (b.size > LARGE_BYTES) lines.push(t('shareApp.large', { size: formatBytes(b.size) }))
  return lines
}

/** One line per server event. */
export function eventLine (e: ShareEvent, t: Translate = EN): string {
  switch (e.type) {
    case 'served':
      if (!e.path.endsWith('.tgz')) return t('shareApp.page', { ip: e.ip, path: e.path })
      return e.complete
        ? t('shareApp.download', { ip: e.ip, name: e.path.slice(1), bytes: formatBytes(e.bytes), seconds: (e.ms / 1000).toFixed(1) })
        : t('shareApp.downloadPartial', { ip: e.ip, name: e.path.slice(1), bytes: formatBytes(e.bytes), total: formatBytes(e.total) })
    case 'refused':
      return t('shareApp.refused', { ip: e.ip, method: e.method, status: e.status })
    case 'error':
      return t('shareApp.error', { message: e.message })
  }
}

/** Human output of `share-app --out`; null for other commands. */
export function formatShareApp (command: string, result: unknown, t: Translate = EN): string | null {
  if (command !== 'share-app') return null
  const r = result as FolderResult
  const width = Math.max(...r.files.map((f) => f.name.length))
  return [
    ...tarballLines(r.tarball, t),
    t('shareApp.written', { dir: r.dir }),
    ...r.files.map((f) => `  ${f.name.padEnd(width)}  ${formatBytes(f.size).padStart(9)}`),
    t('shareApp.writtenHint')
  ].join('\n')
}

/** The share-app feature: `share-app [--port N] [--out DIR]`. */
export const shareAppFeature: Feature = {
  register: ({ program, run, t, context }) => registerShareAppCommand(program, run, t, context),
  format: { 'share-app': (result, f) => formatShareApp('share-app', result, f.t) ?? '' },
  progress: { 'share-app': progressPrinter }
}
