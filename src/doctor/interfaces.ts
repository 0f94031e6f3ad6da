/**
 * Check 1: the IPv4 interfaces, each classed by its name. Virtual ones (Docker, bridges,
 * VPNs) carry beacons nobody on the LAN hears, which is a common source of confusion.
 */
import os from 'node:os'
import { interfaceKind, lanAddresses, type InterfaceKind, type LanAddress } from '../discovery/interfaces.js'
import { finding, type Finding } from './types.js'

export { interfaceKind, type InterfaceKind } from '../discovery/interfaces.js'

/** One non-internal IPv4 address, with its interface kind. */
export interface ClassedAddress extends LanAddress { kind: InterfaceKind }

/** Every non-internal IPv4 address of this host, classed. */
export function classedAddresses (list = os.networkInterfaces()): ClassedAddress[] {
  return lanAddresses(list).map((a) => ({ ...a, kind: interfaceKind(a.name) }))
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
