/**
 * The bundle commands of the CLI: `export ROOM FILE [--since PREVIOUS]` and `import FILE`,
 * their help, their human output and their progress lines. The library does the work
 * (src/commands/bundles.ts); this file maps flags to args and results to lines. Paths are
 * resolved here, against the user's folder, because the command may run in the node,
 * whose current folder is another.
 */
import path from 'node:path'
import type { Command } from 'commander'
import { formatBytes } from '../src/documents/limits.js'
import { translator, type MessageKey, type Translate } from '../src/i18n/index.js'
import { byName, type Feature, type Run } from './feature.js'

const EN = translator('en')

type Result = Record<string, any>

/** Add `export` and `import` to the program. */
export function registerBundleCommands (program: Command, run: Run, t: Translate = EN): void {
  const h = (key: string): string => t(key as MessageKey)
  program.command('export')
    .argument('<room>', h('help.bundle.room'))
    .argument('<file>', h('help.bundle.file'))
    .description(h('help.bundle.export'))
    .option('--since <previous-bundle>', h('help.bundle.since'))
    .addHelpText('after', h('help.bundle.exportAfter'))
    .action(async (room: string, file: string, o: Result) => await run('export', {
      room,
      file: path.resolve(file),
      since: typeof o.since === 'string' ? path.resolve(o.since) : undefined
    }))
  program.command('import')
    .argument('<file>', h('help.bundle.file'))
    .description(h('help.bundle.import'))
    .addHelpText('after', h('help.bundle.importAfter'))
    .action(async (file: string) => await run('import', { file: path.resolve(file) }))
}

/** Human output of a bundle command's result; null for other commands. */
export function formatBundles (command: string, result: unknown, t: Translate = EN): string | null {
  const r = result as Result
  switch (command) {
    case 'export': {
      const params = { file: String(r.file), blocks: Number(r.blocks), cores: Number(r.cores), room: String(r.room), size: formatBytes(Number(r.bytes)) }
      return typeof r.since === 'string' ? t('bundle.exportedSince', { ...params, since: r.since }) : t('bundle.exported', params)
    }
    case 'import':
      if (Number(r.newBlocks) === 0) return t('bundle.nothingNew', { room: String(r.room), blocks: Number(r.blocks) })
      return t('bundle.imported', { room: String(r.room), newBlocks: Number(r.newBlocks), skipped: Number(r.skippedBlocks), members: Number(r.membersAdded) })
    default:
      return null
  }
}

const PHASES: Record<string, MessageKey> = { export: 'bundle.phase.export', verify: 'bundle.phase.verify', import: 'bundle.phase.import' }

/** One progress line: phase, percent, bar, blocks. */
export function bundleProgressLine (event: Record<string, unknown>, t: Translate = EN): string {
  const done = Number(event.done) || 0
  const total = Number(event.total) || 0
  const ratio = total > 0 ? Math.min(1, done / total) : 1
  const width = 20
  const filled = Math.round(ratio * width)
  const phase = PHASES[String(event.phase)] === undefined ? String(event.phase) : t(PHASES[String(event.phase)])
  return `${String(Math.floor(ratio * 100)).padStart(3)}% [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${t('bundle.progress', { phase, done, total })}`
}

/**
 * Progress of `export` and `import` for the CLI: JSON lines on stdout with --json;
 * otherwise one line redrawn on a terminal's stderr, or a line every few seconds when
 * stderr is not a terminal.
 */
export function bundleProgress (json: boolean, t: Translate = EN, out: NodeJS.WriteStream = process.stdout, err: NodeJS.WriteStream = process.stderr): (event: Record<string, unknown>) => void {
  if (json) return (event) => { out.write(JSON.stringify(event) + '\n') }
  let last = 0
  let phase: unknown = null
  return (event) => {
    const done = Number(event.done) >= Number(event.total)
    if (err.isTTY === true) {
      const before = phase !== null && phase !== event.phase ? '\n' : ''
      const after = done ? '\n' : ''
      phase = after === '' ? event.phase : null
      err.write(`${before}\r\x1b[2K${bundleProgressLine(event, t)}${after}`)
      return
    }
    if (Date.now() - last < 2000 && !done) return
    last = Date.now()
    err.write(bundleProgressLine(event, t) + '\n')
  }
}

/** The bundle feature: `export` and `import`, their output and their progress. */
export const bundlesFeature: Feature = {
  register: ({ program, run, t }) => registerBundleCommands(program, run, t),
  format: byName(['export', 'import'], formatBundles),
  progress: { export: bundleProgress, import: bundleProgress }
}
