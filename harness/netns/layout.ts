/**
 * The plan of a namespace LAN, as pure functions: names, addresses and the `ip -batch`
 * commands that build it. lan.ts runs them.
 *
 * - every namespace and link name starts with a per-run prefix (e.g. `ttXXXX`);
 * - one namespace per host, `<prefix>-<host>`;
 * - one namespace `<prefix>-_bridges` holding one bridge per segment, `<prefix>-br<seg>`,
 *   with multicast snooping off so multicast floods to every port;
 * - one veth pair per (host, segment): `<prefix>-h<host>s<seg>` in the host's namespace and
 *   `<prefix>-p<host>s<seg>` on the bridge. Both ends are created straight into their
 *   namespaces, so nothing ever sits in the root namespace and deleting the namespaces
 *   removes it all;
 * - addresses `10.<octet>.<seg>.<host + 1>/24`, the host numbered in order of first
 *   appearance in the spec, so a host has the same last octet on every segment;
 * - `lo` up everywhere, multicast on every interface, NO default route and (by default) no
 *   multicast route: the Internet is cut, as in a real shutdown.
 */

/** One simulated host. */
export interface Host {
  /** Host name from the spec. */
  name: string
  /** Its network namespace (`<prefix>-<name>`). */
  ns: string
  /** Its first address (on the first segment it appears in). */
  ip: string
  /** All its addresses, one per segment it is on, in the order of `spec.segments`. */
  ips: string[]
}

/** Spec of a LAN. */
export interface LanSpec {
  /** Segment (bridge) name → names of the hosts on it. A host on several segments gets one interface on each. */
  segments: Record<string, string[]>
  /** Add a 224.0.0.0/4 route on each host's first interface. Default false: like a real shutdown, no route. */
  multicastRoute?: boolean
}

/** One host's link to one segment. */
export interface Iface {
  host: string
  segment: string
  /** Its end inside the host's namespace. */
  hostIf: string
  /** The bridge's end, inside the bridge namespace. */
  bridgeIf: string
  ip: string
}

/** Everything a LAN will be called. */
export interface Layout {
  prefix: string
  bridgeNs: string
  /** Segment names, in spec order; the bridge of segment i is `bridges[i]`. */
  segments: string[]
  bridges: string[]
  hosts: Map<string, Host>
  ifaces: Iface[]
}

const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/

/** Host names in order of first appearance; throws on a malformed spec. */
function hostNames (spec: LanSpec): string[] {
  const segments = Object.keys(spec.segments)
  if (segments.length === 0) throw new Error('lan: spec.segments is empty')
  if (segments.length > 256) throw new Error('lan: at most 256 segments')
  const names: string[] = []
  for (const seg of segments) {
    const members = spec.segments[seg]
    if (!Array.isArray(members)) throw new Error(`lan: segment '${seg}' must list host names`)
    if (new Set(members).size !== members.length) throw new Error(`lan: segment '${seg}' lists a host twice`)
    for (const h of members) {
      if (typeof h !== 'string' || !HOST_NAME.test(h)) {
        throw new Error(`lan: bad host name ${JSON.stringify(h)} (letters, digits, _ . -; at most 32; not starting with _ . -)`)
      }
      if (!names.includes(h)) names.push(h)
    }
  }
  if (names.length > 254) throw new Error('lan: at most 254 hosts')
  return names
}

/** Names and addresses of a LAN built from `spec` with this prefix and second address octet. */
export function planLan (spec: LanSpec, prefix: string, octet: number): Layout {
  const names = hostNames(spec)
  const segments = Object.keys(spec.segments)
  const layout: Layout = { prefix, bridgeNs: `${prefix}-_bridges`, segments, bridges: segments.map((_, si) => `${prefix}-br${si}`), hosts: new Map(), ifaces: [] }
  for (const [hi, name] of names.entries()) {
    const ips: string[] = []
    segments.forEach((seg, si) => {
      if (!spec.segments[seg]!.includes(name)) return
      const ip = `10.${octet}.${si}.${hi + 1}`
      ips.push(ip)
      layout.ifaces.push({ host: name, segment: seg, hostIf: `${prefix}-h${hi}s${si}`, bridgeIf: `${prefix}-p${hi}s${si}`, ip })
    })
    layout.hosts.set(name, { name, ns: `${prefix}-${name}`, ip: ips[0]!, ips })
  }
  return layout
}

/** The `ip -batch` input, run in the bridge namespace, that makes the bridges and every veth pair. */
export function bridgeCommands (layout: Layout): string {
  const cmds = ['link set dev lo up']
  for (const br of layout.bridges) {
    cmds.push(`link add name ${br} type bridge mcast_snooping 0`, `link set dev ${br} type bridge mcast_snooping 0`,
      `link set dev ${br} multicast on`, `link set dev ${br} up`)
  }
  for (const i of layout.ifaces) {
    const br = layout.bridges[layout.segments.indexOf(i.segment)]
    cmds.push(`link add name ${i.bridgeIf} type veth peer name ${i.hostIf} netns ${layout.hosts.get(i.host)!.ns}`,
      `link set dev ${i.bridgeIf} master ${br}`, `link set dev ${i.bridgeIf} multicast on`, `link set dev ${i.bridgeIf} up`)
  }
  return cmds.join('\n') + '\n'
}

/** The `ip -batch` input, run in a host's namespace: lo, addresses, multicast flag, up; no default route. */
export function hostCommands (layout: Layout, host: string, multicastRoute = false): string {
  const mine = layout.ifaces.filter((i) => i.host === host)
  const cmds = ['link set dev lo up']
  for (const i of mine) cmds.push(`link set dev ${i.hostIf} multicast on`, `addr add ${i.ip}/24 dev ${i.hostIf}`, `link set dev ${i.hostIf} up`)
  if (multicastRoute && mine[0] !== undefined) cmds.push(`route add 224.0.0.0/4 dev ${mine[0].hostIf}`)
  return cmds.join('\n') + '\n'
}
