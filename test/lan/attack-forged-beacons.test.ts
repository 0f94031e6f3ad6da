/**
 * Issue 17, finding 4: an outsider announces 1,000 forged peers every 2 s, each pointing at a
 * port that accepts and never answers. A newcomer B must still be heard by A, and A and B
 * must connect and sync while the flood goes on.
 */
import t from 'tap'
import { skipUnlessLan } from '../helpers/lan.js'
import { eventually } from '../helpers/peers.js'
import { attack, delivery, nodeFor, wifiWithOutsider } from './attack-helpers.js'

const ATTACK_MS = 75_000
/** One announce a second: candidates are lost after 4 s, so the forger's rounds (2 s) keep the table full. */
const NODE = ['--lan-only', '--announce-interval', '1000']

t.test('1,000 forged beacons every 2 s neither hide a newcomer nor keep A and B apart', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes } = await wifiWithOutsider(t)
  const na = await nodeFor(t, lan, 'a', homes.a, NODE)
  const forge = attack(lan, 'm', 'forge', [lan.host('m').ip, 1000, 2000, ATTACK_MS], ATTACK_MS + 20_000)
  t.ok(await eventually(() => na.events.filter((e) => e.event === 'found').length >= 1000, 20_000, 200), 'A has heard 1,000 forged peers')

  await nodeFor(t, lan, 'b', homes.b, NODE)
  const delay = await delivery(homes.b, na, 'sous les faux phares', 45_000)
  const during = forge.running()
  t.ok(delay !== null && during, `B's message reached A while the forged beacons kept coming (${delay !== null ? `${delay} ms after the send` : 'never within 45 s'})`)
  const heardB = na.events.some((e) => e.event === 'found' && e.host === lan.host('b').ip)
  t.ok(heardB, 'A heard the newcomer B despite a full candidate table')
  const report = await forge.done
  t.comment(`finding 4: ${String(report.sent)} forged beacons (1,000 every 2 s), A dialled the forger ${String(report.dialsIn)} times; newcomer's message during the flood: ${delay !== null ? `${delay} ms` : 'never (> 45 s)'}`)
})
