// Issue 17, findings 1, 5 and 15: what a laptop on the Wi-Fi learns from a real `tamtam up`
// with no invite (no Hypercore channel, no key, no "do you hold K?" oracle), what a flood of
// channel opens costs the room, and what a relay-code holder learns (member keys, never
// which log is whose address: no `self`). The attacker is its own process in its own
// namespace (test/lan/attacker/outsider-peer.ts): real TCP, real Noise, no tamtam rules.
import t from 'tap'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { skipUnlessLan, type Lan } from '../helpers/lan.js'
import { lanWithRoom, startNode, tamtam, texts, type LanNode } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'
import { childEnv } from '../helpers/cli.js'
import { decodeRelayCode } from '../../src/relay/relay-code.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const ATTACKER = path.join(here, 'attacker', 'outsider-peer.ts')
const TS_LOADER = path.resolve(here, '../../node_modules/@tapjs/typescript/dist/esm/import.mjs')
const discoveryKey = (createRequire(import.meta.url)('hypercore') as { discoveryKey: (k: Buffer) => Buffer }).discoveryKey

interface AttackReport { connected: boolean, coreChannels: string[], probes: Record<string, string>, hellos: number, members: number, memberKeys: string[], selves: number, floodSent: number, closedBy: string }

/** Run the attacker on `host` against `target`; a failed run fails the test (never "saw nothing"). */
async function attack (lan: Lan, host: string, target: string, extra: string[], seconds = 4): Promise<AttackReport> {
  const r = await lan.exec(host, [process.execPath, '--import', TS_LOADER, ATTACKER, '--to', target, '--seconds', String(seconds), ...extra], { timeout: (seconds + 30) * 1000, env: childEnv() })
  const line = r.stdout.trim().split('\n').pop() ?? ''
  if (r.code !== 0 || !line.startsWith('{')) throw new Error(`attacker failed (${r.code}): ${r.stderr.slice(-2000)}`)
  return JSON.parse(line)
}

/** A and B in one room "atelier", both up, synced; X is a laptop on the same segment with no invite. */
async function room (t: any): Promise<{ lan: Lan, a: LanNode, b: LanNode, target: string, memberDks: string[] }> {
  const { lan, homes } = await lanWithRoom(t, { wifi: ['a', 'b', 'x'] }, ['a', 'b'])
  const a = await startNode(lan, 'a', homes.a)
  const b = await startNode(lan, 'b', homes.b)
  t.teardown(async () => { await a.stop(); await b.stop() })
  await tamtam(homes.b, 'send', 'atelier', 'de B')
  t.ok(await eventually(async () => (await texts(a, 'atelier')).includes('de B'), 20_000, 200), 'A holds B\'s log: two member logs to hide')
  // B's rooms.json lists A's member log once B has learned it (written just after).
  let memberDks: string[] = []
  await eventually(async () => {
    const saved = JSON.parse(await fs.readFile(path.join(homes.b, 'rooms.json'), 'utf8')) as { rooms?: Array<{ members: string[] }> } | Array<{ members: string[] }>
    const list = Array.isArray(saved) ? saved : saved.rooms ?? []
    memberDks = list.flatMap((r) => r.members).map((k) => discoveryKey(Buffer.from(k, 'hex')).toString('hex'))
    return memberDks.length >= 1
  }, 10_000, 100)
  t.ok(memberDks.length >= 1, 'the test knows A\'s member-log discovery key (to probe for it)')
  const up = a.events.find((e) => e.event === 'up')
  return { lan, a, b, target: `${lan.host('a').ip}:${String(up?.port)}`, memberDks }
}

t.test('finding 1: an outsider gets no Hypercore channel, no key and no "do you hold K?" answer', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, target, memberDks } = await room(t)
  const random = Buffer.alloc(32, 9).toString('hex')
  const report = await attack(lan, 'x', target, ['--probe', `${memberDks[0]},${random}`])
  t.comment(`outsider: ${report.coreChannels.length} core channels offered, probe real=${report.probes[memberDks[0]]}, random=${report.probes[random]}`)
  t.ok(report.connected, 'the outsider completed the Noise handshake')
  t.ok(report.hellos >= 1, 'the positive marker: the node answered on the room channel (its hello)')
  t.same(report.coreChannels, [], 'the node opened no Hypercore channel towards the outsider: no discovery key leaks')
  t.equal(report.members, 0, 'and sent no member keys')
  t.equal(report.probes[random], 'rejected', 'a probe for a random key is rejected')
  t.equal(report.probes[memberDks[0]], 'rejected', 'a probe for a key the node holds is rejected the same way: no oracle')
})

t.test('finding 5: a flood of channel opens is cut, and a member\'s message still arrives', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, a, b, target } = await room(t)
  const attacking = attack(lan, 'x', target, ['--flood-opens', '300000'], 8)
  await new Promise((resolve) => setTimeout(resolve, 1500))
  const sent = Date.now()
  await b.run('send', 'atelier', 'pendant l\'attaque')
  t.ok(await eventually(async () => (await texts(a, 'atelier')).includes('pendant l\'attaque'), 30_000, 100), 'the member\'s message arrives at A during the flood')
  const delay = Date.now() - sent
  const report = await attacking
  t.comment(`flood: ${report.floodSent} opens sent before the cut (${report.closedBy}); an honest message took ${delay} ms (polled through the CLI)`)
  t.equal(report.closedBy, 'remote', 'the node cut the flooding connection')
  t.ok(report.floodSent < 300_000 || report.closedBy === 'remote', 'it did not take them all')
  t.match(JSON.stringify(a.events), /PEER_FLOOD|opened over/, 'and said why (PEER_FLOOD)')
})

t.test('finding 15: a relay-code holder gets member keys, never `self` (which log is which address)', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, a, target } = await room(t)
  const code = JSON.parse((await a.run('--json', 'room', 'relay-code', 'atelier')).stdout).code as string
  const capability = decodeRelayCode(code).capability.toString('hex')
  const report = await attack(lan, 'x', target, ['--capability', capability], 5)
  t.comment(`relay-code holder: ${report.members} members messages (${report.memberKeys.length} keys), ${report.selves} self messages, ${report.coreChannels.length} core channels`)
  t.ok(report.members >= 1 && report.memberKeys.length === 2, 'the positive marker: it proved the room and got both member keys (what a hub needs)')
  t.equal(report.selves, 0, 'but no self: it cannot tell which log belongs to the connected address')
})
