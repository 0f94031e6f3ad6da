/**
 * Issue 17, finding 8: one record dated 2^53 - 1 crashed every member's `log` and app. The
 * hostile member writes it with a raw append into its own log (a modified client), a real
 * `tamtam up` on another namespace host replicates it, and then `log` and the app's first
 * paint must still work.
 */
import t from 'tap'
import { skipUnlessLan } from '../helpers/lan.js'
import { lanWithRoom, startNode, tamtam, texts } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'
import { Tamtam } from '../../src/tamtam.js'
import { TamtamNode } from '../../src/node/index.js'
import { TuiModel } from '../../cli/tui/model.js'
import { timelineView } from '../../cli/tui/views.js'

const json = (o: unknown): Buffer => Buffer.from(JSON.stringify(o))

/** A modified client: raw blocks straight into the member's own log in `room` (no node running). */
async function forge (home: string, room: string, blocks: Buffer[]): Promise<void> {
  const tt = new Tamtam({ home })
  try {
    await tt.open()
    const own = (await tt.logs(tt.rooms.resolve(room))).own
    await own.core.append(blocks)
  } finally {
    await tt.close()
  }
}

t.test('a record dated 2^53 - 1 crashes neither `log` nor the app of an honest member', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes } = await lanWithRoom(t, { wifi: ['awa', 'mallory'] }, ['awa', 'mallory'])
  await tamtam(homes.awa, 'send', 'atelier', 'bonjour')
  const now = Date.now()
  await forge(homes.mallory, 'atelier', [
    json({ v: 1, type: 'msg', ts: Number.MAX_SAFE_INTEGER, text: 'date de la fin des temps' }),
    json({ v: 1, type: 'nick', ts: 8.64e15 + 1, name: 'Horloge' }),
    // The positive marker (README rule 2): written after the hostile records, same log.
    json({ v: 1, type: 'msg', ts: now, text: 'marqueur après' })
  ])
  const awa = await startNode(lan, 'awa', homes.awa)
  const mallory = await startNode(lan, 'mallory', homes.mallory)
  t.teardown(async () => { await awa.stop(); await mallory.stop() })
  t.ok(await eventually(async () => (await texts(awa, 'atelier')).includes('marqueur après'), 30_000, 200), 'Awa\'s node replicated Mallory\'s log up to the marker')

  const started = Date.now()
  const log = await awa.run('log', 'atelier', '--limit', '20')
  t.comment(`hostile-ts: \`log --limit 20\` exit ${String(log.code)} in ${Date.now() - started} ms; stderr: ${log.stderr.trim().slice(0, 160)}`)
  t.equal(log.code, 0, '`log` (human format, with dates) still works')
  t.match(log.stdout, /marqueur après/, 'and shows the marker')
  t.notMatch(log.stdout, /fin des temps|Horloge/, 'the records dated past the year 9999 are dropped by the schema')
  const json20 = await awa.run('log', 'atelier', '--limit', '20', '--json')
  t.equal(json20.code, 0, '`log --json` works too')

  // The app paints before it syncs anything: its first paint must survive what the store holds.
  t.equal(await awa.stop(), 0, 'Awa\'s node stops cleanly')
  const node = new TamtamNode({ home: homes.awa, network: false })
  await node.openLocal()
  t.teardown(async () => await node.close())
  const model = new TuiModel(node, 'fr')
  let screen: string[] = []
  let crash = ''
  try {
    await model.refresh()
    screen = timelineView(model.state, model.t, 80, 30)
  } catch (err) {
    crash = String(err)
  }
  t.comment(`hostile-ts: app first paint ${crash === '' ? `drew ${screen.length} lines` : `threw ${crash}`}`)
  t.equal(crash, '', 'the app\'s first paint does not throw')
  t.ok(screen.some((l) => l.includes('marqueur après')), 'and draws the marker')
})
