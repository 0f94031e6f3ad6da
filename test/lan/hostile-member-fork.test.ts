/**
 * Issue 17, finding 13: a member truncated its log (a Hypercore fork) and appended new
 * blocks; peers followed silently, and a message id that held one text came back holding
 * another, so a moderator's `hide ID` could point at new content. Real `tamtam up`
 * processes on namespace hosts; the member rewrites its log with the library while its
 * node is stopped, then starts it again.
 */
import t from 'tap'
import { skipUnlessLan } from '../helpers/lan.js'
import { lanWithRoom, startNode, tamtam, texts, type LanNode } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'
import { Tamtam } from '../../src/tamtam.js'

/** The text a node shows for a message id ('' when the id is not shown). */
async function textOf (node: LanNode, id: string): Promise<string> {
  const out = await tamtam(node.home, 'log', 'atelier', '--json', '--all')
  const item = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((i) => i.id === id)
  return item?.text ?? ''
}

t.test('a member that truncates its log and writes again cannot change what a message id holds; peers mark it', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes } = await lanWithRoom(t, { wifi: ['a', 'b', 'm'] }, ['a', 'b', 'm'])
  const nodes = await Promise.all(['a', 'b', 'm'].map(async (h) => await startNode(lan, h, homes[h]!)))
  t.teardown(async () => { for (const n of nodes) await n.stop() })
  const [na, nb, nm] = nodes as [LanNode, LanNode, LanNode]
  await tamtam(homes.m!, 'send', 'atelier', 'texte original')
  t.ok(await eventually(async () => (await texts(na, 'atelier')).includes('texte original') && (await texts(nb, 'atelier')).includes('texte original'), 30_000, 200), 'A and B have M\'s message')
  const id = JSON.parse((await tamtam(homes.a!, 'log', 'atelier', '--json', '--all')).trim().split('\n').filter(Boolean).find((l) => l.includes('texte original'))!).id as string

  // M rewrites history: truncate its log to before the message, append another text.
  await nm.stop()
  const tt = new Tamtam({ home: homes.m! })
  await tt.open()
  const own = (await tt.logs(tt.rooms.resolve('atelier'))).own
  const seq = Number(id.split('.')[1])
  await (own.core as unknown as { truncate: (n: number) => Promise<void> }).truncate(seq)
  await own.append([{ type: 'msg', text: 'texte réécrit' }, { type: 'msg', text: 'suite' }])
  const fork = (own.core as unknown as { fork: number }).fork
  await tt.close()
  nodes[2] = await startNode(lan, 'm', homes.m!)
  t.equal(await textOf(nodes[2]!, id), 'texte réécrit', `M's own copy of ${id} now holds the new text (fork ${fork})`)

  // Give A and B every chance to follow the fork.
  await new Promise((resolve) => setTimeout(resolve, 12_000))
  const shownA = await textOf(na, id)
  const shownB = await textOf(nb, id)
  t.equal(shownA, 'texte original', `on A, ${id} still holds the original text`)
  t.equal(shownB, 'texte original', `on B, ${id} still holds the original text`)
  t.notOk((await texts(na, 'atelier')).includes('suite'), 'A shows nothing from the new fork')
  const entry = JSON.parse((await tamtam(homes.a!, 'log', 'atelier', '--json', '--all')).trim().split('\n').find((l) => l.includes(id))!)
  t.equal(entry.rewrote, true, 'log --json marks M\'s entries: rewrote its history')
  t.match(await tamtam(homes.a!, 'log', 'atelier', '--all'), /texte original \[rewrote their history/, 'and the text line tells the room')

  // The fork is marked in A's store (for the room's display), and survives a restart.
  await na.stop()
  const ta = new Tamtam({ home: homes.a! })
  await ta.open()
  const logs = await ta.logs(ta.rooms.resolve('atelier'))
  const marked = ((logs as unknown as { forkedLogs?: () => Array<{ key: string, forked: object }> }).forkedLogs?.() ?? []).map((l) => ({ key: l.key.slice(0, 16), ...l.forked }))
  await ta.close()
  t.equal(marked.length, 1, `A marks M's log as having rewritten history: ${JSON.stringify(marked)}`)
  t.comment(`fork: M truncated to ${seq} and appended (fork ${fork}); ${id} shows "${shownA}" on A and "${shownB}" on B, "texte réécrit" on M; A's mark ${JSON.stringify(marked)}`)
})
