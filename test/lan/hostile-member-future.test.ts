/**
 * Issue 17, finding 11: a member dated 3,000 messages an hour ahead; every one was shown,
 * after every honest message, because the view's order and flood windows followed the
 * claimed ts. A record is now never placed later than when this peer first saw its block
 * (protocol §4, placement). The hostile member writes with raw appends into its own log;
 * a real `tamtam up` on another namespace host replicates them.
 */
import t from 'tap'
import { skipUnlessLan } from '../helpers/lan.js'
import { lanWithRoom, startNode, tamtam } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'
import { Tamtam } from '../../src/tamtam.js'
import { FLOOD_MAX_PER_WINDOW } from '../../src/timeline/index.js'

const json = (o: unknown): Buffer => Buffer.from(JSON.stringify(o))
const FLOOD = 3000
const HOUR = 3_600_000

/** A modified client: raw blocks straight into the member's own log in `room` (no node running). */
async function forge (home: string, room: string, blocks: Buffer[]): Promise<void> {
  const tt = new Tamtam({ home })
  try {
    await tt.open()
    const own = (await tt.logs(tt.rooms.resolve(room))).own
    for (let i = 0; i < blocks.length; i += 1000) await own.core.append(blocks.slice(i, i + 1000))
  } finally {
    await tt.close()
  }
}

/** `log --json` of a home as objects. */
async function items (home: string, ...args: string[]): Promise<Array<Record<string, any>>> {
  return (await tamtam(home, 'log', 'atelier', '--json', ...args)).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
}

t.test('3,000 messages dated an hour ahead are placed when they arrived, and flood-limited there', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes } = await lanWithRoom(t, { wifi: ['awa', 'mallory'] }, ['awa', 'mallory'])
  await tamtam(homes.awa, 'send', 'atelier', 'avant l\'attaque')
  const future = Date.now() + HOUR
  // Ten per 10-second window of claimed time, as in the attack run: under the flood limit of each window.
  const flood = Array.from({ length: FLOOD }, (_, i) => json({ v: 1, type: 'msg', ts: future + i * 1000, text: `futur ${i}` }))
  // Last, a nickname: when Awa's entries of Mallory carry it, her whole log has been indexed.
  await forge(homes.mallory, 'atelier', [...flood, json({ v: 1, type: 'nick', ts: future + FLOOD * 1000, name: 'Mallory-fin' })])
  const awa = await startNode(lan, 'awa', homes.awa)
  const mallory = await startNode(lan, 'mallory', homes.mallory)
  t.teardown(async () => { await awa.stop(); await mallory.stop() })
  t.ok(await eventually(async () => (await items(homes.awa, '--limit', '5000')).some((i) => i.name === 'Mallory-fin'), 60_000, 500), 'Awa\'s node received and indexed all of Mallory\'s log')

  await tamtam(homes.awa, 'send', 'atelier', 'après l\'attaque')
  const all = await items(homes.awa, '--all')
  const shown = all.filter((i) => String(i.text).startsWith('futur ')).length
  const after = all.length - 1 - all.findIndex((i) => i.text === 'après l\'attaque')
  const last20 = await items(homes.awa, '--limit', '20')
  const maxTs = Math.max(...all.filter((i) => String(i.text).startsWith('futur ')).map((i) => Number(i.ts)))
  t.comment(`hostile-future: ${FLOOD} messages dated +1 h; Awa shows ${shown}; entries after the honest message sent after the attack: ${after}; latest flood place ${maxTs - Date.now()} ms from now`)
  t.equal(last20[last20.length - 1]?.text, 'après l\'attaque', 'the honest message sent after the attack is the last line of `log --limit 20`')
  t.equal(after, 0, 'and nothing of Mallory\'s is placed after it in `log --all`')
  t.ok(shown <= 3 * FLOOD_MAX_PER_WINDOW, `the flood is limited where it arrived: ${shown} of ${FLOOD} shown (at most ${FLOOD_MAX_PER_WINDOW} per 10 s of arrival)`)
  t.ok(maxTs <= Date.now(), 'no record of Mallory\'s is placed in the future')

  // The first-seen time is stored locally (the log's index): it holds after a restart.
  t.equal(await awa.stop(), 0, 'Awa\'s node stops cleanly')
  const again = await startNode(lan, 'awa', homes.awa)
  t.teardown(async () => await again.stop())
  const later = await items(homes.awa, '--limit', '20')
  t.equal(later[later.length - 1]?.text, 'après l\'attaque', 'after a restart the honest message is still the last line')
})
