/**
 * The drill commands of the CLI: `drill start|list|report|sim` and `room set`, their
 * help, their human output and their progress lines. The library does the work
 * (src/commands/drills.ts); this file maps flags to args and results to lines. Report
 * paths are resolved here, against the user's folder, because the command may run in
 * the node, whose current folder is another.
 */
import path from 'node:path'
import type { Command } from 'commander'
import { formatDateTime, type Translate, type MessageKey } from '../src/i18n/index.js'
import { formatMs } from '../src/drills/render/format.js'
import type { Lang } from '../src/drills/render/labels.js'
import { byName, subcommand, type Feature, type Formatter, type Run } from './feature.js'

type Result = Record<string, any>

/** Report renderers' language: French gets its decimal comma, every other language English. */
const reportLang = (lang: string): Lang => lang === 'fr' ? 'fr' : 'en'

/** Add the drill commands and `room set` to the program. */
export function registerDrillCommands (program: Command, room: Command, run: Run, t: Translate): void {
  const h = (key: string): string => t(key as MessageKey)
  const output = (o: Result): string | undefined => typeof o.output === 'string' ? path.resolve(o.output) : undefined
  const drill = program.command('drill').description(h('help.drill.0'))
  drill.command('start <room>').description(h('help.drill.1'))
    .option('--name <name>', h('help.drill.2'))
    .option('--probes <n>', h('help.drill.3'), '5')
    .option('--interval <duration>', h('help.drill.4'), '20s')
    .option('--duration <duration>', h('help.drill.5'), '5m')
    .option('--detach', h('help.drill.6'))
    .addHelpText('after', h('help.drill.7'))
    .action(async (r: string, o: Result) => await run('drill.start', { room: r, name: o.name, probes: o.probes, interval: o.interval, duration: o.duration, detach: o.detach === true }))
  drill.command('list <room>').description(h('help.drill.8'))
    .action(async (r: string) => await run('drill.list', { room: r }))
  drill.command('report <room>').description(h('help.drill.9'))
    .option('--drill <id>', h('help.drill.10'))
    .option('--format <format>', h('help.drill.11'))
    .option('-o, --output <file>', h('help.drill.12'))
    .action(async (r: string, o: Result) => await run('drill.report', { room: r, drill: o.drill, format: o.format, output: output(o) }))
  drill.command('sim').description(h('help.drill.13'))
    .option('--peers <n>', h('help.drill.14'), '30')
    .option('--degree <n>', h('help.drill.15'), '3')
    .option('--loss <percent>', h('help.drill.16'), '0%')
    .option('--partition <duration>', h('help.drill.17'))
    .option('--probes <n>', h('help.drill.3'))
    .option('--interval <duration>', h('help.drill.4'))
    .option('--seed <n>', h('help.drill.18'))
    .option('--format <format>', h('help.drill.11'))
    .option('-o, --output <file>', h('help.drill.12'))
    .action(async (o: Result) => await run('drill.sim', { peers: o.peers, degree: o.degree, loss: o.loss, partition: o.partition, probes: o.probes, interval: o.interval, seed: o.seed, format: o.format, output: output(o) }))
  room.command('set <room>').description(h('help.drill.19'))
    .option('--drill-ack <on|off>', h('help.drill.20'))
    .option('--expire <lifetime>', h('help.roomSetExpire'))
    .addHelpText('after', h('help.roomSetAfter'))
    .action(async (r: string, o: Result) => {
      // --expire is a room setting for everyone (room.expire, cli/room-settings.ts); --drill-ack is this computer's.
      if (o.expire !== undefined) await run('room.expire', { room: r, expire: o.expire })
      if (o.expire === undefined || o.drillAck !== undefined) await run('room.set', { room: r, drillAck: o.drillAck })
    })
}

/** Reach and latency in one paragraph. */
function summaryText (r: Result, { t, lang }: Formatter): string {
  const seconds = (ms: unknown): string => formatMs(ms as number, reportLang(lang))
  const reach = r.reach ?? {}
  const lines = [t('drill.summary', { name: String(r.name), drill: String(r.drill), at5: `${String(reach.at5s)}/${String(reach.total)}`, at30: `${String(reach.at30s)}/${String(reach.total)}`, at120: `${String(reach.at120s)}/${String(reach.total)}`, p50: seconds(r.latency?.p50), p90: seconds(r.latency?.p90), max: seconds(r.latency?.max) })]
  if (Array.isArray(r.unreached) && r.unreached.length > 0) lines.push(t('drill.unreached', { names: r.unreached.join(', ') }))
  return lines.join('\n')
}

