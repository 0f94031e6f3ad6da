/**
 * The IPv4 addresses LAN discovery works on. Multicast must be joined and sent once per
 * interface address: on a LAN with no default route (the Internet is cut), the kernel has
 * no way to pick an interface by itself, so a join without one fails with ENODEV and a
 * send fails with ENETUNREACH (DESIGN.md section 2, "Multicast gotchas").
 */
import os from 'node:os'

/** One IPv4 address of a network interface. */
export interface LanAddress {
  /** Interface name, such as `eth0` or `wlp2s0`. */
  name: string
  /** Dotted-quad IPv4 address. */
  address: string
  /** Dotted-quad netmask, such as `255.255.255.0`. */
  netmask: string
}

/**
 * The non-internal IPv4 addresses of this machine, in the order the OS lists them.
 * IPv6 (link-local fe80:: included) is skipped: the beacon is IPv4 multicast only.
 * Loopback is skipped: nothing on another host can reach it. `list` is for tests.
 */
export function lanAddresses (list = os.networkInterfaces()): LanAddress[] {
  const found: LanAddress[] = []
  for (const [name, infos] of Object.entries(list)) {
    for (const info of infos ?? []) {
      // Node 18.0–18.3 reported family as a number; accept both so an old runtime is not silently blind.
      const family = info.family as string | number
      if ((family !== 'IPv4' && family !== 4) || info.internal) continue
      found.push({ name, address: info.address, netmask: info.netmask })
    }
  }
  return found
}

/** What kind of link an interface name suggests. */
export type InterfaceKind = 'wifi' | 'ethernet' | 'virtual' | 'other'

// Order matters: `br-` and `veth` are checked before the Ethernet prefixes.
const KINDS: Array<[RegExp, InterfaceKind]> = [
  [/^(docker|br-|veth|virbr|tun|tap|wg|tailscale|zt|utun|vmnet|vboxnet)/i, 'virtual'],
  [/^(wl|wlan|wifi)/i, 'wifi'],
  [/^(en|eth)/i, 'ethernet']
]

/**
 * The kind of an interface, from its name alone (a heuristic: names are conventions, not
 * rules). Virtual ones (Docker, bridges, VPNs) rarely reach the other participants.
 */
export function interfaceKind (name: string): InterfaceKind {
  for (const [pattern, kind] of KINDS) if (pattern.test(name)) return kind
  return 'other'
}

/**
 * The subnet broadcast address of `address` with `netmask`, e.g. `10.0.0.7` and
 * `255.255.255.0` give `10.0.0.255`. Subnet broadcast works without a default route, unlike
 * 255.255.255.255 (DESIGN.md section 7), so it is a fallback where multicast is filtered.
 * Throws a plain Error for input that is not a dotted-quad IPv4 address: callers pass
 * values from os.networkInterfaces(), so bad input is a programmer error.
 */
export function broadcastAddress (address: string, netmask: string): string {
  const ip = parseIPv4(address)
  const mask = parseIPv4(netmask)
  return formatIPv4((ip | ~mask) >>> 0)
}

function parseIPv4 (text: string): number {
  const parts = text.split('.')
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    throw new Error(`not an IPv4 address: ${JSON.stringify(text)}`)
  }
  return parts.reduce((value, part) => ((value << 8) | Number(part)) >>> 0, 0)
}

function formatIPv4 (value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.')
}
