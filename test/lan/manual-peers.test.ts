import t from 'tap'
import { skipUnlessLan } from '../helpers/lan.js'
import { FAST, lanWithRoom, peersOf, startNode, tamtam, texts } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'

t.test('with multicast silent, --peer and `peer add` still connect and sync', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes: { a, b, c } } = await lanWithRoom(t, { wifi: ['a', 'b', 'c'] }, ['a', 'b', 'c'])
  // --listen-only: nobody announces, as on a Wi-Fi that filters multicast.
  const quiet = ['--lan-only', '--listen-only', ...FAST]
  const na = await startNode(lan, 'a', a, [...quiet, '--port', '7411'])
  const nb = await startNode(lan, 'b', b, [...quiet, '--peer', `${lan.host('a').ip}:7411`])
  const nc = await startNode(lan, 'c', c, quiet)

  t.ok(await eventually(async () => (await peersOf(nb)).some((p) => p.source === 'manual' && p.rooms.includes('atelier')), 5000, 50), 'B reached A through --peer')
  t.same(await peersOf(nc), [], 'C, with no --peer, found nobody: multicast really is silent')
  const added = JSON.parse(await tamtam(c, 'peer', 'add', `${lan.host('a').ip}:7411`, '--json'))
  t.equal(added.connecting, true, 'peer add tells the running node to connect now')
  t.ok(await eventually(async () => (await peersOf(nc)).length === 1, 5000, 50), 'C connected to A after peer add')
  await tamtam(b, 'send', 'atelier', 'par adresse')
  t.ok(await eventually(async () => (await texts(c, 'atelier')).includes('par adresse'), 5000, 50), 'B\'s message reached C through A')

  const bad = await nc.run('peer', 'add', 'not-an-address')
  t.equal(bad.code, 1, 'a malformed address is refused')
  t.match(bad.stderr, /PEER_INVALID/, 'with PEER_INVALID')
  for (const node of [na, nb, nc]) await node.stop()
  // The address was saved, so the next `up` dials it without --peer.
  const nc2 = await startNode(lan, 'c', c, quiet)
  await startNode(lan, 'a', a, [...quiet, '--port', '7411'])
  t.ok(await eventually(async () => (await peersOf(nc2)).length === 1, 8000, 100), 'the saved peer is dialled again after a restart')
})