/** Human output of the drill commands; null for other commands. */
export function formatDrills (command: string, result: unknown, t: Translate, f: Formatter): string | null {
  const { lang } = f
  const r = result as Result
  switch (command) {
    case 'drill.start':
      return r.detached === true ? t('drill.detached', { drill: String(r.drill), room: String(r.room) }) : `${summaryText(r, f)}\n${t('drill.next', { room: String(r.room), drill: String(r.drill) })}`
    case 'drill.list':
      // Local date and time in the user's language, like the report (issue 23: ISO UTC was an hour off in Mali's neighbours).
      return (r as Result[]).length === 0 ? t('drill.none') : (r as Result[]).map((d) => t('drill.listRow', { drill: String(d.drill), date: formatDateTime(Number(d.startedAt), lang), probes: String(d.probes).padStart(3), acks: String(d.acks).padStart(5), name: String(d.name) })).join('\n')
    case 'drill.report':
    case 'drill.sim': {
      const stats = r.stats === undefined ? '' : '\n' + t('drill.simStats', { peers: String(r.stats.peers), links: String(r.stats.links), wall: formatMs(r.stats.wallMs, reportLang(lang)), rss: String(r.stats.rssMb) })
      return typeof r.file === 'string' ? `${summaryText(r, f)}\n${t('drill.written', { file: r.file, format: String(r.format), bytes: String(r.bytes) })}${stats}` : `${String(r.text).replace(/\n$/, '')}${stats}`
    }
    case 'room.set':
      return t(r.drillAck === 'off' ? 'drill.ackOff' : 'drill.ackOn', { room: String(r.room) })
    default:
      return null
  }
}

/** How often a line is printed while nothing changes, when stderr is not a terminal (logs, scripts). */
const QUIET_EVERY_MS = 30_000

/**
 * A progress line that a terminal updates in place; elsewhere (a log, a pipe) a line is
 * written only when its content changes (`key`) or every QUIET_EVERY_MS, so a 5-minute
 * drill leaves a dozen lines, not 300.
 */
export function liveLine (err: NodeJS.WriteStream, clock: () => number = Date.now): { show: (line: string, key: string) => void, end: () => void } {
  const tty = err.isTTY === true
  let shown = false
  let lastKey: string | null = null
  let lastAt = 0
  return {
    show: (line, key) => {
      if (tty) {
        err.write(`\r\x1b[2K${line}`)
        shown = true
        return
      }
      if (key === lastKey && clock() - lastAt < QUIET_EVERY_MS) return
      lastKey = key
      lastAt = clock()
      err.write(line + '\n')
    },
    // On a terminal the line has no newline yet: end it so the result starts on its own line.
    end: () => {
      if (tty && shown) err.write('\n')
      shown = false
    }
  }
}

/** A duration for people, in the language's words: 45 s, 1 min 30 s. */
function span (ms: unknown): string {
  const total = Math.max(0, Math.round(Number(ms) / 1000))
  if (!Number.isFinite(total)) return '-'
  const [m, s] = [Math.floor(total / 60), total % 60]
  return m === 0 ? `${s} s` : s === 0 ? `${m} min` : `${m} min ${String(s).padStart(2, '0')} s`
}

/** The line of one `drill start` or `drill sim` event, and what must change for a quiet log to print it again. */
function eventLine (e: Record<string, unknown>, t: Translate): { line: string, key: string } | null {
  switch (e.event) {
    case 'drill-started':
      return { line: t('drill.started', { drill: String(e.drill), room: String(e.room), probes: String(e.probes), interval: span(e.intervalMs), duration: span(e.durationMs) }), key: 'started' }
    case 'drill': {
      const key = `${String(e.sent)} ${String(e.reached)} ${String(e.missing)}`
      return { line: t('drill.progress', { sent: String(e.sent), planned: String(e.planned), reached: String(e.reached), total: String(e.total), missing: String(e.missing), elapsed: span(e.elapsedMs), duration: span(e.durationMs) }), key }
    }
    case 'sim': {
      const done = e.done ?? e.reached
      // The last step (building the report) has no count: the result follows at once.
      if (done === undefined) return null
      const phase = t(`drill.simPhase.${String(e.phase)}` as MessageKey)
      // A quiet log shows where each phase starts and when it is complete.
      return { line: t('drill.simProgress', { phase, done: String(done), total: String(e.total ?? '-'), elapsed: span(e.elapsedMs) }), key: `${String(e.phase)}${done === e.total ? ' complete' : ''}` }
    }
    default:
      return null
  }
}

/**
 * Progress of `drill start` and `drill sim` on stderr: one line updated in place on a
 * terminal; with --json, every event as a JSON line on stdout, for scripts.
 */
export function drillProgress (json: boolean, t: Translate, err: NodeJS.WriteStream = process.stderr): (event: Record<string, unknown>) => void {
  if (json) return (event) => { process.stdout.write(JSON.stringify(event) + '\n') }
  const live = liveLine(err)
  return (e) => {
    if (e.event === 'drill-end') return live.end()
    // The last simulation step ends the live line; the start line stays above it.
    if (e.event === 'sim' && e.phase === 'report') return live.end()
    const shown = eventLine(e, t)
    if (shown === null) return
    live.show(shown.line, shown.key)
    if (e.event === 'drill-started') live.end()
  }
}

/** The drill feature: `drill start|list|report|sim` and `room set`. */
export const drillsFeature: Feature = {
  register: ({ program, run, t }) => registerDrillCommands(program, subcommand(program, 'room'), run, t),
  format: byName(['drill.start', 'drill.list', 'drill.report', 'drill.sim', 'room.set'], formatDrills),
  progress: { 'drill.start': drillProgress, 'drill.sim': drillProgress }
}
