/**
 * `tamtam doctor`: why can't I see anyone? Runs five checks (interfaces, multicast,
 * client isolation, the node's port, the firewall) and returns findings with stable
 * codes. Needs no identity and no root, and never fails as a whole because a tool is
 * missing: a check that cannot run says so in a finding.
 */
import { classedAddresses, checkInterfaces, type ClassedAddress } from './interfaces.js'
import { multicastFindings, probeMulticast } from './multicast.js'
import { subnetNeighbours } from './neighbours.js'
import { checkPort } from './port.js'
import { checkFirewall } from './firewall.js'
import { finding, type Finding } from './types.js'

export * from './types.js'
export { interfaceKind, classedAddresses, type InterfaceKind } from './interfaces.js'
export { judgeNft, judgeIptables, judgeUfw } from './firewall.js'
export { parseIpNeigh, parseProcArp, parseGateways } from './neighbours.js'
export { hasDefaultRoute } from '../discovery/routes.js'

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  /** How long to listen for beacons, in ms. Default 4000. */
  waitMs?: number
  /** The running node's TCP port, or null when no node runs on this home. */
  nodePort: number | null
  /** UDP port of the beacons (tests). Default: the beacon's default. */
  beaconPort?: number
  /** Ask connected peers to dial our port back (only inside a running node). */
  dialBack?: () => Promise<Array<{ peer: string, host: string, ok: boolean | null }>>
  /** The addresses to check (tests). Default: os.networkInterfaces(). */
  addresses?: ClassedAddress[]
}

/** What the doctor returns: the findings and how many of them are problems or warnings. */
export interface DoctorReport {
  findings: Finding[]
  summary: { problems: number, warnings: number }
}

/** Peers not heard: client isolation when other hosts are on our subnets, else the plain --peer advice. */
async function silenceFinding (sent: number, addresses: ClassedAddress[]): Promise<Finding> {
  const neighbours = await subnetNeighbours(addresses)
  if (sent > 0 && neighbours !== null && neighbours.length > 0) {
    return finding('CLIENT_ISOLATION_SUSPECTED', 'problem', { neighbours: neighbours.slice(0, 10), count: neighbours.length })
  }
  return finding('PEERS_NOT_HEARD', 'warn', { neighbours: neighbours === null ? 'unknown' : neighbours.length })
}

/** Check 4b: can others reach our port? Only a peer dialling back can tell. */
async function dialBackFindings (dialBack: DoctorOptions['dialBack']): Promise<Finding[]> {
  if (dialBack === undefined) return []
  const results = await dialBack().catch(() => [])
  if (results.length === 0) return [finding('DIALBACK_NO_PEER', 'info')]
  const reached = results.filter((r) => r.ok === true)
  if (reached.length > 0) return [finding('DIALBACK_OK', 'ok', { peers: reached.map((r) => `${r.peer}@${r.host}`) })]
  return [finding('DIALBACK_FAILED', 'problem', { peers: results.map((r) => `${r.peer}@${r.host}`) })]
}

/** Run every check. Never rejects for a missing tool or a failed socket. */
export async function runDoctor (opts: DoctorOptions): Promise<DoctorReport> {
  const addresses = opts.addresses ?? classedAddresses()
  const local = addresses.map((a) => a.address)
  const [probe, port, firewall] = await Promise.all([
    probeMulticast({ waitMs: opts.waitMs ?? 4000, beaconPort: opts.beaconPort, localAddresses: local }),
    checkPort(opts.nodePort, local.slice(0, 4)),
    checkFirewall(opts.nodePort)
  ])
  const findings = [...checkInterfaces(addresses), ...multicastFindings(probe, addresses.length)]
  if (probe.peers.length === 0 && addresses.length > 0) findings.push(await silenceFinding(probe.sent, addresses))
  findings.push(...port, ...await dialBackFindings(opts.dialBack), ...firewall)
  return {
    findings,
    summary: {
      problems: findings.filter((f) => f.level === 'problem').length,
      warnings: findings.filter((f) => f.level === 'warn').length
    }
  }
}
