/**
 * Build a drill report from the logs alone (see scan.ts), so any participant can rebuild
 * the facilitator's report. Latency survives skewed laptop clocks: each participant's
 * clock offset is estimated NTP-style from the round trip of its acknowledgements, as
 * timed by the facilitator's own clock (drill-seen records), and every latency is kept
 * between 0 and that round trip.
 */
import { fail } from '../errors/index.js'
import type { RoomLogs } from '../log/room-logs.js'
import { logMembers, type Member } from '../members/index.js'
import type { Room } from '../room/index.js'
import { sanitizeName } from '../text/sanitize.js'
import type { AckEntry, DrillScan, ProbeEntry } from './scan.js'
import { DEFAULT_PLAN } from './runner.js'
import { behind, caughtUp, label } from './standing.js'
import type { Distribution, DrillReport, Participant, Receipt } from './types.js'

/** The sentence every report format prints about how latency was measured. */
export const METHOD = 'Latency is the time from the facilitator writing a probe to a participant receiving it, on the facilitator\'s clock. '
  + 'Each participant\'s clock offset is estimated NTP-style from the round trip of its acknowledgements as timed by the facilitator (the sample with the shortest round trip wins), '
  + 'and each latency is kept between 0 and that round trip. For participants whose acknowledgements the facilitator never saw, the offset is "not measured": their own clock is used, floored at 0.'

/** How far ahead of our clock a drill may be dated and still count as "the latest". */
const FUTURE_SLACK_MS = 10 * 60_000
/** Duration and interval assumed for a drill whose first probe does not say (another client wrote it). */
const DEFAULT_DURATION_MS = DEFAULT_PLAN.durationMs
const DEFAULT_INTERVAL_MS = DEFAULT_PLAN.intervalMs

/** A positive number from a probe record, or the fallback. */
function planned (value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback
}

/** The members of the room by log key, sorted by it, so every peer lists participants in the same order. */
async function byLog (logs: RoomLogs): Promise<Map<string, Member>> {
  const members = (await logMembers(logs)).sort((a, b) => a.log.localeCompare(b.log))
  return new Map(members.map((m) => [m.log, m]))
}

/**
 * Pick a drill by id prefix (or `ID@CORE` prefix, to choose between logs), or the latest.
 * Anyone can write a probe with a copied id into their own log; when an id is in several
 * logs, `prefer` (our own log) wins, so a facilitator's report cannot be hijacked.
 */
export function pickDrill (scan: DrillScan, query?: string, prefer?: string, now = Date.now()): { core: string, drill: string, probes: ProbeEntry[] } {
  const drills = scan.drills()
  const [id, core] = (query ?? '').split('@')
  // "The latest" ignores drills dated over 10 minutes ahead: a probe with a forged future
  // ts would otherwise hide every real drill from a plain `drill report`.
  const latest = drills.filter((d) => d.probes[0].ts <= now + FUTURE_SLACK_MS).slice(-1)
  let matches = query === undefined ? latest : drills.filter((d) => d.drill.startsWith(id) && d.core.startsWith(core ?? ''))
  if (matches.length > 1 && matches.some((d) => d.core === prefer)) matches = matches.filter((d) => d.core === prefer)
  if (matches.length === 0) throw fail('DRILL_NOT_FOUND', query === undefined ? 'no drill has been run in this room' : `no drill matches "${query}"`)
  if (matches.length > 1) throw fail('DRILL_AMBIGUOUS', `choose one of: ${matches.map((d) => `${d.drill}@${d.core.slice(0, 8)}`).join(', ')}`)
  return matches[0]
}

/** Nearest-rank percentiles. */
export function distribution (values: number[]): Distribution {
  if (values.length === 0) return { count: 0, p50: null, p90: null, max: null }
  const sorted = [...values].sort((a, b) => a - b)
  const rank = (p: number): number => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]
  return { count: sorted.length, p50: rank(0.5), p90: rank(0.9), max: sorted[sorted.length - 1] }
}

/** Offset of a participant's clock against the facilitator's, from its acks' round trips. */
function clockOffset (samples: Array<{ t0: number, t1: number, t2: number, t3: number }>): number | null {
  let best: { delay: number, offset: number } | null = null
  for (const { t0, t1, t2, t3 } of samples) {
    const delay = (t3 - t0) - (t2 - t1)
    const offset = ((t1 - t0) + (t2 - t3)) / 2
    if (best === null || delay < best.delay) best = { delay, offset }
  }
  return best === null ? null : Math.round(best.offset)
}

