/**
 * `tamtam doctor` on namespace LANs (test/helpers/lan.ts): a healthy LAN, a LAN whose
 * switch drops multicast, and a home with no node. Each run also checks the JSON schema.
 */
import t from 'tap'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { createLan, skipUnlessLan, type Lan } from '../helpers/lan.js'
import { requirePartPrerequisite } from '../helpers/prereq.js'
import { BIN, childEnv } from '../helpers/cli.js'
import { FAST, makeHome, peersOf, startNode, tamtam } from '../helpers/lan-nodes.js'
import { eventually, tempDir } from '../helpers/peers.js'


const LEVELS = ['ok', 'warn', 'problem', 'info']

interface Finding { code: string, level: string, data: Record<string, any> }
interface Report { findings: Finding[], summary: { problems: number, warnings: number } }

/** Run `tamtam doctor --json --wait 2` on `host` for `home`, and check the schema of what it prints. */
async function doctor (t: any, lan: Lan, host: string, home: string): Promise<Report> {
  const r = await lan.exec(host, [process.execPath, BIN, '--home', home, '--json', 'doctor', '--wait', '2'], { env: childEnv(), timeout: 20_000 })
  t.equal(r.code, 0, `doctor on ${host} exits 0 (${r.stderr.trim()})`)
  const report = JSON.parse(r.stdout) as Report
  const schema = report.findings.every((f) => /^[A-Z][A-Z0-9_]+$/.test(f.code) && LEVELS.includes(f.level) && typeof f.data === 'object' && f.data !== null)
  t.ok(schema, 'every finding has a stable UPPER_SNAKE code, a level and a data object')
  t.equal(report.summary.problems, report.findings.filter((f) => f.level === 'problem').length, 'summary counts the problems')
  t.equal(report.summary.warnings, report.findings.filter((f) => f.level === 'warn').length, 'summary counts the warnings')
  return report
}

const codes = (r: Report): string[] => r.findings.map((f) => f.code)

t.test('healthy LAN: peers heard, no blocking problem; the port check follows the node', async (t) => {
  if (!skipUnlessLan(t)) return
  const lan = await createLan({ segments: { wifi: ['a', 'b', 'c'] } })
  t.teardown(() => lan.destroy())
  const dir = tempDir(t)
  const [a, b] = await Promise.all(['a', 'b'].map((n) => makeHome(dir, n)))
  const na = await startNode(lan, 'a', a)
  const nb = await startNode(lan, 'b', b)
  // c has no identity at all: the doctor needs none.
  const report = await doctor(t, lan, 'c', path.join(dir, 'c'))
  const heard = report.findings.find((f) => f.code === 'PEERS_HEARD')
  t.ok(heard, `PEERS_HEARD is reported (${codes(report).join(' ')})`)
  t.same(heard?.data.peers.map((p: any) => p.host).sort(), [lan.host('a').ip, lan.host('b').ip].sort(), 'it lists a and b')
  t.same(report.findings.filter((f) => f.level === 'problem').map((f) => f.code), ['PORT_NOT_LISTENING'], 'the only problem: no node runs on c')
  t.ok(codes(report).includes('INTERFACE_REAL'), 'the veth interface is a real one')
  t.notOk(codes(report).includes('PEERS_NOT_HEARD') || codes(report).includes('CLIENT_ISOLATION_SUSPECTED'), 'no silence reported')

  // On a node's home, the doctor runs in the node, checks its port and does not count the node itself as a peer.
  const onNode = await doctor(t, lan, 'a', a)
  const reachable = onNode.findings.find((f) => f.code === 'PORT_REACHABLE')
  t.ok(reachable, `PORT_REACHABLE on a's home (${codes(onNode).join(' ')})`)
  t.equal(reachable?.data.address, lan.host('a').ip, 'checked on the LAN address')
  t.same(onNode.findings.filter((f) => f.level === 'problem'), [], 'no problem at all on a healthy node')
  t.same(onNode.findings.find((f) => f.code === 'PEERS_HEARD')?.data.peers.map((p: any) => p.host), [lan.host('b').ip], 'only b is a peer heard')
  const dialBack = onNode.findings.find((f) => f.code === 'DIALBACK_OK')
  t.ok(dialBack, `b dialled a's port back (${codes(onNode).join(' ')})`)
  t.match(dialBack?.data.peers.join(' '), lan.host('b').ip, 'the peer that dialled back is b')

  // A firewall on a that drops incoming TCP to its port: b still answers, but cannot connect back.
  const port = JSON.parse(await tamtam(a, 'status', '--json')).port
  const blocked = await lan.exec('a', ['iptables', '-I', 'INPUT', '-p', 'tcp', '--dport', String(port), '--syn', '-j', 'DROP'])
  if (requirePartPrerequisite(t, 'the firewall case of dial-back', blocked.code === 0 ? null : `iptables is not available here (${blocked.stderr.trim()})`)) {
    const behindFirewall = await doctor(t, lan, 'a', a)
    t.ok(behindFirewall.findings.some((f) => f.code === 'DIALBACK_FAILED' && f.level === 'problem'), `with incoming TCP dropped, DIALBACK_FAILED (${codes(behindFirewall).join(' ')})`)
  }
  await na.stop()
  await nb.stop()
})

