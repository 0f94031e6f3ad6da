/**
 * Which epoch a room is in, computed from the logs alone so every member holding the same
 * records reaches the same answer (protocol.md §20). From the first epoch, each step takes
 * the rotations that leave the epoch reached so far and counted (a moderator wrote them at
 * their point in the moderation order, src/moderation), and follows the first of them by
 * (ts, core, seq): two moderators rotating on either side of a partition converge on one
 * epoch once the records meet. A rotation whose boxes hold none for us ends the walk there:
 * we were left out (removed, or joined by an out-of-date invite).
 */

/** One rotation as the walk sees it: where it is and what it leads to. */
export interface Rotation {
  /** The epoch (room id hex) whose log carries it. */
  from: string
  /** The epoch it leads to. */
  next: string
  ts: number
  core: string
  seq: number
  author: string
  /** Every part is here, so "no box for us" is final. */
  complete: boolean
  /** The new secret if one of our boxes opened, else null. */
  secret: Buffer | null
}

/** Where the walk ended. */
export interface ChainEnd {
  /** The epoch reached (room id hex) and its depth (rotations from the first epoch). */
  id: string
  depth: number
  /** Its secret when it was reached through a rotation (null: the first epoch). */
  secret: Buffer | null
  /** The rotation that left us out, if the walk ended on one. */
  leftOut: Rotation | null
  /** The epochs passed, from the first to `id`. */
  path: string[]
}

/** Earlier of two rotations in the (ts, core, seq) order. */
function before (a: Rotation, b: Rotation): boolean {
  return a.ts - b.ts < 0 || (a.ts === b.ts && (a.core < b.core || (a.core === b.core && a.seq < b.seq)))
}

/**
 * Walk from `root` over `rotations`. Pure and bounded: an epoch is never entered twice, so
 * a rotation back to an epoch already passed (a cycle, or a replayed record) is skipped.
 * A winner whose parts are not all here yet, with no box for us so far, stops the walk
 * without a verdict: the rest may still hold our box.
 */
export function walkChain (root: string, rotations: Rotation[]): ChainEnd {
  let end: ChainEnd = { id: root, depth: 0, secret: null, leftOut: null, path: [root] }
  const passed = new Set([root])
  for (let step = 0; step <= rotations.length; step++) {
    let winner: Rotation | null = null
    for (const r of rotations) if (r.from === end.id && !passed.has(r.next) && (winner === null || before(r, winner))) winner = r
    if (winner === null) return end
    if (winner.secret === null) return winner.complete ? { ...end, leftOut: winner } : end
    passed.add(winner.next)
    end = { id: winner.next, depth: end.depth + 1, secret: winner.secret, leftOut: null, path: [...end.path, winner.next] }
  }
  return end
}
