/**
 * Reach receipts from real replication: Awa's message counts as reached once Moussa's
 * node, linked by a Noise stream in process, holds her log up to it.
 */
import t from 'tap'
import { peersHolding, reachOf } from '../../src/replication/index.js'
import { eventually, link, peer } from '../helpers/peers.js'

t.test('alone, a message reaches nobody; linked, 1 of 1 once Moussa holds it', async (t) => {
  const awa = await peer(t, 'Awa')
  const moussa = await peer(t, 'Moussa')
  const { invite } = await awa.createRoom('atelier')
  await moussa.joinRoom(invite)
  const room = awa.rooms.resolve('atelier')
  const logs = await awa.logs(room)
  await moussa.logs(moussa.rooms.resolve('atelier'))
  t.same(reachOf(logs, 0), { k: 0, n: 0 }, 'alone in the room: nobody to reach')

  await link(t, awa, moussa)
  t.ok(await eventually(() => logs.list().length === 2), 'Awa learns of Moussa\'s log')
  await awa.send(room, 'bonjour')
  const seq = logs.own.core.length - 1
  t.ok(await eventually(() => reachOf(logs, seq).k === 1), 'Moussa holds the message')
  t.same(reachOf(logs, seq), { k: 1, n: 1 }, 'reached by 1 of 1')
  t.equal(peersHolding(logs.own.core, seq + 1), 0, 'a block not written yet is held by nobody')
})
