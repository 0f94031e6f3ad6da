// Attack by a hostile member (issue 17, finding 14): a `doc` record "lure" that points at
// ANOTHER member's blobs core, over the blocks of a genuine document, with a wrong sha256.
// When the lure failed its hash check, the peer cleared those blocks: the victim's, so
// the genuine document vanished from that peer. And a lure over the blocks of one's own
// genuine document (same range, wrong hash) cleared them too.
//
// Real `tamtam up` nodes on namespace hosts: V (victim), M (hostile member), P (peer).
// V and M share one small document each; P's node fetches both on its own. V leaves. M
// writes two lures into its own log (through the library, as a modified client would),
// and its node starts again. P's node meets the lures, and P also asks for them by hand.
// Then, with V still away, P must still hold and serve V's document.
//
// Figure printed: the bytes of V's and M's genuine documents P still holds after the lures.
import t from 'tap'
import path from 'node:path'
import { Tamtam } from '../../src/tamtam.js'
import { NodeContext } from '../../src/node/context.js'
import { skipUnlessLan } from '../helpers/lan.js'
import { lanWithRoom, startNode, type LanNode } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'
import { docsCli, docsOf, jsonError, jsonLines, randomFile, sha256File } from './helpers.js'

const KB = 1000

/** Append lures to M's own log: copies of `targets` (their blobs core and blocks) with a wrong sha256. */
async function writeLures (home: string, targets: string[]): Promise<string[]> {
  const tt = new Tamtam({ home })
  await tt.open()
  try {
    const room = tt.rooms.resolve('atelier')
    const docs = (await new NodeContext(tt).documents())
    const rd = await docs.open(room)
    await rd.index.refresh()
    const ids: string[] = []
    for (const id of targets) {
      const { doc } = rd.index.find(id) ?? { doc: null }
      if (doc?.blobs == null || doc.blob === null) throw new Error(`M does not know ${id}`)
      const [seq] = await rd.logs.own.append([{ type: 'doc', name: `lure of ${doc.name}`, size: doc.size, mime: doc.mime, sha256: 'f'.repeat(64), blobs: doc.blobs.toString('hex'), blob: doc.blob } as any])
      ids.push(`${rd.logs.own.key.slice(0, 16)}.${seq}`)
    }
    await docs.close()
    return ids
  } finally {
    await tt.close()
  }
}

t.test('a lure pointing at another member\'s blobs core, or over a genuine document\'s blocks, clears nothing', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes: { v, m, p }, dir } = await lanWithRoom(t, { wifi: ['v', 'm', 'p'] }, ['v', 'm', 'p'])
  const nodes: Record<string, LanNode> = {}
  for (const [host, home] of [['v', v], ['m', m], ['p', p]]) nodes[host] = await startNode(lan, host, home)
  t.teardown(async () => { for (const n of Object.values(nodes)) await n.stop() })

  const fileV = await randomFile(dir, 'compte-rendu.pdf', 300 * KB)
  const fileM = await randomFile(dir, 'affiche.png', 200 * KB)
  const docV = jsonLines((await docsCli(v, ['--json', 'share', 'atelier', fileV.file])).stdout).pop() as Record<string, any>
  const docM = jsonLines((await docsCli(m, ['--json', 'share', 'atelier', fileM.file])).stdout).pop() as Record<string, any>
  const complete = async (id: string): Promise<boolean> => (await docsOf(p)).get(id)?.status === 'complete'
  t.ok(await eventually(async () => await complete(docV.id) && await complete(docM.id), 30_000, 250), 'P\'s node fetched both genuine documents on its own')
  t.ok(await eventually(async () => (await docsOf(m)).has(docV.id), 15_000, 200), 'M knows V\'s document')

  await nodes.v.stop()
  await nodes.m.stop()
  const [lureV, lureM] = await writeLures(m, [docV.id, docM.id])
  nodes.m = await startNode(lan, 'm', m)
  t.ok(await eventually(async () => { const d = await docsOf(p); return d.has(lureV) && d.has(lureM) }, 30_000, 250), 'P learns of both lures')
  // P's node meets the lures on its own (they are small enough to auto-fetch); then P asks for them.
  await new Promise((resolve) => setTimeout(resolve, 3_000))
  const getLureV = await docsCli(p, ['--json', 'get', 'atelier', lureV, '-o', path.join(dir, 'lure-v')], 60_000)
  const getLureM = await docsCli(p, ['--json', 'get', 'atelier', lureM, '-o', path.join(dir, 'lure-m')], 60_000)
  t.not(getLureV.code, 0, 'the lure on V\'s blobs core is never written')
  t.not(getLureM.code, 0, 'the lure over M\'s own document is never written')
  t.comment(`get of the lure on V's core: ${jsonError(getLureV)?.code}; of the lure over M's document: ${jsonError(getLureM)?.code}`)

  const after = await docsOf(p)
  const heldV = after.get(docV.id)?.localBytes ?? 0
  const heldM = after.get(docM.id)?.localBytes ?? 0
  t.comment(`after the lures, P holds ${heldV} of ${docV.size} bytes of V's document and ${heldM} of ${docM.size} bytes of M's`)
  t.equal(jsonError(getLureV)?.code, 'DOC_INVALID', 'a record pointing at another member\'s blobs core is refused as invalid')
  t.equal(after.get(lureV)?.status, 'invalid', 'and listed as invalid')
  t.equal(after.get(docV.id)?.status, 'complete', 'V\'s genuine document is still complete at P')
  t.equal(heldV, docV.size, 'every byte of it')
  t.equal(after.get(docM.id)?.status, 'complete', 'M\'s genuine document too: a failed check clears no block another record uses')
  t.equal(heldM, docM.size, 'every byte of it')

  // V and M are away: only P's own store can give V's document now.
  await nodes.m.stop()
  const out = path.join(dir, 'copie.pdf')
  const got = await docsCli(p, ['--json', 'get', 'atelier', docV.id, '-o', out], 60_000)
  t.equal(got.code, 0, `P still gets V's document from its own store, with V and M away ${got.stderr}`)
  t.equal(got.code === 0 ? await sha256File(out) : null, fileV.sha256, 'the exact bytes')
})
