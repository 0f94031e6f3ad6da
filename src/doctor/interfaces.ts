/**
 * Check 1: the IPv4 interfaces, each classed by its name. Virtual ones (Docker, bridges,
 * VPNs) carry beacons nobody on the LAN hears, which is a common source of confusion.
 */
import os from 'node:os'
import { finding, type Finding } from './types.js'

/** What kind of link an interface name suggests. */
export type InterfaceKind = 'wifi' | 'ethernet' | 'virtual' | 'other'

// Order matters: `br-` and `veth` are checked before the Ethernet prefixes.
const KINDS: Array<[RegExp, InterfaceKind]> = [
  [/^(docker|br-|veth|virbr|tun|tap|wg|tailscale|zt|utun|vmnet|vboxnet)/i, 'virtual'],
  [/^(wl|wlan)/i, 'wifi'],
  [/^(en|eth)/i, 'ethernet']
]

/** The kind of an interface, from its name alone (a heuristic: names are conventions, not rules). */
export function interfaceKind (name: string): InterfaceKind {
  for (const [pattern, kind] of KINDS) if (pattern.test(name)) return kind
  return 'other'
}

/** One non-internal IPv4 address, with its interface kind. */
export interface ClassedAddress { name: string, address: string, netmask: string, kind: InterfaceKind }

/** Every non-internal IPv4 address of this host, classed. */
export function classedAddresses (list = os.networkInterfaces()): ClassedAddress[] {
  const out: ClassedAddress[] = []
  for (const [name, infos] of Object.entries(list)) {
    for (const info of infos ?? []) {
      const family = info.family as string | number
      if ((family !== 'IPv4' && family !== 4) || info.internal) continue
      out.push({ name, address: info.address, netmask: info.netmask, kind: interfaceKind(name) })
    }
  }
  return out
}

/** Findings about the interfaces: none usable is a problem; only virtual ones is a warning. */
export function checkInterfaces (addresses: ClassedAddress[]): Finding[] {
  if (addresses.length === 0) return [finding('INTERFACES_NONE', 'problem')]
  const findings = addresses.map((a) => a.kind === 'virtual'
    ? finding('INTERFACE_VIRTUAL', 'info', { ...a })
    : finding('INTERFACE_REAL', 'ok', { ...a }))
  if (addresses.every((a) => a.kind === 'virtual')) findings.push(finding('INTERFACES_ONLY_VIRTUAL', 'warn'))
  return findings
}
