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

  const started = Date.now()
  const nb = await startNode(lan, 'b', b, [...FAST])
  const swarmUp = await eventually(async () => JSON.parse(await tamtam(b, 'status', '--json')).swarmsCreated === 1, 5000, 100)
  t.ok(swarmUp, 'without --lan-only a Hyperswarm exists (it cannot reach anything here)')
  let connectedMs = -1
  for (let i = 0; i < 100 && connectedMs < 0; i++) {
    if (nb.events.some((e) => e.event === 'connected')) connectedMs = Date.now() - started
    else await new Promise((resolve) => setTimeout(resolve, 50))
  }
  t.ok(connectedMs >= 0 && connectedMs < 5000, `B connected over the LAN in ${connectedMs} ms, not held up by the offline DHT`)
  await na.stop()
  t.equal(await nb.stop(), 0, 'the node with a swarm also stops cleanly offline')
})
