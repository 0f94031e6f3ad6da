/**
 * Measures of an undirected graph of peers, for checking the mesh a policy or a run of real
 * managers produced: degrees, whether it is connected, and its diameter (by breadth-first
 * search from every node: fine for the few hundred peers of a LAN).
 */

/** Node -> neighbours. A link listed on one side only counts for both. */
export type Graph = ReadonlyMap<string, Iterable<string>>

/** The graph with every link on both sides, and every node present. */
export function undirected (graph: Graph): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>()
  const node = (k: string): Set<string> => {
    let s = out.get(k)
    if (s === undefined) out.set(k, s = new Set())
    return s
  }
  for (const [k, neighbours] of graph) {
    node(k)
    for (const n of neighbours) {
      if (n === k) continue
      node(k).add(n)
      node(n).add(k)
    }
  }
  return out
}

/** Hop counts from `start` to every node it reaches. */
export function distances (graph: ReadonlyMap<string, ReadonlySet<string>>, start: string): Map<string, number> {
  const dist = new Map([[start, 0]])
  let frontier = [start]
  for (let d = 1; frontier.length > 0; d++) {
    const next: string[] = []
    for (const k of frontier) {
      for (const n of graph.get(k) ?? []) {
        if (dist.has(n)) continue
        dist.set(n, d)
        next.push(n)
      }
    }
    frontier = next
  }
  return dist
}

/** What the mesh looks like. */
export interface GraphStats {
  nodes: number
  links: number
  /** True when every node reaches every other one. */
  connected: boolean
  /** Number of connected components. */
  components: number
  /** Longest shortest path, in hops (Infinity when not connected). */
  diameter: number
  minDegree: number
  medianDegree: number
  maxDegree: number
}

/** Degrees, connectivity and diameter of `graph`. */
export function graphStats (graph: Graph): GraphStats {
  const g = undirected(graph)
  const degrees = [...g.values()].map((s) => s.size).sort((a, b) => a - b)
  const links = degrees.reduce((sum, d) => sum + d, 0) / 2
  const components = countComponents(g)
  let diameter = components > 1 ? Number.POSITIVE_INFINITY : 0
  if (components === 1) for (const k of g.keys()) diameter = Math.max(diameter, ...distances(g, k).values())
  const mid = degrees.length >> 1
  const median = degrees.length === 0 ? 0 : degrees.length % 2 === 1 ? degrees[mid] : (degrees[mid - 1] + degrees[mid]) / 2
  return {
    nodes: g.size,
    links,
    connected: components <= 1,
    components,
    diameter,
    minDegree: degrees[0] ?? 0,
    medianDegree: median,
    maxDegree: degrees[degrees.length - 1] ?? 0
  }
}

function countComponents (g: ReadonlyMap<string, ReadonlySet<string>>): number {
  const seen = new Set<string>()
  let count = 0
  for (const k of g.keys()) {
    if (seen.has(k)) continue
    count++
    for (const n of distances(g, k).keys()) seen.add(n)
  }
  return count
}
