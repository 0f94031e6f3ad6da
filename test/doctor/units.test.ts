/** Pure parts of the doctor: interface classes, firewall heuristics, neighbour parsing, catalogue, output. */
import t from 'tap'
import { CODES_WITHOUT_FIX, DOCTOR_CODES, interfaceKind, judgeIptables, judgeNft, judgeUfw, parseGateways, parseIpNeigh, parseProcArp } from '../../src/doctor/index.js'
import { hasDefaultRoute } from '../../src/discovery/index.js'
import { messages as en } from '../../src/i18n/messages/en.js'
import { messages as fr } from '../../src/i18n/messages/fr.js'
import { translator } from '../../src/i18n/index.js'
import { formatDoctor } from '../../cli/doctor.js'
import { doctor } from '../../src/commands/doctor.js'
import { Tamtam } from '../../src/tamtam.js'
import { NodeContext } from '../../src/node/context.js'
import { SILENT } from '../../src/commands/index.js'

t.test('interface names are classed', async (t) => {
  const cases: Array<[string, string]> = [
    ['wlp2s0', 'wifi'], ['wlan0', 'wifi'], ['eth0', 'ethernet'], ['enp3s0', 'ethernet'],
    ['docker0', 'virtual'], ['br-1a2b', 'virtual'], ['veth12ab', 'virtual'], ['virbr0', 'virtual'],
    ['tun0', 'virtual'], ['tap1', 'virtual'], ['wg0', 'virtual'], ['tailscale0', 'virtual'],
    ['zt5u4y', 'virtual'], ['utun3', 'virtual'],
    ['tt12ab-h0s0', 'other'] // the test LANs' veth names match no convention
  ]
  for (const [name, kind] of cases) t.equal(interfaceKind(name), kind, name)
})

t.test('firewall heuristics', async (t) => {
  const nftDrop = 'table inet filter {\n chain input {\n  type filter hook input priority 0; policy drop;\n  ct state established,related accept\n  tcp dport 22 accept\n }\n}'
  t.match(judgeNft(nftDrop, 7411), { blocks: true }, 'nft: policy drop with no accept for the port blocks it')
  t.same(judgeNft(nftDrop.replace('tcp dport 22', 'tcp dport { 22, 7000-8000 }'), 7411), { blocks: false }, 'nft: an accept on a range holding the port')
  t.match(judgeNft('chain input {\n type filter hook input priority 0; policy accept;\n tcp dport 7411 drop\n}', 7411), { blocks: true }, 'nft: a drop naming the port')
  t.same(judgeNft('chain output {\n type filter hook output priority 0; policy drop;\n}', 7411), { blocks: false }, 'nft: output chains do not count')
  t.match(judgeNft(nftDrop, null), { defaultDrop: true }, 'nft: unknown port, policy drop')
  t.match(judgeIptables('-P INPUT DROP\n-A INPUT -p tcp --dport 22 -j ACCEPT', 7411), { blocks: true }, 'iptables: policy drop')
  t.same(judgeIptables('-P INPUT DROP\n-A INPUT -p tcp --dport 7411 -j ACCEPT', 7411), { blocks: false }, 'iptables: port accepted')
  t.match(judgeIptables('-P INPUT ACCEPT\n-A INPUT -p tcp -m tcp --dport 7411 -j REJECT', 7411), { blocks: true }, 'iptables: reject naming the port')
  t.same(judgeIptables('-P INPUT ACCEPT', 7411), { blocks: false }, 'iptables: open')
  t.same(judgeUfw('Status: inactive', 7411), { blocks: false }, 'ufw inactive')
  t.match(judgeUfw('Status: active\nDefault: deny (incoming), allow (outgoing)\n22/tcp ALLOW IN Anywhere', 7411), { blocks: true }, 'ufw: deny incoming')
  t.same(judgeUfw('Status: active\nDefault: deny (incoming), allow (outgoing)\n7411/tcp ALLOW IN Anywhere', 7411), { blocks: false }, 'ufw: port allowed')
  t.equal(judgeUfw('ERROR: You need to be root to run this script', 7411), null, 'ufw: unreadable')
})

t.test('neighbour tables', async (t) => {
  const neigh = '10.0.0.2 dev wlan0 lladdr aa:bb:cc:dd:ee:ff REACHABLE\n10.0.0.3 dev wlan0 FAILED\n10.0.0.4 dev wlan0 lladdr aa:bb:cc:dd:ee:01 STALE\n'
  t.same(parseIpNeigh(neigh).map((n) => n.address), ['10.0.0.2', '10.0.0.4'], 'ip neigh: live entries with a link-layer address')
  const arp = 'IP address       HW type     Flags       HW address            Mask     Device\n10.0.0.2 0x1 0x2 aa:bb:cc:dd:ee:ff * wlan0\n10.0.0.3 0x1 0x0 00:00:00:00:00:00 * wlan0\n'
  t.same(parseProcArp(arp), [{ address: '10.0.0.2', device: 'wlan0' }], '/proc/net/arp: complete entries')
  const route = 'Iface\tDestination\tGateway \tFlags\nwlan0\t00000000\t0100000A\t0003\nwlan0\t0000000A\t00000000\t0001\n'
  t.same(parseGateways(route), ['10.0.0.1'], 'default gateway from /proc/net/route')
  t.equal(hasDefaultRoute(() => route), true, 'a default route')
  t.equal(hasDefaultRoute(() => 'Iface\tDestination\tGateway \tFlags\ntun0\t00000000\t00000000\t0001\n'), true, 'a default route with no gateway (a VPN) is one too')
  t.equal(hasDefaultRoute(() => 'Iface\tDestination\tGateway \tFlags\nwlan0\t0000000A\t00000000\t0001\n'), false, 'only the LAN: no default route (the Internet is cut)')
  t.equal(hasDefaultRoute(() => { throw new Error('ENOENT') }), null, 'no routing table (not Linux): unknown')
})

t.test('every code has its text, and its fix unless all is well, in English and French', async (t) => {
  for (const code of DOCTOR_CODES) {
    for (const [lang, cat] of [['en', en], ['fr', fr]] as const) {
      t.ok(`doctor.${code}` in cat, `${lang} doctor.${code}`)
      t.equal(`doctor.${code}.fix` in cat, !CODES_WITHOUT_FIX.has(code), `${lang} doctor.${code}.fix`)
    }
  }
})

t.test('human output', async (t) => {
  const text = formatDoctor({
    findings: [
      { code: 'PEERS_HEARD', level: 'ok', data: { count: 1, peers: [{ host: '10.0.0.2', port: 7411 }] } },
      { code: 'PORT_NOT_LISTENING', level: 'problem', data: {} },
      { code: 'SOMETHING_NEW', level: 'info', data: { x: 1 } }
    ],
    summary: { problems: 1, warnings: 0 }
  }, translator('en'))
  t.match(text, /heard 1 tamtam peer\(s\): 10\.0\.0\.2:7411/, 'peers as host:port')
  t.match(text, /fix: start `tamtam up`/, 'the fix of a problem')
  t.match(text, /SOMETHING_NEW \{"x":1\}/, 'a code this CLI does not know is shown raw')
  t.match(text, /1 problem\(s\), 0 warning\(s\)/, 'the summary')
})

t.test('--wait is checked', async (t) => {
  const tt = new Tamtam({ home: t.testdir() })
  for (const wait of ['0', 'x', '31']) await t.rejects(doctor.run(new NodeContext(tt), { wait }, SILENT), { code: 'USAGE' }, `--wait ${wait}`)
  await tt.close()
})
