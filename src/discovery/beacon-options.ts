/**
 * The options of a LAN beacon, their defaults, and the check that rejects nonsense before
 * anything reaches the wire.
 */
import net from 'node:net'
import { randomBytes } from 'node:crypto'
import { lanAddresses } from './interfaces.js'
import { INSTANCE_ID_SIZE } from './beacon-wire.js'

/** Default multicast group: in 239.255.0.0/16, the site-local scope meant for private use. */
export const DEFAULT_GROUP = '239.255.77.77'
/** Default UDP port of the beacons, shared by every node on a host (SO_REUSEADDR). */
export const DEFAULT_BEACON_PORT = 49737
/** Default time between periodic announces. */
export const DEFAULT_ANNOUNCE_INTERVAL_MS = 2000
/** Default cap on tracked candidates: forged beacons cannot grow memory without bound. */
export const MAX_PEERS = 1000
/** Default discovery mode. */
export const DEFAULT_MODE: LanBeaconMode = 'both'

/** A peer is lost after three missed announces, plus a second for jitter and scheduling delays. */
export function defaultPeerTimeoutMs (announceIntervalMs: number): number {
  return 3 * announceIntervalMs + 1000
}

/** `both` finds and is found; `announce-only` is found but reports no peers; `listen-only` finds but sends nothing. */
export type LanBeaconMode = 'both' | 'announce-only' | 'listen-only'

/** Options of {@link LanBeacon}. */
export interface LanBeaconOptions {
  /** Our per-run Noise public key (32 bytes). Never the identity key: beacons must not reveal who we are. */
  publicKey: Buffer
  /** Our TCP listening port, announced to peers. */
  port: number
  /** Random id of this run (16 bytes), so peers notice a restart. Default: 16 fresh random bytes. */
  instanceId?: Buffer
  /** IPv4 multicast group. Default {@link DEFAULT_GROUP}. */
  group?: string
  /** UDP port the beacons travel on. Default {@link DEFAULT_BEACON_PORT}. */
  beaconPort?: number
  /** Mean time between periodic announces (and interface re-scans). Default {@link DEFAULT_ANNOUNCE_INTERVAL_MS}. */
  announceIntervalMs?: number
  /** A candidate is 'lost' after this long without a beacon. Default {@link defaultPeerTimeoutMs} of the interval. */
  peerTimeoutMs?: number
  /** Which interface addresses to use, asked again at every announce; non-IPv4 entries are ignored. Default {@link lanAddresses}. */
  addresses?: () => Array<{ address: string }>
  /** Default {@link DEFAULT_MODE}. */
  mode?: LanBeaconMode
  /** At most this many candidates are tracked; beacons of further new ones are dropped. Default {@link MAX_PEERS}. */
  maxPeers?: number
}

/** Fill in the defaults. Options that make no sense are a programmer error: fail here, not on the wire. */
export function resolveBeaconOptions (opts: LanBeaconOptions): Required<LanBeaconOptions> {
  const interval = opts.announceIntervalMs ?? DEFAULT_ANNOUNCE_INTERVAL_MS
  const o: Required<LanBeaconOptions> = {
    publicKey: Buffer.from(opts.publicKey),
    port: opts.port,
    instanceId: Buffer.from(opts.instanceId ?? randomBytes(INSTANCE_ID_SIZE)),
    group: opts.group ?? DEFAULT_GROUP,
    beaconPort: opts.beaconPort ?? DEFAULT_BEACON_PORT,
    announceIntervalMs: interval,
    peerTimeoutMs: opts.peerTimeoutMs ?? defaultPeerTimeoutMs(interval),
    addresses: opts.addresses ?? lanAddresses,
    mode: opts.mode ?? DEFAULT_MODE,
    maxPeers: opts.maxPeers ?? MAX_PEERS
  }
  const first = Number(o.group.split('.')[0])
  if (!net.isIPv4(o.group) || first < 224 || first > 239) throw new RangeError(`group must be an IPv4 multicast address, got ${o.group}`)
  if (!Number.isInteger(o.beaconPort) || o.beaconPort < 1 || o.beaconPort > 0xffff) throw new RangeError(`beaconPort must be 1 to 65535, got ${o.beaconPort}`)
  for (const [name, value] of [['announceIntervalMs', o.announceIntervalMs], ['peerTimeoutMs', o.peerTimeoutMs], ['maxPeers', o.maxPeers]] as const) {
    if (!Number.isFinite(value) || value < 1) throw new RangeError(`${name} must be at least 1, got ${value}`)
  }
  if (!['both', 'announce-only', 'listen-only'].includes(o.mode)) throw new RangeError(`unknown mode ${String(o.mode)}`)
  return o
}
