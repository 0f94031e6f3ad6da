/**
 * Peer addresses: tamtam prints plain IP:PORT (what the guide tells people to type), and
 * every place that reads one (`up --peer`, `peer add`, peers.json) takes that and the old
 * `tamtam-peer:` card too; anything else is PEER_INVALID, naming what was typed.
 */
import t from 'tap'
import path from 'node:path'
import { COMMANDS, SILENT } from '../../src/commands/index.js'
import { addressCard } from '../../src/commands/whereami.js'
import { isTamtamError } from '../../src/errors/index.js'
import { loadPeers, parsePeerAddresses, savePeer } from '../../src/network/peers-file.js'
import { networkOptions } from '../../cli/up.js'
import { contextOf, peer, tempDir } from '../helpers/peers.js'

const A = { host: '192.168.1.20', port: 7000 }
const B = { host: '10.42.0.57', port: 7000 }

t.test('both forms parse, one address or a whole card', async (t) => {
  const cases: Array<[string, string, unknown[]]> = [
    ['the form the guide and tamtam print', '192.168.1.20:7000', [A]],
    ['the old card prefix', 'tamtam-peer:192.168.1.20:7000', [A]],
    ['the old card from a QR code, upper-cased', 'TAMTAM-PEER:192.168.1.20:7000', [A]],
    ['a card listing two interfaces', '192.168.1.20:7000,10.42.0.57:7000', [A, B]],
    ['an old card listing two, with spaces', ' tamtam-peer:192.168.1.20:7000, 10.42.0.57:7000 ', [A, B]],
    ['a host name', 'salle-info.local:7000', [{ host: 'salle-info.local', port: 7000 }]],
    ['IPv6 in brackets', '[fe80::1]:7000', [{ host: 'fe80::1', port: 7000 }]]
  ]
  for (const [what, text, want] of cases) t.same(parsePeerAddresses(text), want, what)
})

t.test('anything else is PEER_INVALID, naming the bad part', async (t) => {
  const cases: Array<[string, string, RegExp]> = [
    ['no port', '192.168.1.20', /"192\.168\.1\.20"/],
    ['port out of range', '192.168.1.20:70000', /"192\.168\.1\.20:70000"/],
    ['port 0', '192.168.1.20:0', /"192\.168\.1\.20:0"/],
    ['a URL', 'http://192.168.1.20:7000', /"http:\/\/192\.168\.1\.20:7000"/],
    ['the prefix alone', 'tamtam-peer:', /"tamtam-peer:"/],
    ['an empty entry in a list', '192.168.1.20:7000,,10.42.0.57:7000', /"192\.168\.1\.20:7000,,10\.42\.0\.57:7000"/],
    ['a bad second entry', '192.168.1.20:7000,10.42.0.57', /"10\.42\.0\.57"/],
    ['nothing', '', /""/],
    ['the command word pasted too', 'peer add 192.168.1.20:7000', /"peer add 192\.168\.1\.20:7000"/]
  ]
  for (const [what, text, names] of cases) {
    try {
      parsePeerAddresses(text)
      t.fail(`${what}: accepted`)
    } catch (err) {
      t.ok(isTamtamError(err, 'PEER_INVALID'), `${what}: PEER_INVALID`)
      t.match((err as Error).message, names, `${what}: names what was typed`)
      t.match((err as Error).message, /IP:PORT, e\.g\. 192\.168\.1\.20:7000/, `${what}: says what an address looks like`)
    }
  }
})

t.test('whereami prints the form --peer takes', async (t) => {
  const card = addressCard([{ address: '192.168.1.20' }, { address: '10.42.0.57' }], 7000)
  t.equal(card, '192.168.1.20:7000,10.42.0.57:7000', 'plain addresses, comma-separated')
  t.same(parsePeerAddresses(card), [A, B], 'and it parses back whole')
  t.same(parsePeerAddresses(card.toUpperCase()), [A, B], 'even from the upper-cased QR code')
})

t.test('up --peer takes both forms, and refuses a bad one', async (t) => {
  const opts = await networkOptions({ peer: ['192.168.1.20:7000', 'tamtam-peer:10.42.0.57:7000,192.168.1.21:7001'] })
  t.same(opts.peers, [A, B, { host: '192.168.1.21', port: 7001 }], 'every address of both forms')
  await t.rejects(networkOptions({ peer: ['192.168.1.20'] }), { code: 'PEER_INVALID' }, 'no port: refused before the node starts')
})

t.test('peer add takes both forms, remembers them, and refuses a bad one', async (t) => {
  const awa = await peer(t, 'Awa')
  const add = async (address: string): Promise<any> => await COMMANDS.get('peer.add')!.run(contextOf(awa), { address }, SILENT)
  const plain = await add('192.168.1.20:7000')
  t.same([plain.host, plain.port, plain.connecting], ['192.168.1.20', 7000, false], 'plain IP:PORT, saved for the next node')
  const card = await add('tamtam-peer:10.42.0.57:7000,[fe80::1]:7000')
  t.equal(card.addresses.length, 2, 'an old card adds every address on it')
  t.same(await loadPeers(awa.paths.peers), [A, B, { host: 'fe80::1', port: 7000 }], 'peers.json holds all three, IPv6 included')
  await t.rejects(add('192.168.1.20'), { code: 'PEER_INVALID' }, 'a bad address is refused')
  t.equal((await loadPeers(awa.paths.peers)).length, 3, 'and nothing is saved for it')
})

t.test('an IPv6 peer survives peers.json', async (t) => {
  const file = path.join(tempDir(t), 'peers.json')
  await savePeer(file, { host: '::1', port: 7000 })
  t.same(await loadPeers(file), [{ host: '::1', port: 7000 }], 'read back')
})
