/**
 * The wording of issue 23 item 8 through the real command: `--drill-ack off` answers in
 * words (no raw "off" in French), and `peer add` and `up --peer` take both address forms
 * and refuse anything else with a clear error. What `up` and `whereami` print is checked on a
 * namespace LAN (test/lan/whereami.test.ts), where the node has a LAN address.
 */
import t from 'tap'
import path from 'node:path'
import { cli } from '../helpers/cli.js'
import { tempDir } from '../helpers/peers.js'

t.test('--drill-ack on and off answer in words', async (t) => {
  const home = ['--home', path.join(tempDir(t), 'awa')]
  t.equal((await cli([...home, 'init', '--name', 'Awa'])).code, 0, 'init')
  t.equal((await cli([...home, 'room', 'create', 'atelier'])).code, 0, 'room create')
  const off = await cli([...home, '--lang', 'fr', 'room', 'set', 'atelier', '--drill-ack', 'off'])
  t.equal(off.code, 0, 'exit 0')
  t.match(off.stdout, /atelier : accusés de réception désactivés : cet ordinateur ne répond plus/, `in French: ${off.stdout.trim()}`)
  t.notMatch(off.stdout, /\boff\b/, 'without a raw "off"')
  const on = await cli([...home, '--lang', 'fr', 'room', 'set', 'atelier', '--drill-ack', 'on'])
  t.match(on.stdout, /atelier : accusés de réception activés : cet ordinateur répond/, `on, in French: ${on.stdout.trim()}`)
  t.notMatch(on.stdout, /\bon\b/, 'without a raw "on"')
  const en = await cli([...home, '--lang', 'en', 'room', 'set', 'atelier', '--drill-ack', 'off'])
  t.match(en.stdout, /atelier: drill acknowledgements off: this computer no longer answers drill probes/, `in English: ${en.stdout.trim()}`)
})

t.test('peer add and up --peer take both forms and refuse anything else', async (t) => {
  const home = ['--home', path.join(tempDir(t), 'awa')]
  t.equal((await cli([...home, 'init', '--name', 'Awa'])).code, 0, 'init')
  const plain = await cli([...home, '--lang', 'fr', 'peer', 'add', '192.168.1.20:7000'])
  t.equal(plain.code, 0, `IP:PORT: ${plain.stderr}`)
  t.match(plain.stdout, /pair 192\.168\.1\.20:7000 enregistré/, 'saved')
  const card = await cli([...home, 'peer', 'add', 'tamtam-peer:10.42.0.57:7000'])
  t.equal(card.code, 0, `an old tamtam-peer: card: ${card.stderr}`)
  t.match(card.stdout, /peer 10\.42\.0\.57:7000 saved/, 'saved')

  const bad = await cli([...home, '--lang', 'fr', 'peer', 'add', '192.168.1.20'])
  t.equal(bad.code, 1, 'a bad address: exit 1')
  t.match(bad.stderr, /PEER_INVALID/, 'PEER_INVALID')
  t.match(bad.stderr, /IP:PORT, par ex\. 192\.168\.1\.20:7000.*"192\.168\.1\.20"/, `says the form, and names what was typed: ${bad.stderr.trim()}`)
  const badUp = await cli([...home, 'up', '--lan-only', '--peer', 'salle:sept-mille'])
  t.equal(badUp.code, 1, 'up with a bad --peer: exit 1, before starting')
  t.match(badUp.stderr, /PEER_INVALID.*"salle:sept-mille"/s, `names it: ${badUp.stderr.trim()}`)
})
