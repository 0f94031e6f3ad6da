/**
 * Fuzz of time from peers (issue 17, findings 8, 11, 12): extreme `ts` values and records of
 * unknown types. No formatter and no view throws, a record the schema accepts always has a
 * date every formatter can show, and a remote record is never placed in the future.
 */
import t from 'tap'
import fc from 'fast-check'
import { fuzz } from '../helpers/fuzz.js'
import { eventually, link, peer } from '../helpers/peers.js'
import { decodeRecord, MAX_TS } from '../../src/log/records.js'
import { formatDateTime, formatTime, translator } from '../../src/i18n/index.js'
import { formatMs, formatTime as isoTime } from '../../src/drills/render/format.js'
import { formatJson } from '../../cli/format.js'
import { formatItem } from '../../cli/render/line.js'
import { emptyState } from '../../cli/tui/state.js'
import { timelineView } from '../../cli/tui/views.js'
import type { TimelineItem } from '../../src/timeline/index.js'

/** Times a hostile peer would pick: the edges of Date, of safe integers, and of MAX_TS. */
const extremeTs: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -1, MAX_TS, MAX_TS + 1, 8.64e15, 8.64e15 + 1, -8.64e15 - 1, Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, Number.NaN, Infinity, -Infinity, 1e21, 0.5),
  fc.maxSafeNat(),
  fc.double(),
  fc.integer()
)
const LANGS = ['en', 'fr', 'xx-invalid', '']

t.test('date formatters never throw on a time from a peer', async (t) => {
  fuzz(t, 'formatDateTime/formatTime', fc.tuple(extremeTs, fc.constantFrom(...LANGS)), ([ts, lang]) => {
    return typeof formatDateTime(ts, lang) === 'string' && typeof formatTime(ts, lang) === 'string'
  })
  fuzz(t, 'drill render times', extremeTs, (ts) => typeof isoTime(ts) === 'string' && typeof formatMs(ts, 'fr') === 'string')
})

/** A timeline item as a view gets it, with a hostile time and type. */
const item: fc.Arbitrary<TimelineItem> = fc.record({
  ts: extremeTs,
  type: fc.oneof(fc.constantFrom('msg', 'join', 'nick', 'doc', 'drill-probe', 'skipped'), fc.string({ maxLength: 12 })),
  text: fc.string({ maxLength: 40 }),
  skipped: fc.oneof(fc.nat(), fc.constant(undefined))
}).map((r) => ({ id: 'abcd.1', author: 'b4bb-9cc0', authorKey: 'ab'.repeat(32), name: 'Awa', core: 'ab'.repeat(32), seq: 1, ...r }) as TimelineItem)

t.test('the CLI and the app draw any item without throwing', async (t) => {
  const t9n = translator('en')
  fuzz(t, 'cli formatItem/formatJson', fc.tuple(item, fc.constantFrom(...LANGS)), ([i, lang]) => {
    return typeof formatItem(i, { t: t9n, lang }) === 'string' && typeof formatJson('log', [i]) === 'string'
  })
  fuzz(t, 'tui timelineView', fc.array(item, { maxLength: 5 }), (items) => {
    const state = { ...emptyState('fr'), timeline: items }
    return Array.isArray(timelineView(state, t9n, 60, 20))
  }, 2000)
})

t.test('a record the schema accepts has a date every formatter can show', async (t) => {
  const record = fc.record({ v: fc.constantFrom(1, 2), type: fc.constantFrom('msg', 'nick', 'x-unknown', 'drill-ack'), ts: extremeTs, text: fc.string({ maxLength: 8 }), name: fc.constant('n'), drill: fc.constant('d'), probe: fc.constant('p'), receivedAt: extremeTs })
  fuzz(t, 'decodeRecord ts', record, (r) => {
    const decoded = decodeRecord(Buffer.from(JSON.stringify(r)))
    if (!decoded.ok) return true
    const times = [decoded.record.ts, ...(decoded.record.type === 'drill-ack' && !('unknown' in decoded.record) ? [(decoded.record as { receivedAt: number }).receivedAt] : [])]
    return times.every((ts) => ts <= MAX_TS && formatDateTime(ts, 'fr') !== '?' && isoTime(ts) !== '—')
  })
})

t.test('views over a replicated log of extreme times and unknown types: no throw, nothing placed in the future', async (t) => {
  const [awa, mallory] = await Promise.all([peer(t, 'Awa'), peer(t, 'Mallory')])
  const { invite } = await awa.createRoom('r')
  await mallory.joinRoom(invite)
  await awa.send(awa.rooms.resolve('r'), 'bonjour')
  const block = fc.oneof(
    fc.record({ v: fc.constantFrom(1, 2, 3), type: fc.oneof(fc.constantFrom('msg', 'nick', 'edit', 'delete', 'x-new', 'drill-ack'), fc.string({ maxLength: 8 })), ts: extremeTs, text: fc.string({ maxLength: 20 }), name: fc.string({ minLength: 1, maxLength: 8 }), target: fc.nat(50) }).map((r) => Buffer.from(JSON.stringify(r))),
    fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b))
  )
  const own = (await mallory.logs(mallory.rooms.resolve('r'))).own
  const rounds = fc.sample(fc.array(block, { minLength: 50, maxLength: 400 }), { numRuns: 8, seed: 17 })
  const room = awa.rooms.resolve('r')
  await link(t, awa, mallory)
  let pages = 0
  let failures = 0
  for (const blocks of rounds) {
    await own.core.append(blocks)
    const length = own.core.length
    t.ok(await eventually(async () => (await awa.logs(room)).list().some((l) => l.key === own.key && l.core.contiguousLength === length), 15_000, 20), `round of ${blocks.length} blocks replicated`)
    const now = Date.now()
    for (const [limit, unbounded] of [[20, false], [1, false], [500, true]] as const) {
      try {
        const timeline = await awa.timeline(room)
        const items = await timeline.page({ limit, unbounded })
        const older = items.length > 0 ? await timeline.page({ limit, before: items[0] }) : []
        for (const i of [...items, ...older]) {
          formatItem(i, { t: translator('fr'), lang: 'fr' })
          if (i.core === own.key && i.ts > now + 1000) throw new Error(`item ${i.id} placed in the future: ${i.ts}`)
        }
        timelineView({ ...emptyState('en'), timeline: items }, translator('en'), 80, 30)
        pages++
      } catch (err) {
        failures++
        t.comment(`  failure: ${String(err)}`)
      }
    }
  }
  t.comment(`fuzz: hostile-ts views ${pages} pages over ${own.core.length} hostile blocks, ${failures} failures`)
  t.equal(failures, 0, 'no view threw or placed a remote record in the future')
})
