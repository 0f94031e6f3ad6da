/**
 * How many Merkle nodes each block proof of a bundle must carry. The importer verifies a
 * bundle's proofs in order on an empty core, so proof k may rely on every node proofs 0..k-1
 * stored there. NodePlanner mirrors what that core holds (the signed roots, then each proven
 * block's path) and asks, like Hypercore's `missingNodes`, how far up a block's path the
 * importer still lacks nodes. Indexes are Hypercore's flat-tree (in-order) numbering, done
 * with arithmetic rather than bit operations so logs past 2^31 blocks stay exact.
 */

/** Depth of a flat-tree index (0 for a leaf). */
export function depth (index: number): number {
  let x = index + 1
  let d = 0
  while (x % 2 === 0) {
    x /= 2
    d++
  }
  return d
}

function offset (index: number, d: number): number {
  return ((index + 1) / 2 ** d - 1) / 2
}

function at (d: number, o: number): number {
  return (2 * o + 1) * 2 ** d - 1
}

/** Parent of a flat-tree index. */
export function parent (index: number): number {
  const d = depth(index)
  return at(d + 1, Math.floor(offset(index, d) / 2))
}

/** Sibling of a flat-tree index. */
export function sibling (index: number): number {
  const d = depth(index)
  const o = offset(index, d)
  return at(d, o % 2 === 0 ? o + 1 : o - 1)
}

/** Last leaf index under a node. */
export function rightSpan (index: number): number {
  return index + 2 ** depth(index) - 1
}

/** Roots of a tree of `length` blocks, left to right. */
export function fullRoots (length: number): number[] {
  const roots: number[] = []
  let rest = length
  let base = 0
  while (rest > 0) {
    let factor = 1
    while (factor * 2 <= rest) factor *= 2
    roots.push(base + factor - 1)
    base += 2 * factor
    rest -= factor
  }
  return roots
}

/** Blocks between two prunes of nodes no later proof can reach. */
const PRUNE_EVERY = 4096

/** Plans the `nodes` count of each block proof of one log, for blocks given in increasing order. */
export class NodePlanner {
  private readonly known = new Set<number>()
  private sincePrune = 0

  /** The importer starts with the roots of the signed tree of `length` blocks. */
  constructor (length: number) {
    for (const root of fullRoots(length)) this.known.add(root)
  }

  /**
   * Nodes the proof of `block` must carry, and record them as known. The first proof of a
   * log carries its whole path to a root in the upgrade, which this records the same way.
   */
  next (block: number): number {
    const leaf = 2 * block
    let count = 0
    for (let n = leaf; !this.known.has(n); n = parent(n)) count++
    let n = leaf
    this.known.add(n)
    for (let i = 0; i < count; i++) {
      this.known.add(sibling(n))
      n = parent(n)
      this.known.add(n)
    }
    if (++this.sincePrune >= PRUNE_EVERY) this.prune(leaf)
    return count
  }

  /** Forget nodes wholly left of `leaf`: later blocks are to its right, so their paths never meet them. */
  private prune (leaf: number): void {
    this.sincePrune = 0
    for (const n of this.known) if (rightSpan(n) < leaf) this.known.delete(n)
  }
}
