/**
 * Issue 17, finding 3: an outsider replays A's and B's beacons from its own address for a
 * few seconds, then stops; then A and B lose their connection. They must find each other
 * again: a replayed beacon must never make a node forget a real one.
 */
import t from 'tap'
import { skipUnlessLan } from '../helpers/lan.js'
import { peersOf, startNode, tamtam, texts } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'
import { attack, wifiWithOutsider } from './attack-helpers.js'

/** One announce a second: a real candidate is lost only after 4 s of silence, which a loaded machine never causes by accident. */
const NODE = ['--lan-only', '--announce-interval', '1000']

t.test('two replayed beacons do not partition A and B after their next disconnection', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes } = await wifiWithOutsider(t)
  const [na, nb] = await Promise.all([startNode(lan, 'a', homes.a, NODE), startNode(lan, 'b', homes.b, NODE)])
  t.teardown(async () => { await na.stop(); await nb.stop() })
  const ip = (h: string): string => lan.host(h).ip
  const linked = async (): Promise<boolean> => (await peersOf(na)).some((p) => p.host === ip('b') && p.rooms.includes('atelier'))
  t.ok(await eventually(linked, 15_000, 100), 'A and B are connected and share the room')

  const replay = attack(lan, 'm', 'replay', [ip('m'), `${ip('a')},${ip('b')}`, 200, 5000], 30_000)
  const r = await replay.done
  t.equal(r.captured, 2, `the outsider captured both beacons and replayed them ${String(r.sent)} times`)
  // The replayed candidates expire (3 intervals + 1 s = 4 s); wait past that.
  await new Promise((resolve) => setTimeout(resolve, 6500))

  const gone = (): number => na.events.filter((e) => e.event === 'disconnected').length
  const before = gone()
  const cutAt = Date.now()
  const cut = await lan.exec('a', ['ss', '-K', 'dst', ip('b')], { timeout: 10_000 })
  t.equal(cut.code, 0, 'the A–B TCP connection is killed (ss -K)')
  t.ok(await eventually(() => gone() > before, 10_000, 20), 'A sees B gone')
  await tamtam(homes.b, 'send', 'atelier', 'après la coupure')
  const back = await eventually(async () => (await texts(na, 'atelier')).includes('après la coupure'), 45_000, 250)
  const ms = Date.now() - cutAt
  t.ok(back, `A and B reconnected and synced after the cut (${back ? `${ms} ms` : 'not within 45 s'})`)
  t.ok(na.events.some((e) => e.event === 'connected' && e.host === ip('b') && e.ts >= cutAt), 'over a new connection')
  t.comment(`finding 3: ${String(r.sent)} replayed beacons over 5 s; after the cut, B's message reached A in ${back ? `${ms} ms` : 'never (> 45 s)'}`)
})
