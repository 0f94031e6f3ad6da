/**
 * Options of `drill sim`, their bounds and defaults. Checked once, up front, so a typo
 * fails with USAGE before hundreds of stores are created.
 */
import { randomInt } from 'node:crypto'
import { fail } from '../errors/index.js'
import { checkPlan } from '../drills/runner.js'

/** A progress report of a simulation. */
export interface SimProgress {
  phase: 'open' | 'sync' | 'run' | 'heal' | 'report'
  /**
   * Open: peers whose store is open; sync: peers holding every member's log, verified;
   * heal: links re-created. Out of `total`. Each phase counts from 0 and never goes back.
   */
  done?: number
  total?: number
  /** Run: participants who acknowledged at least one probe so far, out of `total`. */
  reached?: number
  /** Since simulate() was called. */
  elapsedMs: number
}

/** What a facilitator asks of a simulation. */
export interface SimOptions {
  /** Peers, the facilitator included (2..500). */
  peers: number
  /** Links per peer, about (1..16, below `peers`). */
  degree: number
  /** Chance, in percent, that a chunk on a link is lost and must be retransmitted (0..50). */
  lossPct?: number
  /** One-way delay of every chunk, uniform in [min, max] ms; default [5, 30]. */
  delayMs?: [number, number]
  /** How long a partition cuts about 30% of the peers off (0 = no partition). */
  partitionMs?: number
  /** When the partition starts, in ms after the first probe; default 0, right after it. */
  partitionAtMs?: number
  /** Probes the facilitator sends (default 3), `intervalMs` apart (default 2000). */
  probes?: number
  intervalMs?: number
  /** Longest the drill is watched, from the first probe (default: probes, partition and settling). */
  durationMs?: number
  /** Seed of the graph, the partition, the delays and the losses (default: random, see stats). */
  seed?: number
  /** Drill name in the report (default "Simulation"). */
  name?: string
  /** The facilitator's name in the report, in the room's language (default "Facilitator"). */
  facilitator?: string
  /** Dir for the stores (kept); default a temp dir, removed at the end. */
  dir?: string
  /** Called as the simulation goes. */
  onProgress?: (e: SimProgress) => void
  /** Stops the simulation (Ctrl-C): simulate() cleans up, then rejects with the signal's reason. */
  signal?: AbortSignal
}

/** The options with every default filled in. */
export interface SimPlan {
  peers: number
  degree: number
  lossPct: number
  delayMs: [number, number]
  partitionMs: number
  partitionAtMs: number
  probes: number
  intervalMs: number
  durationMs: number
  seed: number
  name: string
  facilitator: string
  dir: string | undefined
  onProgress: (e: SimProgress) => void
  signal: AbortSignal | undefined
}

/** Bounds of the options. */
export const SIM_LIMITS = { minPeers: 2, maxPeers: 200, maxDegree: 16, maxLossPct: 50, maxDelayMs: 10_000, maxPartitionMs: 3600_000 }

/** Defaults: three probes two seconds apart, links of 5 to 30 ms. */
export const SIM_DEFAULTS = { probes: 3, intervalMs: 2000, delayMs: [5, 30] as [number, number], name: 'Simulation', facilitator: 'Facilitator' }

/**
 * Time allowed after the last probe (and the end of a partition) for the last receipts to
 * come back: 10 s plus 3 ms per peer squared, because every peer stores every member's
 * acknowledgements, so the work per probe (all of it in this one process) grows with the
 * square of the peers. Measured: 100 peers need about 30 s on two cores.
 */
export function settleMs (peers: number): number {
  return 10_000 + 3 * peers * peers
}

const isInt = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max

/** Check the options and fill in defaults; fails with USAGE naming the option. */
export function checkSimOptions (opts: SimOptions): SimPlan {
  const L = SIM_LIMITS
  if (!isInt(opts.peers, L.minPeers, L.maxPeers)) throw fail('USAGE', `--peers must be a whole number from ${L.minPeers} to ${L.maxPeers}`)
  if (!isInt(opts.degree, 1, L.maxDegree)) throw fail('USAGE', `--degree must be a whole number from 1 to ${L.maxDegree}`)
  if (opts.degree >= opts.peers) throw fail('USAGE', `--degree must be lower than --peers: ${opts.peers} peers can each link to at most ${opts.peers - 1} others`)
  const lossPct = opts.lossPct ?? 0
  if (!(lossPct >= 0 && lossPct <= L.maxLossPct)) throw fail('USAGE', `--loss must be from 0% to ${L.maxLossPct}%`)
  const delayMs = opts.delayMs ?? SIM_DEFAULTS.delayMs
  if (!(Array.isArray(delayMs) && delayMs.length === 2 && delayMs[0] >= 0 && delayMs[0] <= delayMs[1] && delayMs[1] <= L.maxDelayMs)) {
    throw fail('USAGE', `the delay must be [min, max] ms with 0 <= min <= max <= ${L.maxDelayMs}`)
  }
  const partitionMs = opts.partitionMs ?? 0
  if (!(partitionMs >= 0 && partitionMs <= L.maxPartitionMs)) throw fail('USAGE', '--partition must be 0 (none) or a duration of at most 1 h')
  const partitionAtMs = opts.partitionAtMs ?? 0
  if (!(partitionAtMs >= 0 && partitionAtMs <= L.maxPartitionMs)) throw fail('USAGE', 'the partition must start from 0 to 1 h after the first probe')
  const seed = opts.seed ?? randomInt(2 ** 32)
  if (!isInt(seed, 0, 2 ** 32 - 1)) throw fail('USAGE', '--seed must be a whole number from 0 to 4294967295')
  const probes = opts.probes ?? SIM_DEFAULTS.probes
  const intervalMs = opts.intervalMs ?? SIM_DEFAULTS.intervalMs
  const busyMs = Math.max(Math.max(0, probes - 1) * intervalMs, partitionMs > 0 ? partitionAtMs + partitionMs : 0)
  const durationMs = opts.durationMs ?? busyMs + settleMs(opts.peers)
  checkPlan({ name: 'sim', probes, intervalMs, durationMs })
  if (partitionMs > 0 && partitionAtMs >= durationMs) throw fail('USAGE', `the partition would start after the drill ends (${durationMs} ms): start it earlier or raise --duration`)
  const name = opts.name ?? SIM_DEFAULTS.name
  const facilitator = opts.facilitator ?? SIM_DEFAULTS.facilitator
  return { peers: opts.peers, degree: opts.degree, lossPct, delayMs: [delayMs[0], delayMs[1]], partitionMs, partitionAtMs, probes, intervalMs, durationMs, seed, name, facilitator, dir: opts.dir, onProgress: opts.onProgress ?? (() => {}), signal: opts.signal }
}
