/**
 * Bringing the real store up to date from a verified scratch store. The scratch core makes
 * proofs fitted to what the real core already holds, and the real core checks each one
 * again with Hypercore's verification before storing it.
 *
 * The usual case is fast: once the real core knows the same signed length as the scratch
 * core (after one upgrade proof, if it knew less), every block's proof carries its whole
 * path to a signed root, so proofs do not depend on each other and are applied in batches
 * that Hypercore commits in one write. When the real core knows a longer version of the log
 * than the bundle, proofs are fitted one by one, like a replicating peer's requests.
 */
import type { ProvableCore, Proof } from './proofs.js'
import { manifestOf } from './proofs.js'
import type { Progress } from './progress.js'
import { fullRoots, parent } from './tree.js'

/** Proofs applied together (Hypercore commits concurrent verifications in one batch). */
const BATCH = 256

/** What happened to the blocks of one log. */
export interface ApplyCount {
  added: number
  /** Already held here. */
  present: number
  /** Verified, but not usable against what this home holds of the log (see `reason`). */
  unusable: number
  reason?: string
}

/** Apply the blocks in `runs` from `source` (scratch) to `target` (real). */
export async function applyRuns (source: ProvableCore, target: ProvableCore, runs: Array<[number, number]>, progress: Progress): Promise<ApplyCount> {
  const count: ApplyCount = { added: 0, present: 0, unusable: 0 }
  const missing: number[] = []
  for (const [start, n] of runs) {
    for (let index = start; index < start + n; index++) {
      if (await target.has(index)) {
        count.present++
        progress.add(1)
      } else {
        missing.push(index)
      }
    }
  }
  let next = 0
  let reported = 0
  const report = (n: number): void => {
    progress.add(n)
    reported += n
  }
  // Later blocks would meet the same obstacle: stop this log at the first that cannot be applied.
  const stop = (reason: string): ApplyCount => {
    progress.add(missing.length - reported)
    return { ...count, unusable: missing.length - count.added, reason }
  }
  // Bring the real core to the signed length of the scratch core with the first missing block.
  if (missing.length > 0 && target.length < source.length) {
    const reason = await applyOne(source, target, missing[next++])
    report(1)
    if (reason !== null) return stop(reason)
    count.added++
  }
  const batched = target.length === source.length
  while (next < missing.length) {
    const batch = missing.slice(next, batched ? next + BATCH : next + 1)
    next += batch.length
    const failed = batched ? await applyBatch(source, target, batch) : batch
    count.added += batch.length - failed.length
    for (const index of failed) {
      const reason = await applyOne(source, target, index)
      if (reason !== null) return stop(reason)
      count.added++
    }
    report(batch.length)
  }
  return count
}

/** Apply blocks whose proofs reach a signed root; returns the ones that were not stored. */
async function applyBatch (source: ProvableCore, target: ProvableCore, batch: number[]): Promise<number[]> {
  const roots = new Set(fullRoots(source.length))
  const results = await Promise.all(batch.map(async (index) => {
    try {
      const proof = await source.proof({ block: { index, nodes: levelsToRoot(index, roots) } })
      return await target.applyProof(proof)
    } catch {
      return false
    }
  }))
  return batch.filter((_, i) => !results[i])
}

/** How many levels separate block `index` from the signed root above it. */
function levelsToRoot (index: number, roots: Set<number>): number {
  let levels = 0
  for (let n = 2 * index; !roots.has(n); n = parent(n)) levels++
  return levels
}

/** Apply one block; null when stored, else why not. Tried twice, in case replication moved the core meanwhile. */
async function applyOne (source: ProvableCore, target: ProvableCore, index: number): Promise<string | null> {
  let reason = 'not accepted'
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      if (await target.applyProof(await fittedProof(source, target, index))) return null
      if (await target.has(index)) return null
    } catch (err) {
      reason = String((err as { code?: unknown })?.code ?? (err as Error)?.message)
    }
  }
  return reason
}

/** A proof of block `index` from `source` that `target`, in its current state, can verify. */
async function fittedProof (source: ProvableCore, target: ProvableCore, index: number): Promise<Proof> {
  const upgrade = target.length < source.length ? { start: target.length, length: source.length - target.length } : null
  const nodes = upgrade !== null && index >= target.length ? 0 : await target.missingNodes(index)
  const proof = await source.proof({ block: { index, nodes }, upgrade })
  if (manifestOf(target) === null) proof.manifest = manifestOf(source)
  return proof
}
