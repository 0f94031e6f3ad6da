import t from 'tap'
import { createLan, skipUnlessLan } from '../helpers/lan.js'
import { FAST, makeHome, peersOf, startNode, tamtam } from '../helpers/lan-nodes.js'
import { eventually, tempDir } from '../helpers/peers.js'

t.test('whereami prints an address card that peer add accepts whole', async (t) => {
  if (!skipUnlessLan(t)) return
  const lan = await createLan({ segments: { wifi: ['a', 'b'] } })
  t.teardown(() => lan.destroy())
  const dir = tempDir(t)
  const [a, b] = await Promise.all(['a', 'b'].map((n) => makeHome(dir, n)))
  const before = JSON.parse(await tamtam(a, 'whereami', '--json'))
  t.equal(before.running, false, 'with no node, whereami says there is no port yet')
  t.equal(before.card, null, 'and gives no card')

  const quiet = ['--lan-only', '--listen-only', ...FAST]
  const na = await startNode(lan, 'a', a, [...quiet, '--port', '7412'])
  const nb = await startNode(lan, 'b', b, quiet)
  const where = JSON.parse(await tamtam(a, 'whereami', '--json'))
  t.equal(where.card, `tamtam-peer:${lan.host('a').ip}:7412`, 'the card names the LAN address and the port')
  t.ok(where.addresses.some((x: any) => x.address === lan.host('a').ip), 'the addresses list the interface')
  const human = await tamtam(a, '--lang', 'fr', 'whereami', '--qr')
  t.match(human, /Carte d'adresse/, 'in French on request')
  t.ok(human.split('\n').length > 10, 'with a QR code')

  await tamtam(b, 'peer', 'add', where.card)
  t.ok(await eventually(async () => (await peersOf(nb)).length === 1, 8000, 100), 'pasting the card into peer add connects')
  await na.stop()
  await nb.stop()
})
