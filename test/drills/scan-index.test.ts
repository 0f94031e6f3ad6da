import t from 'tap'
import { DrillScan } from '../../src/drills/index.js'
import { MAX_INDEXED_POSITIONS } from '../../src/log/log-index.js'
import type { NewRecord } from '../../src/log/records.js'
import { Tamtam } from '../../src/tamtam.js'
import { appendMany, peer } from '../helpers/peers.js'
import { countReads } from '../helpers/reads.js'

const reads = async (fn: () => Promise<unknown>): Promise<number> => (await countReads(fn)).n

const probe = (drill: string, seq: number): NewRecord => ({ type: 'drill-probe', drill, seq }) as NewRecord

t.test('a drill scan of a big room reads the drill records only, also in a fresh process', async (t) => {
  const tt = await peer(t, 'Awa')
  await tt.createRoom('atelier')
  await appendMany(tt, 'atelier', 20_000, (i) => ({ type: 'msg', text: `message ${i}` }) as NewRecord)
  await appendMany(tt, 'atelier', 2, (i) => probe('d1', i))
  await appendMany(tt, 'atelier', 500, (i) => ({ type: 'msg', text: `after ${i}` }) as NewRecord)

  const home = tt.home
  await tt.close()
  const again = new Tamtam({ home })
  t.teardown(() => again.close())
  await again.open()
  const scan = new DrillScan(await again.logs(again.rooms.resolve('atelier')))
  const n = await reads(async () => await scan.refresh())
  t.same(scan.drills().map((d) => [d.drill, d.probes.length]), [['d1', 2]], 'the drill and its two probes are found')
  t.ok(n <= 4, `the scan read ${n} blocks of 20,503`)

  await appendMany(again, 'atelier', 1, () => probe('d1', 2))
  const more = await reads(async () => await scan.refresh())
  t.same(scan.drills()[0].probes.map((p) => p.number), [0, 1, 2], 'a probe appended later is found by the next refresh')
  t.ok(more <= 2, `the refresh read ${more} blocks`)
})

t.test('past the index cap of drill positions, later probes are still found', async (t) => {
  const tt = await peer(t, 'Awa')
  await tt.createRoom('atelier')
  // A log full of acknowledgements (a hostile or very long drill) fills the index to its cap.
  await appendMany(tt, 'atelier', MAX_INDEXED_POSITIONS + 3, (i) => ({ type: 'drill-ack', drill: 'old', probe: `x.${i}`, receivedAt: i }) as NewRecord)
  await appendMany(tt, 'atelier', 1, () => probe('late', 0))
  const scan = new DrillScan(await tt.logs(tt.rooms.resolve('atelier')))
  await scan.refresh()
  t.same(scan.drills().map((d) => d.drill), ['late'], 'the probe written after the cap is found')
  t.equal([...scan.acks.values()].reduce((n, list) => n + list.length, 0), MAX_INDEXED_POSITIONS + 3, 'every acknowledgement, indexed or not, is counted once')
})
