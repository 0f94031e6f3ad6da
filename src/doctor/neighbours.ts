/**
 * Check 3: signs of client isolation. If beacons went out, other hosts are in the
 * neighbour (ARP) table on our subnets, and yet nothing came back, the network probably
 * keeps clients apart (Wi-Fi client isolation) or filters multicast. A heuristic: the
 * neighbour table only holds hosts this one talked to recently.
 */
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { parseGateways, ROUTE_TABLE } from '../discovery/routes.js'

export { parseGateways } from '../discovery/routes.js'

/** A neighbour: an IPv4 address with a known link-layer address. */
export interface Neighbour { address: string, device: string }

const LIVE_STATES = /\b(REACHABLE|STALE|DELAY|PROBE|PERMANENT|NOARP)\b/

/** Parse `ip -4 neigh` output, keeping entries with a link-layer address in a live state. */
export function parseIpNeigh (text: string): Neighbour[] {
  const out: Neighbour[] = []
  for (const line of text.split('\n')) {
    const m = /^(\d+\.\d+\.\d+\.\d+) dev (\S+) .*lladdr /.exec(line)
    if (m !== null && LIVE_STATES.test(line)) out.push({ address: m[1]!, device: m[2]! })
  }
  return out
}

/** Parse /proc/net/arp, keeping complete entries (flag 0x2). */
export function parseProcArp (text: string): Neighbour[] {
  return text.split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 6 && (parseInt(f[2]!, 16) & 2) !== 0)
    .map((f) => ({ address: f[0]!, device: f[5]! }))
}

async function ipNeigh (): Promise<string | null> {
  return await new Promise((resolve) => {
    execFile('ip', ['-4', 'neigh', 'show'], { timeout: 3000 }, (err, stdout) => resolve(err === null ? String(stdout) : null))
  })
}

const readText = async (file: string): Promise<string | null> => await readFile(file, 'utf8').catch(() => null)

function toNumber (ip: string): number {
  return ip.split('.').reduce((v, p) => ((v << 8) | Number(p)) >>> 0, 0)
}

/** True when `ip` is in the subnet of `address`/`netmask`. */
export function sameSubnet (ip: string, address: string, netmask: string): boolean {
  const mask = toNumber(netmask)
  return ((toNumber(ip) & mask) >>> 0) === ((toNumber(address) & mask) >>> 0)
}

/**
 * The other hosts on our subnets, from the neighbour table, minus default gateways (an
 * isolated client still reaches its gateway, so a gateway proves nothing). Null when no
 * neighbour table could be read.
 */
export async function subnetNeighbours (subnets: Array<{ address: string, netmask: string }>): Promise<string[] | null> {
  const fromIp = await ipNeigh()
  const arp = fromIp === null ? await readText('/proc/net/arp') : null
  if (fromIp === null && arp === null) return null
  const list = fromIp !== null ? parseIpNeigh(fromIp) : parseProcArp(arp ?? '')
  const gateways = new Set(parseGateways((await readText(ROUTE_TABLE)) ?? ''))
  const mine = new Set(subnets.map((s) => s.address))
  const hosts = list.map((n) => n.address).filter((ip) => !gateways.has(ip) && !mine.has(ip) && subnets.some((s) => sameSubnet(ip, s.address, s.netmask)))
  return [...new Set(hosts)]
}
