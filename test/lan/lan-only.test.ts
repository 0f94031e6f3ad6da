import t from 'tap'
import { createLan, skipUnlessLan } from '../helpers/lan.js'
import { FAST, makeHome, startNode, tamtam } from '../helpers/lan-nodes.js'
import { eventually, tempDir } from '../helpers/peers.js'

t.test('--lan-only creates no Hyperswarm or DHT object; without it, the LAN is not slowed down', async (t) => {
  if (!skipUnlessLan(t)) return
  // No route out: the default Hyperswarm of the second node cannot reach any public host.
  const lan = await createLan({ segments: { wifi: ['a', 'b'] } })
  t.teardown(() => lan.destroy())
  const dir = tempDir(t)
  const [a, b] = await Promise.all(['a', 'b'].map((n) => makeHome(dir, n)))
  const { invite } = JSON.parse(await tamtam(a, 'room', 'create', 'atelier', '--json'))
  await tamtam(b, 'room', 'join', invite)
  const na = await startNode(lan, 'a', a, ['--lan-only', ...FAST])
  const statusA = JSON.parse(await tamtam(a, 'status', '--json'))
  t.equal(statusA.internet, false, 'LAN-only: no Internet path')
  t.equal(statusA.swarmsCreated, 0, 'LAN-only: no Hyperswarm (and so no DHT) was ever created in the process')

  const nb = await startNode(lan, 'b', b, [...FAST])
  const swarmUp = await eventually(async () => JSON.parse(await tamtam(b, 'status', '--json')).swarmsCreated === 1, 5000, 100)
  t.ok(swarmUp, 'without --lan-only a Hyperswarm exists (it cannot reach anything here)')
  t.ok(await eventually(() => nb.events.some((e) => e.event === 'connected'), 15_000, 50), 'B connected over the LAN')
  // Timed by the node's own event times, from its `up` line: process start and the status
  // polls above are not the DHT's doing (CI under load took 5-6 s from spawn).
  const at = (name: string): number => Number(nb.events.find((e) => e.event === name)?.ts)
  const connectedMs = at('connected') - at('up')
  t.ok(connectedMs < 5000, `B connected ${connectedMs} ms after its up line, not held up by the offline DHT`)
  await na.stop()
  t.equal(await nb.stop(), 0, 'the node with a swarm also stops cleanly offline')
})
