import t from 'tap'
import { FLOOD_MAX_PER_WINDOW } from '../../src/timeline/index.js'
import { memberQuota } from '../../src/log/room-logs.js'
import { eventually, lines, link, peer } from '../helpers/peers.js'

t.test('a member writing 10k messages in a second is limited in other peers\' views and storage', async (t) => {
  const [honest, flooder, reader] = await Promise.all([peer(t, 'Honest'), peer(t, 'Flooder'), peer(t, 'Reader')])
  const { invite } = await honest.createRoom('r')
  await flooder.joinRoom(invite)
  await reader.joinRoom(invite)
  // The reader keeps at most 5,000 blocks of anyone else's log (1,000,000 by default).
  const defaultQuota = memberQuota.maxBlocks
  memberQuota.maxBlocks = 5000
  t.teardown(() => { memberQuota.maxBlocks = defaultQuota })
  await link(t, honest, reader)
  await link(t, flooder, reader)

  // A modified client: 10,000 valid records straight into its own log, all within a second.
  const own = (await flooder.logs(flooder.rooms.resolve('r'))).own
  const started = Date.now()
  for (let i = 0; i < 10; i++) await own.core.append(Array.from({ length: 1000 }, (_, j) => Buffer.from(JSON.stringify({ v: 1, type: 'msg', ts: started + Math.floor((i * 1000 + j) / 10), text: `flood ${i * 1000 + j}` }))))
  const appendMs = Date.now() - started
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
