/**
 * Pure decisions that keep hostile peers from taking the places honest peers need (issue 17):
 * which connection sharing no room gives way when a slot is needed, how long an address that
 * flooded is refused, which unproven candidates wait outside the mesh's view, and which of
 * them is probed next.
 */
import { backoffDelay, type BackoffOptions } from './backoff.js'

/** A socket or connection that shares no room with us (a stranger) and may be closed for a member. */
export interface StrangerSlot {
  /** Remote address: strangers are grouped by it. */
  host: string
  /** When it was opened or accepted (ms). */
  since: number
}

/**
 * The stranger to close so that someone else can have its slot, or null if none may go.
 * Among strangers that may go, the address holding the most strangers loses first, its
 * oldest first. A stranger alone at its address is protected for `minAgeMs` after it opened:
 * that is an honest newcomer's time to prove a room. One address holding several is never
 * protected, so a host that opens connections in bulk cannot shield them by churning.
 */
export function pickStranger<T extends StrangerSlot> (slots: readonly T[], now: number, minAgeMs: number): T | null {
  const perHost = new Map<string, number>()
  for (const s of slots) perHost.set(s.host, (perHost.get(s.host) ?? 0) + 1)
  let best: T | null = null
  for (const s of slots) {
    const count = perHost.get(s.host) ?? 0
    if (count < 2 && now - s.since < minAgeMs) continue
    if (best === null) { best = s; continue }
    const bestCount = perHost.get(best.host) ?? 0
    if (count > bestCount || (count === bestCount && s.since < best.since)) best = s
  }
  return best
}

/** Bounds of the refusal after a flood cut. */
export interface FloodBanOptions {
  /** First refusal; each further flood from the address doubles it. */
  initialMs: number
  /** Longest refusal. */
  maxMs: number
  /** Strikes are forgotten after this long without a flood. */
  forgetMs: number
}

/** Default: 10 s, doubling up to 10 min; forgotten after an hour of good behaviour. */
export const DEFAULT_FLOOD_BAN: FloodBanOptions = { initialMs: 10_000, maxMs: 600_000, forgetMs: 3_600_000 }

/** How long an address is refused after its `strikes`-th flood cut (1 = first), without jitter. */
export function floodBanMs (strikes: number, options: FloodBanOptions = DEFAULT_FLOOD_BAN): number {
  if (!(strikes >= 1)) return 0
  return backoffDelay(strikes - 1, { initialMs: options.initialMs, maxMs: options.maxMs }, () => 0.5)
}

/**
 * Addresses cut for flooding (`PEER_FLOOD`), refused for a time that doubles with each flood.
 * Bounded: at most `maxHosts` addresses are remembered (the oldest strike is forgotten first).
 */
export class FloodBans {
  private readonly strikes = new Map<string, { count: number, until: number, last: number }>()

  constructor (private readonly options: FloodBanOptions = DEFAULT_FLOOD_BAN, private readonly maxHosts = 4096) {}

  /** Count a flood from `host`; returns how long it is refused from now. */
  strike (host: string, now: number): number {
    const before = this.strikes.get(host)
    const count = before === undefined || now - before.last > this.options.forgetMs ? 1 : before.count + 1
    const ms = floodBanMs(count, this.options)
    this.strikes.delete(host)
    this.strikes.set(host, { count, until: now + ms, last: now })
    if (this.strikes.size > this.maxHosts) this.strikes.delete(this.strikes.keys().next().value as string)
    return ms
  }

  /** Milliseconds `host` is still refused for (0 = not refused). */
  remaining (host: string, now: number): number {
    const s = this.strikes.get(host)
    return s === undefined ? 0 : Math.max(0, s.until - now)
  }
}

/** A candidate whose key has not completed a handshake yet, waiting to be probed. */
export interface ProbeCandidate {
  host: string
  /** Not probed before this time (backoff after failures, or the grace of the higher key). */
  readyAt: number
  /** When it was first announced. */
  firstSeen: number
}

/**
 * The candidate to probe next, or null when none is ready. Addresses take turns: the ready
 * candidate whose address has been probed least goes first, then the one announced first.
 * So one host announcing a thousand forged peers gets one probe in turn with each other host,
 * and a newcomer from a new address is probed next.
 */
export function nextProbe<T extends ProbeCandidate> (candidates: Iterable<T>, probesByHost: ReadonlyMap<string, number>, now: number): T | null {
  let best: T | null = null
  let bestProbes = Infinity
  for (const c of candidates) {
    if (c.readyAt > now) continue
    const probes = probesByHost.get(c.host) ?? 0
    if (probes < bestProbes || (probes === bestProbes && best !== null && c.firstSeen < best.firstSeen)) {
      best = c
      bestProbes = probes
    }
  }
  return best
}

/** Delay before probing again a candidate whose probe failed `failures` times. */
export function probeRetryMs (failures: number, backoff: BackoffOptions, random: () => number): number {
  return backoffDelay(Math.max(0, failures - 1), backoff, random)
}

/** A keyed candidate as the view rule sees it. */
export interface UnprovenCandidate {
  /** Address it was announced from. */
  host: string
  /** A handshake with its key completed during this run. */
  proven: boolean
  /** Failed dials and probes so far. */
  failures: number
  /** When it was first announced (ms). */
  firstSeen: number
}

/**
 * The candidates to hold back from the mesh's view until a probe proves them: per address,
 * every unproven candidate beyond the first `perHost` (fewest failures first, then the one
 * announced first). Beacons are not signed, so one host can announce a thousand keys; it
 * then holds at most `perHost` places in the mesh plan, while honest hosts, one key each,
 * are planned over at once with no probe.
 */
export function unprovenBeyondAllowance<T extends UnprovenCandidate> (candidates: Iterable<T>, perHost: number): Set<T> {
  const byHost = new Map<string, T[]>()
  for (const c of candidates) {
    if (c.proven) continue
    const list = byHost.get(c.host)
    if (list === undefined) byHost.set(c.host, [c])
    else list.push(c)
  }
  const held = new Set<T>()
  for (const list of byHost.values()) {
    if (list.length <= perHost) continue
    list.sort((a, b) => a.failures - b.failures || a.firstSeen - b.firstSeen)
    for (const c of list.slice(perHost)) held.add(c)
  }
  return held
}
