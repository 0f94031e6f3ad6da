/**
 * The connection manager's options with every default filled in, and the address check
 * shared by its entry points.
 */
import { DEFAULT_FLOOD_BAN, type FloodBanOptions } from './admission.js'
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js'
import { meshSettings, type MeshSettings } from './mesh.js'
import type { ConnectionManagerOptions } from './types.js'

/** Options with every default filled in. */
export type Settings = Required<Omit<ConnectionManagerOptions, 'keyPair' | 'backoff' | 'mesh' | 'floodBan'>> & {
  backoff: BackoffOptions
  floodBan: FloodBanOptions
  mesh: MeshSettings
  meshCooldownMs: number
}

/** Fill in the defaults (documented on ConnectionManagerOptions). */
export function resolveSettings (options: ConnectionManagerOptions): Settings {
  const maxConnections = options.maxConnections ?? 16
  return {
    port: options.port ?? 0,
    host: options.host ?? '0.0.0.0',
    maxConnections,
    graceMs: options.graceMs ?? 3000,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
    backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    dialTimeoutMs: options.dialTimeoutMs ?? 5000,
    listen: options.listen ?? true,
    keepAliveMs: options.keepAliveMs ?? 5000,
    idleTimeoutMs: options.idleTimeoutMs ?? 20_000,
    random: options.random ?? Math.random,
    mesh: meshSettings(maxConnections, options.mesh),
    meshCooldownMs: options.mesh?.cooldownMs ?? 60_000,
    roomAware: options.roomAware ?? false,
    strangerHeadroom: options.strangerHeadroom ?? 4,
    strangerProbationMs: options.strangerProbationMs ?? 5000,
    maxProbes: options.maxProbes ?? 2,
    floodBan: { ...DEFAULT_FLOOD_BAN, ...options.floodBan }
  }
}

/** A host we can hand to net.connect and a port it accepts (net.connect throws on bad ports). */
export function validAddress (host: unknown, port: unknown): boolean {
  return typeof host === 'string' && host !== '' && Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65_535
}
