/**
 * `/drill ...` (see drill-args.ts): start a drill here (the node keeps probing in the
 * background), write the latest drill's report, or stop and resume acknowledging probes.
 * Each is an entry of its own; all parse the whole line after `/drill`.
 */
import path from 'node:path'
import type { Translate } from '../../src/i18n/index.js'
import { defaultReportFile, parseDrill, type DrillRequest } from './drill-args.js'
import { formatSpan } from './drill-view.js'
import { needRoom, type SlashEntry, type SlashLine } from './slash-host.js'

/** The request typed, when it is the `action` an entry answers (the entry was looked up by that word). */
function request<A extends DrillRequest['action']> (line: SlashLine, t: Translate, action: A): Extract<DrillRequest, { action: A }> {
  const parsed = parseDrill(line.rest, t)
  if (parsed.action !== action) throw new Error(`/drill ${action} parsed as ${parsed.action}`)
  return parsed as Extract<DrillRequest, { action: A }>
}

function ackEntry (word: 'on' | 'off'): SlashEntry {
  return {
    name: `/drill ${word}`,
    help: 'tui.drillHelp',
    command: 'room.set',
    args: (line, host) => {
      const { on } = request(line, host.t, 'ack')
      return { room: needRoom(host).id, drillAck: on ? 'on' : 'off' }
    },
    show: (r, host) => host.notice(host.t(word === 'on' ? 'tui.drillAckOn' : 'tui.drillAckOff', { room: String(r.room) }))
  }
}

/** The drill entries. */
export const DRILL_ENTRIES: SlashEntry[] = [
  {
    name: '/drill',
    help: 'tui.drillHelp',
    command: 'drill.start',
    args: (line, host) => {
      const { name, probes, interval, duration } = request(line, host.t, 'start')
      return { room: needRoom(host).id, name, probes, interval, duration, detach: true }
    },
    // Detached, the command reports no progress; its notes (if any) would draw over the screen: the notice below says it all.
    output: () => ({ info: () => {} }),
    show: async (r, host) => {
      host.notice(host.t('tui.drillStarted', { name: String(r.name), drill: String(r.drill), probes: r.plan.probes, interval: formatSpan(r.plan.intervalMs), duration: formatSpan(r.plan.durationMs) }))
      host.drillStarted()
      await host.refresh()
    }
  },
  {
    name: '/drill report',
    help: 'tui.drillHelp',
    command: 'drill.report',
    args: async (line, host) => {
      const typed = request(line, host.t, 'report')
      const room = needRoom(host)
      const latest = await host.latestDrill()
      if (latest === null) return host.t('tui.drillNone')
      const format = typed.format ?? (typed.file === undefined ? 'html' : undefined)
      const output = path.resolve(typed.file ?? defaultReportFile(latest.drill, format ?? 'html'))
      return { room: room.id, drill: `${latest.drill}@${latest.core}`, format, output }
    },
    show: (r, host) => host.notice(host.t('tui.drillWritten', { file: String(r.file), format: String(r.format) }))
  },
  ackEntry('on'),
  ackEntry('off')
]
