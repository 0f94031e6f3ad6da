import t from 'tap'
import { BIN, childEnv } from '../helpers/cli.js'
import { createLan, skipUnlessLan } from '../helpers/lan.js'
import { FAST, makeHome, peersOf, startNode, tamtam } from '../helpers/lan-nodes.js'
import { eventually, tempDir } from '../helpers/peers.js'

t.test('whereami and up print IP:PORT; --peer and peer add take it and the old card', async (t) => {
  if (!skipUnlessLan(t)) return
  const lan = await createLan({ segments: { wifi: ['a', 'b', 'c'] } })
  t.teardown(() => lan.destroy())
  const dir = tempDir(t)
  const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((n) => makeHome(dir, n)))
  const before = JSON.parse(await tamtam(a, 'whereami', '--json'))
  t.equal(before.running, false, 'with no node, whereami says there is no port yet')
  t.equal(before.card, null, 'and gives no card')

  // A's node in people's words: it prints the address to give, as --peer takes it.
  const quiet = ['--lan-only', '--listen-only', ...FAST]
  const human = lan.spawn('a', [process.execPath, BIN, '--home', a, '--lang', 'fr', 'up', ...quiet, '--port', '7412'], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  let said = ''
  human.stdout?.on('data', (d) => { said += String(d) })
  const card = `${lan.host('a').ip}:7412`
  t.ok(await eventually(() => said.includes('--peer'), 20_000, 50), `up prints an address line: ${said}`)
  t.match(said, `Adresse à donner aux autres s'ils ne trouvent pas ce nœud : ${card} (ils tapent : tamtam up --peer ${card})`, 'in the form --peer takes')
  t.notMatch(said, /tamtam-peer:|peer add/, 'not the old card, not peer add')

  const where = JSON.parse(await tamtam(a, 'whereami', '--json'))
  t.equal(where.card, card, 'whereami\'s card is IP:PORT of the LAN address')
  t.ok(where.addresses.some((x: any) => x.address === lan.host('a').ip), 'the addresses list the interface')
  const text = await tamtam(a, '--lang', 'fr', 'whereami', '--qr')
  t.match(text, `(ils tapent : tamtam up --peer ${card})`, 'whereami says the same, in French on request')
  t.ok(text.split('\n').length > 10, 'with a QR code')

  // B gets the printed form with peer add; C the old card with up --peer.
  const nb = await startNode(lan, 'b', b, quiet)
  await tamtam(b, 'peer', 'add', where.card)
  t.ok(await eventually(async () => (await peersOf(nb)).length === 1, 8000, 100), 'peer add IP:PORT connects')
  const nc = await startNode(lan, 'c', c, [...quiet, '--peer', `TAMTAM-PEER:${card}`])
  t.ok(await eventually(async () => (await peersOf(nc)).length === 1, 8000, 100), 'up --peer with the old card connects')
  human.kill('SIGTERM')
  await nb.stop()
  await nc.stop()
})
