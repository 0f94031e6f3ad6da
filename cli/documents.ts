/**
 * The document commands of the CLI: `share`, `docs` (with `docs sync` and `docs limits`)
 * and `get`, their help, their human output and the progress bar. The library does the
 * work (src/commands/documents.ts); this file maps flags to args and results to lines.
 * Paths are resolved here, against the user's folder, because the command may run in the
 * node, whose current folder is another.
 */
import path from 'node:path'
import type { Command } from 'commander'
import { formatBytes } from '../src/documents/limits.js'
import { translator, type MessageKey, type Translate } from '../src/i18n/index.js'
import { byName, type Feature, type Run } from './feature.js'

const EN = translator('en')

type Result = Record<string, any>


/** Add `share`, `docs`, `docs sync`, `docs limits` and `get` to the program. */
export function registerDocumentCommands (program: Command, run: Run, t: Translate = EN): void {
  const h = (key: string): string => t(key as MessageKey)
  program.command('share <room> <path>')
    .description(h('help.docs.0'))
    .option('--name <name>', h('help.docs.1'))
    .option('--mime <type>', h('help.docs.2'))
    .addHelpText('after', h('help.docs.3'))
    .action(async (room: string, file: string, o: Result) => await run('share', { room, path: path.resolve(file), name: o.name, mime: o.mime }))

  const docs = program.command('docs').argument('[room]', h('help.docs.4'))
    .description(h('help.docs.5'))
    .addHelpText('after', h('help.docs.6'))
    .action(async (room: string | undefined) => {
      if (room === undefined) docs.error('error: missing required argument \'room\'', { exitCode: 2, code: 'commander.missingArgument' })
      await run('docs', { room })
    })
  docs.command('sync <room> <dir>')
    .description(h('help.docs.7'))
    .option('--stall-timeout <seconds>', h('help.docs.stall'), '30')
    .option('--lan-only', h('help.docs.lanOnly'))
    .action(async (room: string, dir: string, o: Result) => await run('docs.sync', { room, dir: path.resolve(dir), stallTimeout: o.stallTimeout, lanOnly: o.lanOnly === true }))
  docs.command('limits <room>')
    .description(h('help.docs.8'))
    .option('--max-file <size>', h('help.docs.9'))
    .option('--quota <size>', h('help.docs.10'))
    .option('--auto-fetch <size>', h('help.docs.11'))
    .action(async (room: string, o: Result) => await run('docs.limits', { room, maxFile: o.maxFile, quota: o.quota, autoFetch: o.autoFetch }))

  program.command('get <room> <id>')
    .description(h('help.docs.12'))
    .option('-o, --output <path>', h('help.docs.13'))
    .option('--stall-timeout <seconds>', h('help.docs.stall'), '30')
    .option('--lan-only', h('help.docs.lanOnly'))
    .addHelpText('after', h('help.docs.14'))
    .action(async (room: string, id: string, o: Result) => await run('get', {
      room,
      id,
      output: typeof o.output === 'string' ? path.resolve(o.output) : undefined,
      dir: typeof o.output === 'string' ? undefined : process.cwd(),
      stallTimeout: o.stallTimeout,
      lanOnly: o.lanOnly === true
    }))
}

const short = (text: unknown, max: number): string => {
  const chars = Array.from(String(text ?? ''))
  return chars.length <= max ? chars.join('') : chars.slice(0, max - 1).join('') + '…'
}

function docLine (d: Result, t: Translate): string {
  const who = `${String(d.authorName)}${d.mine === true ? ` (${t('tui.you')})` : ''}`
  return `${String(d.id).padEnd(19)} ${short(d.name, 40).padEnd(40)} ${formatBytes(Number(d.size)).padStart(9)}  ${String(d.status).padEnd(9)} ${who}`
}

function syncText (r: Result, t: Translate): string {
  const lines = [t('docs.syncSummary', { room: String(r.room), dir: String(r.dir), fetched: r.fetched.length, upToDate: String(r.upToDate), skipped: r.skipped.length, failed: r.failed.length })]
  for (const f of r.fetched) lines.push(`  fetched  ${String(f.id)}  ${String(f.file)}`)
  for (const s of r.skipped) lines.push(`  skipped  ${String(s.id)}  ${short(s.name, 40)}: ${String(s.reason)}`)
  for (const f of r.failed) lines.push(`  failed   ${String(f.id)}  ${short(f.name, 40)}: ${String(f.code)}: ${String(f.message)}`)
  return lines.join('\n')
}

