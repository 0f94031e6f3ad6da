/**
 * Check 2: do beacons go out, and do any come back? Runs a LanBeacon (mode 'both') for a
 * few seconds with a short interval. The beacon announces a throwaway TCP listener, so a
 * peer that dials what it heard shows that inbound TCP reaches this host: a passive
 * dial-back that needs no change to the protocol. Each inbound socket is closed at once.
 */
import net from 'node:net'
import { randomBytes } from 'node:crypto'
import { LanBeacon, type PeerCandidate } from '../discovery/index.js'
import { finding, type Finding } from './types.js'

/** Options of {@link probeMulticast}. */
export interface MulticastProbeOptions {
  /** How long to listen, in ms. */
  waitMs: number
  /** Beacon interval while probing, in ms. Default 250. */
  announceIntervalMs?: number
  /** UDP port of the beacons. Default: the beacon's default. */
  beaconPort?: number
  /** This host's own addresses: beacons from them (a node on this host) are not "peers heard". */
  localAddresses: string[]
}

/** What the probe saw, raw. */
export interface MulticastProbe {
  sent: number
  received: number
  peers: Array<{ host: string, port: number }>
  local: number
  inbound: string[]
  warnings: string[]
}

/** Run the beacon and a throwaway listener for `waitMs`, then stop both. Never rejects. */
export async function probeMulticast (opts: MulticastProbeOptions): Promise<MulticastProbe> {
  const inbound = new Set<string>()
  const server = net.createServer((socket) => {
    if (socket.remoteAddress !== undefined) inbound.add(socket.remoteAddress.replace(/^::ffff:/, ''))
    socket.destroy()
  })
  server.on('error', () => {}) // a listener error only costs us the dial-back hint
  const port = await new Promise<number>((resolve) => {
    server.listen(0, '0.0.0.0', () => resolve((server.address() as net.AddressInfo).port))
  })
  const beacon = new LanBeacon({ publicKey: randomBytes(32), port, announceIntervalMs: opts.announceIntervalMs ?? 250, beaconPort: opts.beaconPort, mode: 'both' })
  const heard = new Map<string, PeerCandidate>()
  const warnings: string[] = []
  beacon.on('peer', (c: PeerCandidate) => heard.set(`${c.host}:${c.port}`, c))
  beacon.on('warning', (err: Error) => { if (warnings.length < 20) warnings.push(err.message) })
  try {
    await beacon.start()
    await new Promise((resolve) => setTimeout(resolve, opts.waitMs))
  } catch (err) {
    warnings.push(String((err as Error).message ?? err))
  }
  const stats = beacon.stats
  await beacon.stop()
  await new Promise((resolve) => server.close(resolve))
  const local = new Set(opts.localAddresses)
  const all = [...heard.values()]
  return {
    sent: stats.sent,
    received: stats.received,
    peers: all.filter((c) => !local.has(c.host)).map((c) => ({ host: c.host, port: c.port })),
    local: all.filter((c) => local.has(c.host)).length,
    inbound: [...inbound].filter((a) => !local.has(a)),
    warnings: [...new Set(warnings)]
  }
}

/** Findings from a probe. PEERS_NOT_HEARD is left to the caller, who knows about client isolation. */
export function multicastFindings (probe: MulticastProbe, interfaces: number): Finding[] {
  const out: Finding[] = []
  for (const message of probe.warnings) {
    const code = /cannot (join|bind)|beacon socket on port/.test(message) ? 'MULTICAST_JOIN_FAILED' : 'MULTICAST_SEND_FAILED'
    out.push(finding(code, 'warn', { message }))
  }
  if (probe.sent > 0) out.push(finding('MULTICAST_SENT', 'ok', { sent: probe.sent }))
  else if (interfaces > 0) out.push(finding('MULTICAST_NOT_SENT', 'problem', { sent: 0 }))
  if (probe.peers.length > 0) out.push(finding('PEERS_HEARD', 'ok', { count: probe.peers.length, peers: probe.peers, local: probe.local }))
  if (probe.inbound.length > 0) out.push(finding('INBOUND_CONNECTION', 'ok', { count: probe.inbound.length, from: probe.inbound }))
  return out
}
