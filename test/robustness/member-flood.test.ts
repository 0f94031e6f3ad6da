import t from 'tap'
import { FLOOD_MAX_PER_WINDOW } from '../../src/timeline/index.js'
import { liveGrowthQuota, memberQuota } from '../../src/log/room-logs.js'
import { PEER_FLOOD } from '../../src/replication/room-sync.js'
import { eventually, lines, link, peer, replicator } from '../helpers/peers.js'
import type { Tamtam } from '../../src/tamtam.js'

/** A modified client: `n` valid records straight into its own log, in batches of 1000. */
async function flood (tt: Tamtam, n: number): Promise<number> {
  const own = (await tt.logs(tt.rooms.resolve('r'))).own
  const started = Date.now()
  for (let i = 0; i < n / 1000; i++) await own.core.append(Array.from({ length: 1000 }, (_, j) => Buffer.from(JSON.stringify({ v: 1, type: 'msg', ts: started + Math.floor((i * 1000 + j) / 10), text: `flood ${i * 1000 + j}` }))))
  return Date.now() - started
}

t.test('a member writing 10k messages in a second is limited in other peers\' views and storage (even with the live-growth quota off)', async (t) => {
  const [honest, flooder, reader] = await Promise.all([peer(t, 'Honest'), peer(t, 'Flooder'), peer(t, 'Reader')])
  const { invite } = await honest.createRoom('r')
  await flooder.joinRoom(invite)
  await reader.joinRoom(invite)
  // The reader keeps at most 5,000 blocks of anyone else's log (1,000,000 by default).
  const defaultQuota = memberQuota.maxBlocks
  memberQuota.maxBlocks = 5000
  t.teardown(() => { memberQuota.maxBlocks = defaultQuota })
  // This test checks the storage and view limits alone: the flooder is not disconnected.
  const defaultGrowth = liveGrowthQuota.blocks
  liveGrowthQuota.blocks = Number.MAX_SAFE_INTEGER
  t.teardown(() => { liveGrowthQuota.blocks = defaultGrowth })
  await link(t, honest, reader)
  await link(t, flooder, reader)

  const own = (await flooder.logs(flooder.rooms.resolve('r'))).own
  const appendMs = await flood(flooder, 10_000)
  await honest.send(honest.rooms.resolve('r'), 'message honnête')

  t.ok(await eventually(async () => (await lines(reader, 'r')).some((l) => l.endsWith('message honnête')), 15_000, 100), 'the honest message still arrives')
  const floodLog = (await reader.logs(reader.rooms.resolve('r'))).list().find((l) => l.key === own.key)
  t.ok(await eventually(() => (floodLog?.readable ?? 0) >= 5000, 15_000, 100), 'the reader stored the flooder\'s log up to its quota')
  await new Promise((resolve) => setTimeout(resolve, 1000))
  const stored = floodLog?.core.contiguousLength ?? 0
  t.ok(stored <= 5001, `and no further: ${stored} of 10,001 blocks stored`)

  const timeline = await reader.timeline(reader.rooms.resolve('r'))
  const page = await timeline.page({ limit: 1000 })
  const shown = page.filter((i) => i.text.startsWith('flood')).length
  t.ok(shown <= FLOOD_MAX_PER_WINDOW * 2, `the view shows ${shown} flood messages (at most ${FLOOD_MAX_PER_WINDOW} per 10 s window), hiding ${timeline.hidden}`)
  t.ok(page.some((i) => i.text === 'message honnête'), 'and the honest message is on the same screen')
  const flooderOwnView = (await (await flooder.timeline(flooder.rooms.resolve('r'))).page({ limit: 20000 })).filter((i) => i.text.startsWith('flood')).length
  t.ok(flooderOwnView > 9000, `the flooder's own view is not limited (it is their own log): ${flooderOwnView} shown`)
  t.comment(`member-flood: 10000 records appended in ${appendMs} ms; reader stored ${stored}, showed ${shown}, hid ${timeline.hidden}; honest message delivered; 0 crashes`)
})

t.test('a peer that floods its own log live hits the growth quota and is disconnected; honest messages still arrive', async (t) => {
  const [honest, flooder, reader] = await Promise.all([peer(t, 'Honest'), peer(t, 'Flooder'), peer(t, 'Reader')])
  const { invite } = await honest.createRoom('r')
  await flooder.joinRoom(invite)
  await reader.joinRoom(invite)
  await link(t, honest, reader)
  const session = (await link(t, flooder, reader)).b
  const warnings: unknown[] = []
  ;(await replicator(reader)).on('warning', (err: unknown) => warnings.push(err))
  const room = reader.rooms.resolve('r')
  const ownKey = (await flooder.logs(flooder.rooms.resolve('r'))).own.key
  t.ok(await eventually(async () => session.remoteSelf.get(room.id) === ownKey && (await reader.logs(room)).list().some((l) => l.key === ownKey && l.core.length > 0), 10_000, 20), 'the reader knows the flooder is online and has its log')

  const appendMs = await flood(flooder, 10_000)
  const started = Date.now()
  await honest.send(honest.rooms.resolve('r'), 'toujours là')
  t.ok(await eventually(async () => (await lines(reader, 'r')).some((l) => l.endsWith('toujours là')), 5000, 20), `an honest message arrives within the usual time (${Date.now() - started} ms)`)
  t.ok(await eventually(() => session.flooded && session.stream.destroyed, 5000, 20), 'the flooder\'s connection was cut by the reader')
  const warning = warnings.find((w) => (w as { code?: string })?.code === PEER_FLOOD) as Error | undefined
  t.ok(warning, `with a ${PEER_FLOOD} warning: ${String(warning?.message)}`)
  const stored = (await reader.logs(room)).list().find((l) => l.key === ownKey)?.core.contiguousLength ?? 0

  // It comes back: the reader cuts it again as soon as it says who it is.
  const again = (await link(t, flooder, reader)).b
  t.ok(await eventually(() => again.flooded && again.stream.destroyed, 5000, 20), 'a reconnection from the same member is cut once it announces itself')
  t.comment(`record-flood: growth quota ${liveGrowthQuota.blocks} blocks / ${liveGrowthQuota.windowMs} ms; flooder appended 10000 in ${appendMs} ms, was disconnected after ${stored} blocks stored; honest message delivered`)
})