t.test('multicast dropped by the switch: doctor says so, gives the --peer fix, and the fix connects', async (t) => {
  if (!skipUnlessLan(t)) return
  const lan = await createLan({ segments: { wifi: ['a', 'b', 'c'] } })
  t.teardown(() => lan.destroy())
  // The bridge floods no multicast to any port (snooping is off, so nothing is forwarded by group either):
  // like an access point that filters multicast. Broadcast, hence ARP, still works.
  for (const hi of [0, 1, 2]) {
    const dev = `${lan.prefix}-p${hi}s0`
    // The bridges live in the namespace `<prefix>-_bridges` (test/helpers/lan.ts); `ip -n` reaches it.
    t.doesNotThrow(() => execFileSync('ip', ['-n', `${lan.prefix}-_bridges`, 'link', 'set', 'dev', dev, 'type', 'bridge_slave', 'mcast_flood', 'off'], { timeout: 10_000 }), `mcast_flood off on ${dev}`)
  }
  const dir = tempDir(t)
  const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((n) => makeHome(dir, n)))
  const { invite } = JSON.parse(await tamtam(a, 'room', 'create', 'atelier', '--json'))
  await tamtam(c, 'room', 'join', invite)
  const na = await startNode(lan, 'a', a, ['--lan-only', ...FAST, '--port', '7411'])
  const nb = await startNode(lan, 'b', b)

  // Without any exchange c's neighbour table is empty: no sign of isolation, only silence.
  const silent = await doctor(t, lan, 'c', c)
  t.ok(codes(silent).includes('PEERS_NOT_HEARD'), `PEERS_NOT_HEARD (${codes(silent).join(' ')})`)
  t.notOk(codes(silent).includes('PEERS_HEARD'), 'nobody heard')
  t.ok(codes(silent).includes('MULTICAST_SENT'), 'yet beacons went out')

  // Once c has talked to a (a TCP connection fills the neighbour table), silence points at isolation.
  const poke = await lan.exec('c', [process.execPath, '-e', `require('net').connect(7411, '${lan.host('a').ip}', () => process.exit(0)).on('error', () => process.exit(1))`], { timeout: 5000 })
  t.equal(poke.code, 0, 'c reaches a by unicast')
  const isolated = await doctor(t, lan, 'c', c)
  const sign = isolated.findings.find((f) => f.code === 'CLIENT_ISOLATION_SUSPECTED')
  t.ok(sign, `CLIENT_ISOLATION_SUSPECTED (${codes(isolated).join(' ')})`)
  t.ok(sign?.data.neighbours.includes(lan.host('a').ip), 'naming a as a host present')
  const human = await lan.exec('c', [process.execPath, BIN, '--home', c, 'doctor', '--wait', '1'], { env: childEnv(), timeout: 20_000 })
  t.match(human.stdout, /use --peer/, 'the human text gives the --peer fix')

  // Apply the fix.
  const nc = await startNode(lan, 'c', c, ['--lan-only', ...FAST, '--peer', `${lan.host('a').ip}:7411`])
  t.ok(await eventually(async () => (await peersOf(nc)).some((p) => p.host === lan.host('a').ip), 8000, 100), 'c connects to a with --peer')
  t.same((await peersOf(nb)), [], 'b, with no --peer, still found nobody: multicast really is dropped')
  for (const n of [na, nb, nc]) await n.stop()
})
