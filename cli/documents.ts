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

type Run = (name: string, args: Record<string, unknown>) => Promise<void>
type Result = Record<string, any>

const STALL_HELP = 'give up after this many seconds with nothing received; what arrived is kept for the next try'
const LAN_ONLY_HELP = 'when no node runs here: find peers on the LAN only, never on the Internet'

/** Add `share`, `docs`, `docs sync`, `docs limits` and `get` to the program. */
export function registerDocumentCommands (program: Command, run: Run): void {
  program.command('share <room> <path>')
    .description('share a file in a room: its name, size, type and sha256 are announced; peers fetch the bytes when they ask')
    .option('--name <name>', 'name to announce (default: the file name)')
    .option('--mime <type>', 'media type (default: guessed from the extension)')
    .addHelpText('after', '\nExamples:\n  tamtam share atelier rapport.pdf\n  tamtam share atelier scan.jpg --name "Plan du quartier.jpg"\n')
    .action(async (room: string, file: string, o: Result) => await run('share', { room, path: path.resolve(file), name: o.name, mime: o.mime }))

  const docs = program.command('docs').argument('[room]', 'room name or id')
    .description('list the documents of a room: id, name, size, status here, author (add --json for scripts)')
    .addHelpText('after', '\nStatus: complete (all here), partial, remote (nothing here yet), too-large (over the\nroom\'s per-file limit: never fetched), bad (sha256 mismatch), invalid.\n')
    .action(async (room: string | undefined) => {
      if (room === undefined) docs.error('error: missing required argument \'room\'', { exitCode: 2, code: 'commander.missingArgument' })
      await run('docs', { room })
    })
  docs.command('sync <room> <dir>')
    .description('mirror every document of a room into a folder (created if needed); a second run fetches only what is new')
    .option('--stall-timeout <seconds>', STALL_HELP, '30')
    .option('--lan-only', LAN_ONLY_HELP)
    .action(async (room: string, dir: string, o: Result) => await run('docs.sync', { room, dir: path.resolve(dir), stallTimeout: o.stallTimeout, lanOnly: o.lanOnly === true }))
  docs.command('limits <room>')
    .description('show or change a room\'s document limits (sizes like 500M, 2G; binary units)')
    .option('--max-file <size>', 'largest document shared or fetched (default 2G)')
    .option('--quota <size>', 'most bytes of documents the room may hold here (default 10G)')
    .option('--auto-fetch <size>', 'the node fetches documents smaller than this by itself (default 1M; 0 = never)')
    .action(async (room: string, o: Result) => await run('docs.limits', { room, maxFile: o.maxFile, quota: o.quota, autoFetch: o.autoFetch }))

  program.command('get <room> <id>')
    .description('download a document from any peer that has it, with progress; resumes where it stopped, and writes the file only once its sha256 matches')
    .option('-o, --output <path>', 'file to write (replaced), or a folder to write into (default: the current folder, under the document\'s name)')
    .option('--stall-timeout <seconds>', STALL_HELP, '30')
    .option('--lan-only', LAN_ONLY_HELP)
    .addHelpText('after', '\nA name from a peer is made safe first: `../../.bashrc` is saved as `bashrc`, and an\nexisting file is never replaced: the new one is numbered, as `rapport (1).pdf`.\nWith --json, each progress event is a JSON line, then the result is one.\n')
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

function docLine (d: Result): string {
  const who = `${String(d.authorName)}${d.mine === true ? ' (you)' : ''}`
  return `${String(d.id).padEnd(19)} ${short(d.name, 40).padEnd(40)} ${formatBytes(Number(d.size)).padStart(9)}  ${String(d.status).padEnd(9)} ${who}`
}

function syncText (r: Result): string {
  const lines = [`${String(r.room)} → ${String(r.dir)}: ${r.fetched.length} fetched, ${String(r.upToDate)} up to date, ${r.skipped.length} skipped, ${r.failed.length} failed`]
  for (const f of r.fetched) lines.push(`  fetched  ${String(f.id)}  ${String(f.file)}`)
  for (const s of r.skipped) lines.push(`  skipped  ${String(s.id)}  ${short(s.name, 40)}: ${String(s.reason)}`)
  for (const f of r.failed) lines.push(`  failed   ${String(f.id)}  ${short(f.name, 40)}: ${String(f.code)}: ${String(f.message)}`)
  return lines.join('\n')
}

/** Human output of a document command's result; null for other commands. */
export function formatDocuments (command: string, result: unknown): string | null {
  const r = result as Result
  switch (command) {
    case 'share':
      return `shared ${String(r.name)} (${formatBytes(Number(r.size))}, ${String(r.mime)}) in ${String(r.room)} as ${String(r.id)}\nsha256 ${String(r.sha256)}`
    case 'docs': {
      const list = result as Result[]
      if (list.length === 0) return 'no documents yet: `tamtam share ROOM FILE` shares one'
      return list.map(docLine).join('\n')
    }
    case 'get':
      return `saved ${String(r.name)} to ${String(r.file)} (${formatBytes(Number(r.size))}, sha256 verified; ${formatBytes(Number(r.downloadedBytes))} fetched from ${String(r.peers)} peer(s) in ${(Number(r.ms) / 1000).toFixed(1)} s)`
    case 'docs.sync':
      return syncText(r)
    case 'docs.limits':
      return `${String(r.room)}: at most ${formatBytes(Number(r.maxFileBytes))} per file; quota ${formatBytes(Number(r.quotaBytes))} (${formatBytes(Number(r.usedBytes))} used); auto-fetch under ${formatBytes(Number(r.autoFetchBytes))}`
    default:
      return null
  }
}

const PHASES: Record<string, string> = { store: 'storing', fetch: 'fetching', verify: 'checking' }

function duration (seconds: number): string {
  if (seconds < 60) return `${seconds} s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`
  return `${Math.floor(seconds / 3600)} h ${Math.floor(seconds / 60) % 60} min`
}

/** One line of progress: name, phase, percent, bar, bytes, rate, ETA, peers. */
export function progressLine (event: Record<string, unknown>): string {
  const bytes = Number(event.bytes) || 0
  const total = Number(event.total) || 0
  const ratio = total > 0 ? Math.min(1, bytes / total) : 1
  const width = 20
  const filled = Math.round(ratio * width)
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`
  const eta = typeof event.eta === 'number' ? `ETA ${duration(event.eta)}` : 'ETA ?'
  const peers = event.phase === 'fetch' ? `  ${String(event.peers ?? 0)} peer(s)` : ''
  return `${short(event.name, 30)}  ${PHASES[String(event.phase)] ?? String(event.phase)} ${String(Math.floor(ratio * 100)).padStart(3)}% ${bar} ${formatBytes(bytes)} / ${formatBytes(total)}  ${formatBytes(Number(event.rate) || 0)}/s  ${eta}${peers}`
}

/**
 * A progress printer for the CLI: JSON lines on stdout with --json; otherwise one line
 * redrawn on a terminal's stderr, or a line every few seconds when stderr is not a terminal.
 */
export function progressPrinter (json: boolean, out: NodeJS.WriteStream = process.stdout, err: NodeJS.WriteStream = process.stderr): (event: Record<string, unknown>) => void {
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
      err.write(`${before}\r\x1b[2K${progressLine(event)}${after}`)
      return
    }
    if (Date.now() - last < 2000 && !done) return
    last = Date.now()
    err.write(progressLine(event) + '\n')
  }
}
