// A document crosses a hop whose middle peer never asked for it (issue 16, bug 2).
// Line topology A - B - C in network namespaces, Internet cut: A shares 20 MB, B never runs
// `get`, and C's get still completes, because B's node fetches what C asks for and passes
// it on. B's own limits still bound it: over B's per-file limit, B fetches nothing.
import t from 'tap'
import path from 'node:path'
import { skipUnlessLan, type Lan } from '../helpers/lan.js'
import { lanWithRoom, startNode } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'
import { docsCli, docsOf, jsonError, jsonLines, randomFile, sha256File } from './helpers.js'

const MB = 1000 * 1000

/** Three homes in one room, on a line of namespaces a - b - c. */
async function line (t: any): Promise<{ a: string, b: string, c: string, dir: string, lan: Lan }> {
  const { lan, homes: { a, b, c }, dir } = await lanWithRoom(t, { s1: ['a', 'b'], s2: ['b', 'c'] }, ['a', 'b', 'c'])
  return { a, b, c, dir, lan }
}

t.test('C fetches a 20 MB document through B, which never asked for it', async (t) => {
  if (!skipUnlessLan(t)) return
  const { a, b, c, dir, lan } = await line(t)
  const nodes = await Promise.all([startNode(lan, 'a', a), startNode(lan, 'b', b), startNode(lan, 'c', c)])
  t.teardown(async () => { for (const n of nodes) await n.stop() })

  const big = await randomFile(dir, 'Rapport annuel.pdf', 20 * MB)
  const shared = jsonLines((await docsCli(a, ['--json', 'share', 'atelier', big.file])).stdout).pop() as Record<string, any>
  t.equal(shared.sha256, big.sha256, 'A shared the 20 MB file')
  t.ok(await eventually(async () => (await docsOf(c)).has(shared.id), 15_000, 200), 'C learns of the document through B')
  const atB = (await docsOf(b)).get(shared.id)
  t.equal(atB?.localBytes, 0, 'B holds not one block of it: nobody at B asked')

  const out = path.join(dir, 'out-c.pdf')
  const got = await docsCli(c, ['--json', 'get', 'atelier', shared.id, '-o', out], 180_000)
  t.equal(got.code, 0, `C's get exits 0 ${got.stderr}`)
  if (got.code !== 0) t.comment(`B's warnings: ${JSON.stringify(nodes[1].events.filter((e) => e.event === 'warning' || e.event === 'document-passed'))}`)
  t.equal(await sha256File(out), big.sha256, 'C has the exact bytes')
  t.equal((jsonLines(got.stdout).pop() as Record<string, any>).downloadedBytes, 20 * MB, 'all of it came over the B - C link')
  t.equal((await docsOf(b)).get(shared.id)?.status, 'complete', 'B now holds the document it passed on')
})

t.test('B does not pass on a document over its own per-file limit', async (t) => {
  if (!skipUnlessLan(t)) return
  const { a, b, c, dir, lan } = await line(t)
  const limited = await docsCli(b, ['--json', 'docs', 'limits', 'atelier', '--max-file', '1MB'])
  t.equal(limited.code, 0, `B lowers its per-file limit to 1 MB ${limited.stderr}`)
  const nodes = await Promise.all([startNode(lan, 'a', a), startNode(lan, 'b', b), startNode(lan, 'c', c)])
  t.teardown(async () => { for (const n of nodes) await n.stop() })

  const big = await randomFile(dir, 'video.mp4', 3 * MB)
  const small = await randomFile(dir, 'after.txt', 500 * 1000)
  const sharedBig = jsonLines((await docsCli(a, ['--json', 'share', 'atelier', big.file])).stdout).pop() as Record<string, any>
  t.ok(await eventually(async () => (await docsOf(c)).has(sharedBig.id), 15_000, 200), 'C learns of the 3 MB document')
  const refused = await docsCli(c, ['--json', 'get', 'atelier', sharedBig.id, '-o', path.join(dir, 'no.mp4'), '--stall-timeout', '4'], 60_000)
  t.equal(jsonError(refused)?.code, 'DOC_UNAVAILABLE', `C's get of the 3 MB document stalls: B refused to fetch it ${refused.stderr}`)

  // The positive marker: a document under B's limit, shared after, does cross.
  const sharedSmall = jsonLines((await docsCli(a, ['--json', 'share', 'atelier', small.file])).stdout).pop() as Record<string, any>
  t.ok(await eventually(async () => (await docsOf(c)).has(sharedSmall.id), 15_000, 200), 'C learns of the 500 KB document')
  const ok = await docsCli(c, ['--json', 'get', 'atelier', sharedSmall.id, '-o', path.join(dir, 'after.txt')], 60_000)
  t.equal(ok.code, 0, `a document under B's limit crosses ${ok.stderr}`)
  t.equal((await docsOf(b)).get(sharedBig.id)?.localBytes, 0, 'and B never stored a block of the 3 MB one')
})