/** Human output of a document command's result; null for other commands. */
export function formatDocuments (command: string, result: unknown, t: Translate = EN): string | null {
  const r = result as Result
  switch (command) {
    case 'share':
      return t('docs.shared', { name: String(r.name), size: formatBytes(Number(r.size)), mime: String(r.mime), room: String(r.room), id: String(r.id), sha256: String(r.sha256) })
    case 'docs': {
      const list = result as Result[]
      if (list.length === 0) return t('docs.none')
      return list.map((d) => docLine(d, t)).join('\n')
    }
    case 'get':
      return t('docs.saved', { name: String(r.name), file: String(r.file), size: formatBytes(Number(r.size)), fetched: formatBytes(Number(r.downloadedBytes)), peers: String(r.peers), seconds: (Number(r.ms) / 1000).toFixed(1) })
    case 'docs.sync':
      return syncText(r, t)
    case 'docs.limits':
      return t('docs.limits', { room: String(r.room), maxFile: formatBytes(Number(r.maxFileBytes)), quota: formatBytes(Number(r.quotaBytes)), used: formatBytes(Number(r.usedBytes)), autoFetch: formatBytes(Number(r.autoFetchBytes)) })
    default:
      return null
  }
}

const PHASES: Record<string, MessageKey> = { store: 'docs.phase.store', fetch: 'docs.phase.fetch', verify: 'docs.phase.verify' }

function duration (seconds: number): string {
  if (seconds < 60) return `${seconds} s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`
  return `${Math.floor(seconds / 3600)} h ${Math.floor(seconds / 60) % 60} min`
}

/** One line of progress: name, phase, percent, bar, bytes, rate, ETA, peers. */
export function progressLine (event: Record<string, unknown>, t: Translate = EN): string {
  const bytes = Number(event.bytes) || 0
  const total = Number(event.total) || 0
  const ratio = total > 0 ? Math.min(1, bytes / total) : 1
  const width = 20
  const filled = Math.round(ratio * width)
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`
  const eta = typeof event.eta === 'number' ? `ETA ${duration(event.eta)}` : 'ETA ?'
  const peers = event.phase === 'fetch' ? `  ${t('docs.peers', { peers: String(event.peers ?? 0) })}` : ''
  return `${short(event.name, 30)}  ${PHASES[String(event.phase)] === undefined ? String(event.phase) : t(PHASES[String(event.phase)])} ${String(Math.floor(ratio * 100)).padStart(3)}% ${bar} ${formatBytes(bytes)} / ${formatBytes(total)}  ${formatBytes(Number(event.rate) || 0)}/s  ${eta}${peers}`
}

/**
 * A progress printer for the CLI: JSON lines on stdout with --json; otherwise one line
 * redrawn on a terminal's stderr, or a line every few seconds when stderr is not a terminal.
 */
export function progressPrinter (json: boolean, t: Translate = EN, out: NodeJS.WriteStream = process.stdout, err: NodeJS.WriteStream = process.stderr): (event: Record<string, unknown>) => void {
  if (json) return (event) => { out.write(JSON.stringify(event) + '\n') }
  let last = 0
  let phase: unknown = null
  return (event) => {
    const done = Number(event.bytes) >= Number(event.total)
    if (err.isTTY === true) {
      // One redrawn line per phase; the last phase of a command (verify, store) ends its line.
      const before = phase !== null && phase !== event.phase ? '\n' : ''
      const after = done && (event.phase === 'verify' || event.phase === 'store') ? '\n' : ''
      phase = after === '' ? event.phase : null
      err.write(`${before}\r\x1b[2K${progressLine(event, t)}${after}`)
      return
    }
    if (Date.now() - last < 2000 && !done) return
    last = Date.now()
    err.write(progressLine(event, t) + '\n')
  }
}

/** The document feature: `share`, `docs`, `docs sync`, `docs limits` and `get`. */
export const documentsFeature: Feature = {
  register: ({ program, run, t }) => registerDocumentCommands(program, run, t),
  format: byName(['share', 'docs', 'get', 'docs.sync', 'docs.limits'], formatDocuments),
  progress: { share: progressPrinter, get: progressPrinter, 'docs.sync': progressPrinter }
}
