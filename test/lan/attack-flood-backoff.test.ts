/**
 * Issue 17, finding 6: an outsider floods `hello` messages, is cut with PEER_FLOOD, and
 * comes straight back. Its address must be refused for a while, longer each time.
 */
import t from 'tap'
import { skipUnlessLan } from '../helpers/lan.js'
import { lanWithRoom, startNode, tamtam, texts } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'
import { attack, portOf } from './attack-helpers.js'

const ATTACK_MS = 30_000

t.test('a hello flooder cut with PEER_FLOOD is refused for a while before it can flood again', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes } = await lanWithRoom(t, { wifi: ['a', 'b', 'm'] }, ['a', 'b'])
  const [na, nb] = await Promise.all([startNode(lan, 'a', homes.a), startNode(lan, 'b', homes.b)])
  t.teardown(async () => { await na.stop(); await nb.stop() })
  const m = attack(lan, 'm', 'hello-flood', [lan.host('a').ip, portOf(na), 600, ATTACK_MS], ATTACK_MS + 15_000)
  await new Promise((resolve) => setTimeout(resolve, 5000))
  const sentAt = Date.now()
  await tamtam(homes.b, 'send', 'atelier', 'pendant le déluge')
  const arrived = await eventually(async () => (await texts(na, 'atelier')).includes('pendant le déluge'), 20_000, 200)
  const delay = Date.now() - sentAt
  t.ok(arrived && m.running(), `B's message reached A during the flood (${arrived ? `${delay} ms` : 'never'})`)
  const report = await m.done
  const cuts = na.events.filter((e) => e.event === 'warning' && e.code === 'PEER_FLOOD' && /room messages/.test(String(e.message))).length
  t.ok(report.sessions >= 1 && cuts >= 1, `the flooder got in and was cut with PEER_FLOOD (${String(report.cut)} session(s) cut, ${cuts} PEER_FLOOD warning(s))`)
  t.ok(report.sessions <= 5, `the flooder opened ${String(report.sessions)} session(s) in ${ATTACK_MS / 1000} s, at ms ${JSON.stringify(report.at)} (at most 5)`)
  t.comment(`finding 6: ${String(report.sessions)} flooding sessions in ${ATTACK_MS / 1000} s (${String(report.refused)} sockets refused), ${cuts} PEER_FLOOD warnings; honest message during the flood: ${arrived ? `${delay} ms` : 'never'}`)
})
