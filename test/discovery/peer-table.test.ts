// The beacon's peer table and announce timing, driven by a fake clock: no sockets, no timers. The
// socket side is tested on loopback (loopback.test.ts) and on namespace hosts (beacon.test.ts).
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { PeerTable, type PeerTableOptions } from '../../src/discovery/peer-table.js'
import { AnnounceSchedule, ANNOUNCE_JITTER, REANNOUNCE_MIN_GAP_MS } from '../../src/discovery/announce-schedule.js'
import type { PeerCandidate } from '../../src/discovery/types.js'

/** A table on a clock the test moves by hand, recording what it reports. */
function table (opts: Partial<PeerTableOptions> = {}): { table: PeerTable, clock: { t: number }, events: Array<[string, PeerCandidate]>, warnings: string[] } {
  const clock = { t: 0 }
  const events: Array<[string, PeerCandidate]> = []
  const warnings: string[] = []
  const options = { peerTimeoutMs: 7000, announceIntervalMs: 2000, maxPeers: 1000, ...opts }
  const tbl = new PeerTable(options, { now: () => clock.t, report: (event, c) => events.push([event, c]), warn: (w) => warnings.push(w) })
  tbl.startExpiry()
  return { table: tbl, clock, events, warnings }
}

/** One run of a peer, heard from `host`. */
function candidate (host = '10.0.0.2', port = 4000, publicKey = randomBytes(32)): PeerCandidate {
  return { source: 'lan', publicKey, host, port, instanceId: randomBytes(16).toString('hex') }
}

/** Run the expiry check every `every` ms from the clock's time up to `until`, as the beacon's interval timer does. */
function tick (s: ReturnType<typeof table>, until: number, every = s.table.expiryEveryMs): void {
  while (s.clock.t + every <= until) {
    s.clock.t += every
    s.table.expire()
  }
}

const lost = (s: ReturnType<typeof table>): number => s.events.filter(([e]) => e === 'lost').length

t.test('expiry period: a quarter of the timeout, between 50 ms and 1 s', async (t) => {
  // Each case: timeout, expected period.
  for (const [timeout, every] of [[7000, 1000], [2000, 500], [100, 50], [1, 50]] as const) {
    t.equal(table({ peerTimeoutMs: timeout }).table.expiryEveryMs, every, `timeout ${timeout}`)
  }
})

t.test('heard: new, same, changed', async (t) => {
  const s = table()
  const c = candidate()
  t.equal(s.table.heard(c), 'new')
  t.equal(s.table.heard({ ...c }), 'same', 'a re-announce is not news')
  t.equal(s.table.heard({ ...c, port: 4001 }), 'changed', 'a new port is reported')
  t.equal(s.table.heard({ ...c, port: 4001, publicKey: randomBytes(32) }), 'changed', 'so is a new key')
  t.equal(s.table.heard({ ...c, host: '10.0.0.3' }), 'new', 'another address of the same run is another candidate')
  t.same(s.events.map(([e]) => e), ['peer', 'peer', 'peer', 'peer'])
  t.equal(s.table.size, 2)
})

t.test('a silent candidate is lost after the timeout, a heard one is not', async (t) => {
  const s = table()
  const silent = candidate('10.0.0.2')
  const chatty = candidate('10.0.0.3')
  s.table.heard(silent)
  s.table.heard(chatty)
  for (let at = 2000; at <= 10_000; at += 2000) {
    tick(s, at)
    s.table.heard(chatty)
  }
  t.equal(lost(s), 1, 'one lost')
  t.equal(s.events.find(([e]) => e === 'lost')?.[1].host, '10.0.0.2', 'the silent one')
  t.same(s.table.peers().map((p) => p.host), ['10.0.0.3'])
})

