/**
 * Partition and heal (issue 8 item 3): four hosts on one segment, all in one room, are
 * split 2/2 by moving the bridge ports of two of them onto a second bridge (so each half
 * keeps a working LAN of its own, as when a switch uplink is cut). Both halves write;
 * after the heal every node must hold the same timeline.
 */
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { skipUnlessLan } from '../helpers/lan.js'
import { lanWithRoom, startNode, tamtam, type LanNode } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'

/**
 * The ids and texts of every message of the room at a node, in timeline order. A failed
 * command throws, so "saw none of the other half" cannot pass on a broken command.
 */
async function timeline (node: LanNode): Promise<Array<{ id: string, text: string }>> {
  const out = await tamtam(node.home, 'log', 'atelier', '--json', '--all')
  return out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((i) => i.type === 'msg').map((i) => ({ id: String(i.id), text: String(i.text) }))
}

/** `ip` in the LAN's bridge namespace (see the layout in test/helpers/lan.ts). */
function bridgeIp (prefix: string, ...args: string[]): void {
  execFileSync('ip', ['-n', `${prefix}-_bridges`, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
}

const N = 5
const SETTLE_MS = 3000
const CONVERGE_BOUND_MS = 60_000

t.test('partition 2/2 while both halves write, then heal: every node converges to the same timeline', async (t) => {
  if (!skipUnlessLan(t)) return
  const hosts = ['a', 'b', 'c', 'd']
  const { lan, homes } = await lanWithRoom(t, { wifi: hosts }, hosts)
  const nodes = await Promise.all(hosts.map(async (h) => await startNode(lan, h, homes[h]!)))
  t.teardown(async () => { await Promise.all(nodes.map(async (n) => await n.stop())) })
  const [a, b, c, d] = nodes as [LanNode, LanNode, LanNode, LanNode]

  await tamtam(a.home, 'send', 'atelier', 'avant la coupure')
  t.ok(await eventually(async () => (await Promise.all(nodes.map(timeline))).every((tl) => tl.some((m) => m.text === 'avant la coupure')), 20_000, 100), 'before the split, everyone has the first message')

  // Split: c and d (host indexes 2 and 3, segment 0) move to a second bridge.
  const second = `${lan.prefix}-brx`
  bridgeIp(lan.prefix, 'link', 'add', 'name', second, 'type', 'bridge', 'mcast_snooping', '0')
  bridgeIp(lan.prefix, 'link', 'set', 'dev', second, 'multicast', 'on', 'up')
  for (const hi of [2, 3]) bridgeIp(lan.prefix, 'link', 'set', 'dev', `${lan.prefix}-p${hi}s0`, 'master', second)

  const left = Array.from({ length: N }, (_, i) => `gauche ${i}`)
  const right = Array.from({ length: N }, (_, i) => `droite ${i}`)
  for (let i = 0; i < N; i++) {
    await tamtam((i % 2 === 0 ? a : b).home, 'send', 'atelier', left[i]!)
    await tamtam((i % 2 === 0 ? c : d).home, 'send', 'atelier', right[i]!)
  }
  const hasAll = (tl: Array<{ text: string }>, want: string[]): boolean => want.every((w) => tl.some((m) => m.text === w))
  const hasAny = (tl: Array<{ text: string }>, want: string[]): boolean => want.some((w) => tl.some((m) => m.text === w))
  t.ok(await eventually(async () => hasAll(await timeline(a), left) && hasAll(await timeline(b), left), 15_000, 100), 'left half (a, b) sees all of its own messages')
  t.ok(await eventually(async () => hasAll(await timeline(c), right) && hasAll(await timeline(d), right), 15_000, 100), 'right half (c, d) sees all of its own messages')
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
  t.notOk(hasAny(await timeline(a), right) || hasAny(await timeline(b), right), 'left half saw none of the right half\'s messages while split')
  t.notOk(hasAny(await timeline(c), left) || hasAny(await timeline(d), left), 'right half saw none of the left half\'s messages while split')

  // Heal.
  for (const hi of [2, 3]) bridgeIp(lan.prefix, 'link', 'set', 'dev', `${lan.prefix}-p${hi}s0`, 'master', `${lan.prefix}-br0`)
  const healed = Date.now()
  let last: string[] = []
  const converged = await eventually(async () => {
    const tls = await Promise.all(nodes.map(timeline))
    last = tls.map((tl) => tl.map((m) => m.id).join(','))
    return tls.every((tl) => tl.length === 1 + 2 * N) && last.every((ids) => ids === last[0])
  }, CONVERGE_BOUND_MS, 100)
  const ms = Date.now() - healed
  t.ok(converged, `after the heal, all four nodes hold the same ${1 + 2 * N} messages in the same order (${ms} ms)`)
  if (!converged) t.comment(`timelines: ${JSON.stringify(last)}`)
  t.ok(nodes.every((n) => n.child.exitCode === null), 'every node is still running')
  t.comment(`partition: 2/2 split, ${N} messages each side, converged in ${converged ? ms : `>${CONVERGE_BOUND_MS}`} ms`)
})
