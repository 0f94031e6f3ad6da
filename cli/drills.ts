/**
 * The drill commands of the CLI: `drill start|list|report|sim` and `room set`, their
 * help, their human output and their progress lines. The library does the work
 * (src/commands/drills.ts); this file maps flags to args and results to lines. Report
 * paths are resolved here, against the user's folder, because the command may run in
 * the node, whose current folder is another.
 */
import path from 'node:path'
import type { Command } from 'commander'
import type { Translate, MessageKey } from '../src/i18n/index.js'
import { byName, subcommand, type Feature, type Run } from './feature.js'

type Result = Record<string, any>

const seconds = (ms: unknown): string => ms === null || ms === undefined ? '-' : Number(ms) < 1000 ? `${Math.round(Number(ms))} ms` : `${(Number(ms) / 1000).toFixed(1)} s`

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
    .action(async (r: string, o: Result) => await run('room.set', { room: r, drillAck: o.drillAck }))
}

/** Reach and latency in one paragraph. */
function summaryText (r: Result, t: Translate): string {
  const reach = r.reach ?? {}
  const lines = [t('drill.summary', { name: String(r.name), drill: String(r.drill), at5: `${String(reach.at5s)}/${String(reach.total)}`, at30: `${String(reach.at30s)}/${String(reach.total)}`, at120: `${String(reach.at120s)}/${String(reach.total)}`, p50: seconds(r.latency?.p50), p90: seconds(r.latency?.p90), max: seconds(r.latency?.max) })]
  if (Array.isArray(r.unreached) && r.unreached.length > 0) lines.push(t('drill.unreached', { names: r.unreached.join(', ') }))
  return lines.join('\n')
}

/** Human output of the drill commands; null for other commands. */
export function formatDrills (command: string, result: unknown, t: Translate): string | null {
  const r = result as Result
  switch (command) {
    case 'drill.start':
      return r.detached === true ? t('drill.detached', { drill: String(r.drill), room: String(r.room) }) : `${summaryText(r, t)}\n${t('drill.next', { room: String(r.room), drill: String(r.drill) })}`
    case 'drill.list':
      return (r as Result[]).length === 0 ? t('drill.none') : (r as Result[]).map((d) => `${String(d.drill)}  ${new Date(Number(d.startedAt)).toISOString().slice(0, 19).replace('T', ' ')}  ${String(d.probes).padStart(3)} probes ${String(d.acks).padStart(5)} acks  ${String(d.name)}`).join('\n')
    case 'drill.report':
    case 'drill.sim': {
      const stats = r.stats === undefined ? '' : '\n' + t('drill.simStats', { peers: String(r.stats.peers), links: String(r.stats.links), wall: seconds(r.stats.wallMs), rss: String(r.stats.rssMb) })
      return typeof r.file === 'string' ? `${summaryText(r, t)}\n${t('drill.written', { file: r.file, format: String(r.format), bytes: String(r.bytes) })}${stats}` : `${String(r.text).replace(/\n$/, '')}${stats}`
    }
    case 'room.set':
      return t(r.drillAck === 'off' ? 'drill.ackOff' : 'drill.ackOn', { room: String(r.room) })
    default:
      return null
  }
}

/** Progress lines of `drill start` and `drill sim` (JSON lines with --json), on stderr. */
export function drillProgress (json: boolean, t: Translate, err: NodeJS.WriteStream = process.stderr): (event: Record<string, unknown>) => void {
  if (json) return (event) => { process.stdout.write(JSON.stringify(event) + '\n') }
  let last = 0
  return (e) => {
    if (Date.now() - last < 1000 && err.isTTY !== true) return
    last = Date.now()
    const line = e.event === 'sim'
      ? t('drill.simProgress', { phase: String(e.phase), done: String(e.done ?? e.reached ?? '-'), total: String(e.total ?? '-'), elapsed: seconds(e.elapsedMs) })
      : t('drill.progress', { reached: String(e.reached), total: String(e.total), elapsed: seconds(e.elapsedMs), duration: seconds(e.durationMs) })
    err.write(err.isTTY === true ? `\r\x1b[2K${line}` : line + '\n')
  }
}

/** The drill feature: `drill start|list|report|sim` and `room set`. */
export const drillsFeature: Feature = {
  register: ({ program, run, t }) => registerDrillCommands(program, subcommand(program, 'room'), run, t),
  format: byName(['drill.start', 'drill.list', 'drill.report', 'drill.sim', 'room.set'], formatDrills),
  progress: { 'drill.start': drillProgress, 'drill.sim': drillProgress }
}