t.test('when a silent candidate is lost, with and without an event-loop stall', async (t) => {
  // Each case: its name, then steps from a candidate heard at 0 ms and never again. A step runs the expiry
  // check every period up to `at` ('tick'), or once at `at` after a blocked loop ('late'), then expects `lost`.
  const cases: Array<[string, Array<['tick' | 'late', number, number]>]> = [
    // Timeout 7 s: kept at exactly 7 s, lost at the next check.
    ['no stall', [['tick', 7000, 0], ['tick', 8000, 1]]],
    // Blocked from 5 s to 12 s: beacons heard meanwhile still wait in the socket, so silence says nothing
    // about the peer. Not judged until two announce periods (4 s) after the late check.
    ['a 7 s stall', [['tick', 5000, 0], ['late', 12_000, 0], ['tick', 15_000, 0], ['tick', 16_000, 1]]],
    // Two periods late at most is scheduling noise, not a stall: judged at once.
    ['a check two periods late', [['tick', 6000, 0], ['late', 8000, 1]]]
  ]
  for (const [name, steps] of cases) {
    const s = table()
    s.table.heard(candidate())
    for (const [kind, at, expected] of steps) {
      if (kind === 'tick') tick(s, at)
      else {
        s.clock.t = at
        s.table.expire()
      }
      t.equal(lost(s), expected, `${name}: lost by ${at} ms`)
    }
  }
})

t.test('a candidate heard during the pause is kept after it', async (t) => {
  const s = table()
  s.table.heard(candidate('10.0.0.2'))
  const back = candidate('10.0.0.3')
  s.table.heard(back)
  s.clock.t = 9000 // stalled from the start
  s.table.expire()
  s.table.heard(back) // its queued beacon is read right after the stall
  tick(s, 13_000)
  t.same(s.events.filter(([e]) => e === 'lost').map(([, c]) => c.host), ['10.0.0.2'], 'only the silent one is lost after the pause')
})

t.test('full table: a newcomer from a crowded address is dropped once, with one warning', async (t) => {
  const s = table({ maxPeers: 2 })
  s.table.heard(candidate('10.0.0.9'))
  s.table.heard(candidate('10.0.0.9'))
  t.equal(s.table.heard(candidate('10.0.0.9')), 'dropped')
  t.equal(s.table.heard(candidate('10.0.0.9')), 'dropped')
  t.equal(s.table.dropped, 2)
  t.equal(s.warnings.length, 1, 'warned once while full')
  t.equal(s.table.heard(candidate('10.0.0.5')), 'new', 'a newcomer from another address takes the place of one of the crowd')
  t.equal(lost(s), 1, 'the one forgotten is reported lost')
  t.equal(s.table.dropped, 3, 'and counted as dropped')
})

t.test('full table: confirmed candidates never give way', async (t) => {
  const s = table({ maxPeers: 2 })
  const key = randomBytes(32)
  s.table.heard(candidate('10.0.0.9', 1, key))
  s.table.heard(candidate('10.0.0.9', 2, key))
  s.table.confirm(key)
  t.equal(s.table.heard(candidate('10.0.0.5')), 'dropped')
  t.equal(lost(s), 0)
})

t.test('full flag clears once expiry makes room, so the next overflow warns again', async (t) => {
  const s = table({ maxPeers: 1 })
  s.table.heard(candidate('10.0.0.9'))
  s.table.heard(candidate('10.0.0.9'))
  tick(s, 8000)
  s.table.heard(candidate('10.0.0.9'))
  s.table.heard(candidate('10.0.0.9'))
  t.equal(s.warnings.length, 2)
})

t.test('clear forgets every candidate without reporting it', async (t) => {
  const s = table()
  s.table.heard(candidate())
  s.table.clear()
  t.equal(s.table.size, 0)
  t.same(s.events.map(([e]) => e), ['peer'])
})

t.test('announce timing: jitter bounds and the gap between triggered announces', async (t) => {
  const clock = { t: 1000 }
  let r = 0
  const schedule = new AnnounceSchedule(2000, () => clock.t, () => r)
  // Each case: the random draw, the delay it gives.
  for (const [draw, delay] of [[0, 2000 * (1 - ANNOUNCE_JITTER)], [0.5, 2000], [1, 2000 * (1 + ANNOUNCE_JITTER)]]) {
    r = draw
    t.equal(schedule.nextDelay(), delay, `random ${draw}`)
  }
  t.ok(schedule.reannounceWait() <= 0, 'the first triggered announce goes at once')
  schedule.reannounced()
  clock.t += 100
  t.equal(schedule.reannounceWait(), REANNOUNCE_MIN_GAP_MS - 100, 'the next waits out the gap')
  clock.t += REANNOUNCE_MIN_GAP_MS
  t.ok(schedule.reannounceWait() <= 0, 'and goes at once after it')
})
