/**
 * Drill commands: `drill start`, `drill list`, `drill report` and `room set --drill-ack`
 * (`drill sim` is in src/sim/command.ts: it never runs in a node). Starting needs the running node (it sends the probes and hears
 * the acknowledgements); reports and simulations run anywhere.
 */
import { writeFile } from 'node:fs/promises'
import { fail, fromSystemError } from '../errors/index.js'
import { DEFAULT_PLAN, type DrillReport } from '../drills/index.js'
import { REPORT_FORMATS, formatFromPath, type ReportFormat } from '../drills/render/formats.js'
import type { NodeContext } from '../node/context.js'
import { drillAckOn, setDrillAck } from '../room/settings.js'
import type { Command, Output } from './types.js'
import { lang, optDuration, optInt, optStr } from './args.js'
import { loadLang, translator } from '../i18n/index.js'
import { roomArg } from './room.js'

/** How often `drill start` reports reach while it waits, in ms. */
const WATCH_EVERY_MS = 1000

/** The short summary `drill start` and `drill sim` end with. */
export function summary (report: DrillReport): Record<string, unknown> {
  return { drill: report.drill, name: report.name, room: report.room, reach: report.reach, latency: report.latency, hops: report.hops, unreached: report.unreached, method: report.method }
}

/** Follow a running drill until its duration is over, reporting reach as it grows. */
async function watch (ctx: NodeContext, roomName: string, drill: string, durationMs: number, out: Output): Promise<DrillReport> {
  const tt = ctx.tt
  const drills = ctx.drills()
  const r = tt.rooms.resolve(roomName)
  const started = Date.now()
  let report = await drills.report(r, drill)
  while (Date.now() - started < durationMs && !tt.closed && out.signal?.aborted !== true) {
    await new Promise((resolve) => setTimeout(resolve, WATCH_EVERY_MS))
    report = await drills.report(r, drill)
    const reached = report.curve[report.curve.length - 1].reached
    // "Not reached yet" counts the never reached and those missing a due probe (stopped, away).
    out.progress?.({ event: 'drill', drill, sent: report.probes.length, planned: report.plannedProbes, reached, total: report.reach.total, missing: report.reach.total - reached + report.behind.length, elapsedMs: Date.now() - started, durationMs })
    if (report.participants.length > 0 && report.participants.every((p) => p.receipts.length === report.plannedProbes && p.clock === 'round-trip')) break
  }
  out.progress?.({ event: 'drill-end', drill, elapsedMs: Date.now() - started })
  return report
}

/** `drill start ROOM --name NAME [--probes N --interval 20s --duration 5m] [--detach]` */
export const drillStart: Command = {
  name: 'drill.start',
  summary: 'start a shutdown drill: send probes and measure how far and how fast they spread',
  run: async (ctx, args, out) => {
    const tt = ctx.tt
    if (ctx.network === null) {
      // Without a node the probes would stop with this command: say what to start first.
      if (args.detach === true) throw fail('NODE_NOT_RUNNING', translator(await loadLang(lang(args)))('drill.detachNeedsNode'))
      throw fail('NODE_NOT_RUNNING', 'a drill needs the running node (`tamtam up` or the TUI) to send probes and hear acknowledgements')
    }
    const room = await roomArg(tt, args)
    const plan = {
      name: optStr(args, 'name') ?? `drill ${new Date(tt.clock()).toISOString().slice(0, 16)}`,
      probes: optInt(args, 'probes') ?? DEFAULT_PLAN.probes,
      intervalMs: optDuration(args, 'interval') ?? DEFAULT_PLAN.intervalMs,
      durationMs: optDuration(args, 'duration') ?? DEFAULT_PLAN.durationMs
    }
    const started = await ctx.drills().start(room, plan)
    if (args.detach === true) return { ...started, detached: true }
    // An event, not an English note: the CLI words it in the user's language.
    out.progress?.({ event: 'drill-started', drill: started.drill, room: room.name, probes: plan.probes, intervalMs: plan.intervalMs, durationMs: plan.durationMs })
    return { ...started, ...summary(await watch(ctx, room.name, started.drill, plan.durationMs, out)) }
  }
}

/** `drill list ROOM` */
export const drillList: Command = {
  name: 'drill.list',
  summary: 'list the drills run in a room',
  run: async (ctx, args) => await ctx.drills().list(await roomArg(ctx.tt, args))
}

/** The report format asked for (checked before any work), from --format or the file name. */
export function reportFormat (args: Record<string, unknown>): ReportFormat {
  const output = optStr(args, 'output')
  const asked = optStr(args, 'format')
  if (asked !== undefined && !(REPORT_FORMATS as readonly string[]).includes(asked)) throw fail('USAGE', `--format must be one of ${REPORT_FORMATS.join(', ')}`)
  return (asked as ReportFormat | undefined) ?? (output !== undefined ? formatFromPath(output) : null) ?? 'md'
}

/** Write a rendered report to a file, or return it for printing. */
export async function emit (report: DrillReport, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const output = optStr(args, 'output')
  const format = reportFormat(args)
  // The renderers are loaded on first use: the app and the node start without them.
  const { renderReport } = await import('../drills/render/index.js')
  const text = renderReport(report, format, lang(args))
  if (output === undefined) return { format, text, ...summary(report) }
  try {
    await writeFile(output, text)
  } catch (err) {
    throw fromSystemError(err, `cannot write the report to ${output}`)
  }
  return { format, file: output, bytes: Buffer.byteLength(text), ...summary(report) }
}

/** `drill report ROOM [--drill ID] [--format md|csv|html|json|svg] [-o FILE]` */
export const drillReport: Command = {
  name: 'drill.report',
  summary: 'build a drill report from the room\'s logs alone',
  run: async (ctx, args) => {
    const room = await roomArg(ctx.tt, args)
    reportFormat(args)
    return await emit(await ctx.drills().report(room, optStr(args, 'drill')), args)
  }
}

/** `room set ROOM --drill-ack on|off` */
export const roomSet: Command = {
  name: 'room.set',
  summary: 'change a room\'s settings on this computer',
  run: async ({ tt }, args) => {
    const room = await roomArg(tt, args)
    const ack = optStr(args, 'drillAck')
    if (ack !== undefined) {
      if (ack !== 'on' && ack !== 'off') throw fail('USAGE', '--drill-ack must be on or off')
      if (setDrillAck(room, ack === 'on')) await tt.rooms.save()
    }
    return { room: room.name, drillAck: drillAckOn(room) ? 'on' : 'off' }
  }
}

/** Every drill command. */
export const DRILL_COMMANDS: Command[] = [drillStart, drillList, drillReport, roomSet]