/** Build the report of one drill (the latest when `query` is absent). */
export async function buildReport (scan: DrillScan, logs: RoomLogs, room: Room, query?: string, now = Date.now()): Promise<DrillReport> {
  await scan.refresh()
  const { core: facCore, drill, probes } = pickDrill(scan, query, logs.own.key, now)
  const who = await byLog(logs)
  const fac = who.get(facCore) ?? { log: facCore, identity: '', fingerprint: '', name: '?', you: false }
  const seen = scan.seen.get(facCore) ?? new Map<string, number>()
  // Only this log's probes count: a "probe" with the same drill id in another log is ignored.
  const byId = new Map(probes.map((p) => [p.id, p]))
  const first = probes.find((p) => p.number === 0) ?? probes[0]
  const startedAt = first.ts

  // First acknowledgement per (participant log, probe); acks are attributed to their own log.
  const acksOf = new Map<string, AckEntry[]>()
  for (const probe of probes) {
    for (const ack of scan.acks.get(probe.id) ?? []) {
      if (ack.core === facCore || ack.drill !== drill || !who.has(ack.core)) continue
      const list = acksOf.get(ack.core) ?? []
      if (!list.some((a) => a.probe === ack.probe)) list.push(ack)
      acksOf.set(ack.core, list)
    }
  }

  // Per participant: clock offset, then latency per receipt.
  const receipts = new Map<string, Map<number, { latencyMs: number, roundTripMs: number | null, via: string | null }>>()
  const participants: Participant[] = []
  for (const m of who.values()) {
    if (m.log === facCore || m.identity === fac.identity) continue
    const acks = acksOf.get(m.log) ?? []
    const samples = acks.flatMap((a) => {
      const t3 = seen.get(a.id)
      const p = byId.get(a.probe)
      return t3 === undefined || p === undefined ? [] : [{ t0: p.ts, t1: a.receivedAt, t2: a.ts, t3 }]
    })
    const offset = clockOffset(samples)
    const mine = new Map<number, { latencyMs: number, roundTripMs: number | null, via: string | null }>()
    for (const a of acks) {
      const p = byId.get(a.probe) as ProbeEntry
      const t3 = seen.get(a.id)
      const roundTripMs = t3 === undefined ? null : Math.max(0, t3 - p.ts)
      let latencyMs = Math.max(0, a.receivedAt - (offset ?? 0) - p.ts)
      if (roundTripMs !== null) latencyMs = Math.min(latencyMs, roundTripMs)
      mine.set(p.number, { latencyMs: Math.round(latencyMs), roundTripMs, via: a.via })
    }
    receipts.set(m.log, mine)
    participants.push({ identity: m.identity, fingerprint: m.fingerprint, name: m.name, receipts: [], clockOffsetMs: offset, clock: offset === null ? 'unverified' : 'round-trip' })
  }

  // Hops and paths follow each receipt's "via" back to the facilitator.
  const route = (core: string, probe: number, depth: number): string[] | null => {
    if (core === facCore) return [fac.name]
    const r = receipts.get(core)?.get(probe)
    if (r === undefined || r.via === null || depth > 64) return null
    const before = route(r.via, probe, depth + 1)
    return before === null ? null : [...before, who.get(core)?.name ?? '?']
  }
  const cores = [...who.values()].filter((m) => m.log !== facCore && m.identity !== fac.identity).map((m) => m.log)
  cores.forEach((core, i) => {
    const list: Receipt[] = []
    for (const [probe, r] of [...(receipts.get(core) ?? new Map())].sort((a, b) => a[0] - b[0])) {
      const path = route(core, probe, 0) ?? []
      list.push({ probe, latencyMs: r.latencyMs, roundTripMs: r.roundTripMs, hops: path.length > 0 ? path.length - 1 : null, path })
    }
    participants[i].receipts = list
  })

  const probeInfo = probes.map((p) => ({ probe: p.number, sentAt: p.ts, reached: participants.filter((x) => x.receipts.some((r) => r.probe === p.number)).length }))
  const sentAt = new Map(probes.map((p) => [p.number, p.ts]))
  const bestLatency = (x: Participant): number => Math.min(...x.receipts.map((r) => r.latencyMs))
  const reachedWithin = (ms: number): number => participants.filter((x) => x.receipts.length > 0 && bestLatency(x) <= ms).length
  const arrivals = participants.filter((x) => x.receipts.length > 0)
    .map((x) => Math.min(...x.receipts.map((r) => (sentAt.get(r.probe) ?? startedAt) - startedAt + r.latencyMs)))
    .sort((a, b) => a - b)
  const intervalMs = planned(first.record.intervalMs, DEFAULT_INTERVAL_MS)
  const hops: Record<string, number> = {}
  for (const x of participants) for (const r of x.receipts) hops[r.hops === null ? 'unknown' : String(r.hops)] = (hops[r.hops === null ? 'unknown' : String(r.hops)] ?? 0) + 1

  return {
    version: 1,
    room: room.name,
    drill,
    name: sanitizeName(typeof first.record.name === 'string' ? first.record.name : drill),
    facilitator: { identity: fac.identity, fingerprint: fac.fingerprint, name: fac.name },
    startedAt,
    durationMs: planned(first.record.durationMs, DEFAULT_DURATION_MS),
    plannedProbes: typeof first.record.probes === 'number' ? first.record.probes : probes.length,
    intervalMs,
    probes: probeInfo,
    participants,
    reach: { at5s: reachedWithin(5000), at30s: reachedWithin(30_000), at120s: reachedWithin(120_000), total: participants.length },
    latency: distribution(participants.flatMap((x) => x.receipts.map((r) => r.latencyMs))),
    hops,
    curve: [{ atMs: 0, reached: 0 }, ...arrivals.map((atMs, i) => ({ atMs: Math.round(atMs), reached: i + 1 }))],
    unreached: participants.filter((x) => x.receipts.length === 0).map(label),
    behind: behind(participants, probeInfo, intervalMs, now),
    caughtUp: caughtUp(participants, intervalMs),
    method: METHOD,
    builtAt: now,
    logs: logs.list().length
  }
}
