/**
 * Issue 17, finding 2: an outsider with no invite holds more Noise connections than the cap
 * (16), with keep-alives, and reconnects whatever is closed. A member arriving meanwhile must
 * still get through while the attack runs; the outsider may stay connected.
 */
import t from 'tap'
import { skipUnlessLan } from '../helpers/lan.js'
import { lanWithRoom, peersOf, startNode, tamtam, texts } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'
import { attack, portOf } from './attack-helpers.js'

const ATTACK_MS = 60_000
const HOLD = 24

t.test('an outsider holding every connection slot does not keep a member out', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes } = await lanWithRoom(t, { wifi: ['a', 'b', 'm'] }, ['a', 'b'])
  const na = await startNode(lan, 'a', homes.a)
  t.teardown(async () => { await na.stop() })
  const m = attack(lan, 'm', 'hold', [lan.host('a').ip, portOf(na), HOLD, ATTACK_MS], ATTACK_MS + 15_000)
  t.ok(await eventually(async () => (await peersOf(na)).filter((p) => p.host === lan.host('m').ip).length >= 16, 20_000, 200), 'the outsider holds 16 connections to A (the cap)')

  const nb = await startNode(lan, 'b', homes.b)
  t.teardown(async () => { await nb.stop() })
  const sentAt = Date.now()
  await tamtam(homes.b, 'send', 'atelier', 'malgré les squatteurs')
  const arrived = await eventually(async () => (await texts(na, 'atelier')).includes('malgré les squatteurs'), 40_000, 250)
  const delay = Date.now() - sentAt
  const during = m.running()
  t.ok(arrived && during, `B's message reached A while the attack was still running (${arrived ? `${delay} ms after the send` : 'never within 40 s'})`)
  const outsiders = (await peersOf(na)).filter((p) => p.host === lan.host('m').ip).length
  const report = await m.done
  t.ok(report.opened >= 16, `the outsider completed ${String(report.opened)} handshakes (most ${String(report.maxHeld)} at once)`)
  t.comment(`finding 2: outsider held up to ${String(report.maxHeld)} connections (cap 16), ${outsiders} still connected to A when B's message arrived; honest message delay during the attack: ${arrived ? `${delay} ms` : 'never (> 40 s)'}`)
})
