/**
 * Issue 17, finding 2: an outsider with no invite holds more Noise connections than the cap
 * (16), with keep-alives, and reconnects whatever is closed. A member arriving meanwhile must
 * still get through while the attack runs; the outsider may stay connected.
 */
import t from 'tap'
import { skipUnlessLan } from '../helpers/lan.js'
import { peersOf } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'
import { attack, delivery, nodeFor, portOf, wifiWithOutsider } from './attack-helpers.js'

const ATTACK_MS = 60_000
const HOLD = 24

t.test('an outsider holding every connection slot does not keep a member out', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes } = await wifiWithOutsider(t)
  const na = await nodeFor(t, lan, 'a', homes.a)
  const m = attack(lan, 'm', 'hold', [lan.host('a').ip, portOf(na), HOLD, ATTACK_MS], ATTACK_MS + 15_000)
  t.ok(await eventually(async () => (await peersOf(na)).filter((p) => p.host === lan.host('m').ip).length >= 16, 20_000, 200), 'the outsider holds 16 connections to A (the cap)')

  await nodeFor(t, lan, 'b', homes.b)
  const delay = await delivery(homes.b, na, 'malgré les squatteurs', 40_000)
  const during = m.running()
  t.ok(delay !== null && during, `B's message reached A while the attack was still running (${delay !== null ? `${delay} ms after the send` : 'never within 40 s'})`)
  const outsiders = (await peersOf(na)).filter((p) => p.host === lan.host('m').ip).length
  const report = await m.done
  t.ok(report.opened >= 16, `the outsider completed ${String(report.opened)} handshakes (most ${String(report.maxHeld)} at once)`)
  t.comment(`finding 2: outsider held up to ${String(report.maxHeld)} connections (cap 16), ${outsiders} still connected to A when B's message arrived; honest message delay during the attack: ${delay !== null ? `${delay} ms` : 'never (> 40 s)'}`)
})
