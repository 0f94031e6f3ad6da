/**
 * The node counts a bundle's proofs carry must be what the importer's empty core lacks.
 * NodePlanner is checked against Hypercore's own `missingNodes` on a real scratch core
 * that applies the same proofs, for many log lengths, starting points and gaps.
 */
import t from 'tap'
import Corestore from 'corestore'
import { fullRoots, NodePlanner, parent, sibling } from '../../src/bundles/tree.js'
import { provable } from '../../src/bundles/proofs.js'
import { tempDir } from '../helpers/peers.js'

t.test('flat-tree arithmetic (table)', async (t) => {
  // [length, roots] as Hypercore numbers them: leaves are even; 501 = 256 + 128 + 64 + 32 + 16 + 4 + 1.
  const roots: Array<[number, number[]]> = [[0, []], [1, [0]], [2, [1]], [3, [1, 4]], [5, [3, 8]], [7, [3, 9, 12]], [8, [7]], [501, [255, 639, 831, 927, 975, 995, 1000]]]
  for (const [length, expected] of roots) t.same(fullRoots(length), expected, `roots of ${length} blocks`)
  t.same([parent(0), parent(2), parent(1), parent(5), sibling(0), sibling(3), sibling(5)], [1, 1, 3, 3, 2, 11, 1], 'parents and siblings')
  t.equal(parent(2 ** 40), 2 ** 40 + 1, 'exact past 2^31')
})

t.test('NodePlanner agrees with Hypercore\'s missingNodes', async (t) => {
  const source = new Corestore(tempDir(t))
  const target = new Corestore(tempDir(t))
  t.teardown(async () => { await source.close(); await target.close() })
  // [log length, first block, step between blocks carried, blocks appended after planning (a log growing during export)]
  const cases: Array<[number, number, number, number]> = [
    [1, 0, 1, 0], [2, 0, 1, 0], [3, 0, 1, 0], [3, 2, 1, 0], [7, 0, 1, 0], [8, 3, 1, 0], [13, 5, 1, 0], [100, 0, 1, 0], [257, 0, 1, 0], [257, 200, 1, 0],
    [501, 101, 1, 0], [1000, 0, 3, 0], [1000, 999, 1, 0], [1024, 511, 2, 0], [9000, 0, 1, 0], [600, 0, 1, 400], [5, 2, 1, 3], [1, 0, 1, 1]
  ]
  let proofs = 0
  let mismatches = 0
  const started = Date.now()
  for (const [n, [length, first, step, grown]] of cases.entries()) {
    const core = provable(source.get({ name: `log-${n}` }))
    await core.ready()
    const blocks = Array.from({ length: length + grown }, (_, i) => Buffer.from(`block ${i}`))
    for (let i = 0; i < length + grown; i += 1000) await core.append(blocks.slice(i, Math.min(i + 1000, length + grown)))
    const replica = provable(target.get({ key: core.key }))
    await replica.ready()
    const planner = new NodePlanner(length)
    let ok = true
    for (let index = first; index < length; index += step) {
      const planned = planner.next(index)
      if (index !== first) {
        const missing = await replica.missingNodes(index)
        if (missing !== planned) {
          mismatches++
          if (mismatches < 5) t.comment(`length ${length} block ${index}: planned ${planned}, Hypercore says ${missing}`)
        }
      }
      const proof = index === first
        ? await core.proof({ block: { index, nodes: 0 }, upgrade: { start: 0, length } })
        : await core.proof({ block: { index, nodes: planned } })
      if (index === first) proof.manifest = core.core.header.manifest
      ok = await replica.applyProof(proof) && ok
      proofs++
    }
    t.ok(ok && replica.length === length + grown, `length ${length}${grown > 0 ? ` (${length + grown} by the first proof)` : ''}, from ${first}, every ${step}: every proof verifies`)
    await core.close()
    await replica.close()
  }
  t.equal(mismatches, 0, `${proofs} proofs, node counts all equal to Hypercore's`)
  t.comment(`tree: ${proofs} proofs planned and verified in ${Date.now() - started} ms`)
})
