// Documents across real `tamtam up` nodes in network namespaces, Internet cut.
// Line topology A - B - C (C reaches only B): a 20 MB document shared by A is fetched by B,
// then by C through B. On the way: B's node fetches a 100 KB document on its own and leaves
// the 20 MB one alone until asked.
import t from 'tap'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { skipUnlessLan } from '../helpers/lan.js'
import { lanWithRoom, peersOf, startNode } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'
import { docsCli, docsOf, jsonError, jsonLines, randomFile, sha256File } from './helpers.js'

const MB = 1000 * 1000

t.test('line topology: A shares 20 MB, B fetches it, C fetches it through B', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes: { a, b, c }, dir } = await lanWithRoom(t, { s1: ['a', 'b'], s2: ['b', 'c'] }, ['a', 'b', 'c'])
  const nodes = await Promise.all([startNode(lan, 'a', a), startNode(lan, 'b', b), startNode(lan, 'c', c)])
  t.teardown(async () => { for (const n of nodes) await n.stop() })

  const big = await randomFile(dir, 'Rapport annuel.pdf', 20 * MB)
  const small = await randomFile(dir, 'note.txt', 100 * 1000)
  const sharedBig = jsonLines((await docsCli(a, ['--json', 'share', 'atelier', big.file])).stdout).pop() as Record<string, any>
  const sharedSmall = jsonLines((await docsCli(a, ['--json', 'share', 'atelier', small.file])).stdout).pop() as Record<string, any>
  t.equal(sharedBig.sha256, big.sha256, 'A shared the 20 MB file through its node')

  t.ok(await eventually(async () => (await docsOf(b)).get(sharedSmall.id)?.status === 'complete', 15_000, 200), 'B\'s node fetched the 100 KB document on its own')
  const before = (await docsOf(b)).get(sharedBig.id)
  t.equal(before?.status, 'remote', 'the 20 MB one is announced at B but not fetched')
  t.equal(before?.localBytes, 0, 'not one block of it')

  const outB = path.join(dir, 'out-b')
  await fs.mkdir(outB)
  const gotB = await docsCli(b, ['--json', 'get', 'atelier', sharedBig.id, '-o', outB], 120_000)
  t.equal(gotB.code, 0, `B's get exits 0 ${gotB.stderr}`)
  const linesB = jsonLines(gotB.stdout)
  const doneB = linesB.pop() as Record<string, any>
  t.ok(linesB.length > 0 && linesB.every((l) => l.event === 'progress'), 'progress came through the control socket as JSON lines')
  t.ok(linesB.some((l) => l.phase === 'fetch' && l.peers >= 1), 'with the number of peers serving')
  t.equal(doneB.file, path.join(outB, 'Rapport annuel.pdf'), 'written under its name')
  t.equal(await sha256File(doneB.file), big.sha256, 'B has the exact bytes')
  t.equal(doneB.downloadedBytes, 20 * MB, 'all 20 MB came over the network')

  t.ok(await eventually(async () => (await docsOf(c)).has(sharedBig.id), 15_000, 200), 'C learns of the document through B')
  const peersC = await peersOf(nodes[2])
  t.equal(peersC.length, 1, 'C is connected to B only')
  const outC = path.join(dir, 'out-c.pdf')
  const gotC = await docsCli(c, ['--json', 'get', 'atelier', sharedBig.id, '-o', outC], 120_000)
  t.equal(gotC.code, 0, `C's get exits 0 ${gotC.stderr}`)
  t.equal(await sha256File(outC), big.sha256, 'C has the exact bytes, served by B')
  t.equal((jsonLines(gotC.stdout).pop() as Record<string, any>).downloadedBytes, 20 * MB, 'all of it over the B - C link')

  const unknown = await docsCli(c, ['--json', 'get', 'atelier', 'ffffffffffffffff.9'])
  t.equal(jsonError(unknown)?.code, 'DOC_NOT_FOUND', 'an unknown id fails at once with DOC_NOT_FOUND')
})
