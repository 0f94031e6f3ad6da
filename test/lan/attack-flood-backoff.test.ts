/**
 * Issue 17, finding 6: an outsider floods `hello` messages, is cut with PEER_FLOOD, and
 * comes straight back. Its address must be refused for a while, longer each time.
 */
import t from 'tap'
import { skipUnlessLan } from '../helpers/lan.js'
import { attack, delivery, nodeFor, portOf, wifiWithOutsider } from './attack-helpers.js'

const ATTACK_MS = 30_000

t.test('a hello flooder cut with PEER_FLOOD is refused for a while before it can flood again', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes } = await wifiWithOutsider(t)
  const [na] = await Promise.all([nodeFor(t, lan, 'a', homes.a), nodeFor(t, lan, 'b', homes.b)])
  const m = attack(lan, 'm', 'hello-flood', [lan.host('a').ip, portOf(na), 600, ATTACK_MS], ATTACK_MS + 15_000)
  await new Promise((resolve) => setTimeout(resolve, 5000))
  const delay = await delivery(homes.b, na, 'pendant le déluge', 20_000, 200)
  t.ok(delay !== null && m.running(), `B's message reached A during the flood (${delay !== null ? `${delay} ms` : 'never'})`)
  const report = await m.done
  const cuts = na.events.filter((e) => e.event === 'warning' && e.code === 'PEER_FLOOD' && /room messages/.test(String(e.message))).length
  t.ok(report.sessions >= 1 && cuts >= 1, `the flooder got in and was cut with PEER_FLOOD (${String(report.cut)} session(s) cut, ${cuts} PEER_FLOOD warning(s))`)
  t.ok(report.sessions <= 5, `the flooder opened ${String(report.sessions)} session(s) in ${ATTACK_MS / 1000} s, at ms ${JSON.stringify(report.at)} (at most 5)`)
  t.comment(`finding 6: ${String(report.sessions)} flooding sessions in ${ATTACK_MS / 1000} s (${String(report.refused)} sockets refused), ${cuts} PEER_FLOOD warnings; honest message during the flood: ${delay !== null ? `${delay} ms` : 'never'}`)
})
