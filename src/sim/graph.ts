/**
 * The shape of a simulated mesh, as pure functions of a seeded random source: a connected
 * graph where every peer has about `degree` links, and the group a partition cuts off.
 */

/** A link between two peers (indexes), smaller index first. */
export type Edge = [number, number]

/** Pick and remove a random element of `list` (order not kept). */
function takeAt (list: number[], i: number): number {
  const v = list[i]
  list[i] = list[list.length - 1]
  list.pop()
  return v
}

/** A random permutation of 0..n-1 (Fisher–Yates). */
export function shuffled (n: number, random: () => number): number[] {
  const out = Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

/**
 * A connected graph on n peers: a random spanning tree (each peer in random order attaches
 * to a random earlier one that still has room), then random extra links between peers
 * below `degree` until none can be added. No peer ever has more than max(degree, 2)
 * links: 2 because a tree needs it when degree is 1.
 */
export function meshGraph (n: number, degree: number, random: () => number): Edge[] {
  const cap = Math.max(degree, 2)
  const deg = new Array<number>(n).fill(0)
  const edges: Edge[] = []
  const seen = new Set<string>()
  const add = (u: number, v: number): void => {
    const e: Edge = u < v ? [u, v] : [v, u]
    edges.push(e)
    seen.add(`${e[0]}-${e[1]}`)
    deg[u]++
    deg[v]++
  }
  const order = shuffled(n, random)
  const open = [order[0]]
  for (const v of order.slice(1)) {
    const i = Math.floor(random() * open.length)
    const u = open[i]
    add(u, v)
    if (deg[u] >= cap) takeAt(open, i)
    if (deg[v] < cap) open.push(v)
  }
  const below = order.filter((v) => deg[v] < degree)
  for (let tries = 0; below.length >= 2 && tries < n * degree * 8; tries++) {
    const i = Math.floor(random() * below.length)
    let j = Math.floor(random() * (below.length - 1))
    if (j >= i) j++
    const [u, v] = [below[i], below[j]]
    if (seen.has(u < v ? `${u}-${v}` : `${v}-${u}`)) continue
    add(u, v)
    // Remove the higher index first so the lower one stays valid.
    for (const k of [Math.max(i, j), Math.min(i, j)]) if (deg[below[k]] >= degree) takeAt(below, k)
  }
  return edges
}

/** Links per peer. */
export function degrees (n: number, edges: Edge[]): number[] {
  const deg = new Array<number>(n).fill(0)
  for (const [u, v] of edges) {
    deg[u]++
    deg[v]++
  }
  return deg
}

/**
 * The peers a partition cuts off: about `share` of them, chosen at random but never peer 0
 * (the facilitator), plus any peer the cut would strand from the facilitator anyway (all
 * its paths went through the group). So the group is exactly who cannot be reached while
 * the partition lasts. Sorted.
 */
export function partitionGroup (n: number, edges: Edge[], random: () => number, share = 0.3): number[] {
  const size = Math.min(n - 1, Math.max(1, Math.round(n * share)))
  const group = new Set(shuffled(n - 1, random).slice(0, size).map((i) => i + 1))
  const next = Array.from({ length: n }, () => [] as number[])
  for (const [u, v] of edges) {
    if (group.has(u) || group.has(v)) continue
    next[u].push(v)
    next[v].push(u)
  }
  const reached = new Set([0])
  const todo = [0]
  while (todo.length > 0) {
    for (const v of next[todo.pop() as number]) {
      if (reached.has(v)) continue
      reached.add(v)
      todo.push(v)
    }
  }
  return Array.from({ length: n }, (_, i) => i).filter((i) => !reached.has(i))
}

/** The links a partition cuts: those with exactly one end in the group. */
export function cutEdges (edges: Edge[], group: number[]): number[] {
  const inGroup = new Set(group)
  return edges.flatMap((e, i) => inGroup.has(e[0]) !== inGroup.has(e[1]) ? [i] : [])
}
