/**
 * Pure decisions against hostile peers (issue 17, findings 2, 3, 4, 6): which stranger gives
 * way, how long a flooder is refused, which unproven candidate is probed next, which LAN
 * candidate gives way in a full table, and which address of a target is dialled.
 */
import t from 'tap'
import fc from 'fast-check'
import { floodBanMs, FloodBans, nextProbe, pickStranger, unprovenBeyondAllowance, DEFAULT_FLOOD_BAN } from '../../src/transport/admission.js'
import { DialTarget } from '../../src/transport/dial-target.js'
import { tableVictim } from '../../src/discovery/candidate-table.js'
import { fuzz } from '../helpers/fuzz.js'

const slot = (host: string, since: number): { host: string, since: number } => ({ host, since })

t.test('pickStranger: the address holding the most strangers loses first, oldest first; a lone newcomer is protected', async (t) => {
  const now = 100_000
  const cases: Array<{ slots: Array<{ host: string, since: number }>, want: { host: string, since: number } | null, why: string }> = [
    { slots: [], want: null, why: 'nobody to close' },
    { slots: [slot('b', now - 100)], want: null, why: 'a lone stranger younger than the probation stays (a member proving its room)' },
    { slots: [slot('b', now - 6000)], want: slot('b', now - 6000), why: 'a lone stranger past the probation may go' },
    { slots: [slot('m', now - 10), slot('m', now - 20), slot('b', now - 9000)], want: slot('m', now - 20), why: 'the address holding two loses before an old lone one, its oldest first' },
    { slots: [slot('m', now - 10), slot('m', now - 20), slot('x', now - 1), slot('x', now - 30)], want: slot('x', now - 30), why: 'equal counts: the oldest of all' },
    { slots: [slot('b', now - 1), slot('c', now - 2)], want: null, why: 'two lone newcomers from two addresses are both protected' }
  ]
  for (const c of cases) t.same(pickStranger(c.slots, now, 5000), c.want, c.why)
  fuzz(t, 'pickStranger', fc.array(fc.record({ host: fc.constantFrom('a', 'b', 'c', 'm'), since: fc.integer({ min: 0, max: 20_000 }) }), { maxLength: 40 }), (slots) => {
    const got = pickStranger(slots, 20_000, 5000)
    const count = (h: string): number => slots.filter((s) => s.host === h).length
    if (got === null) return slots.every((s) => count(s.host) < 2 && 20_000 - s.since < 5000)
    if (!slots.includes(got)) return false
    // Nobody evictable sits at an address holding more.
    return slots.every((s) => count(s.host) <= count(got.host) || (count(s.host) < 2 && 20_000 - s.since < 5000))
  }, 2000)
})

t.test('flood bans: 10 s, doubling to 10 min, forgotten after an hour', async (t) => {
  t.equal(floodBanMs(0), 0, 'no strike, no ban')
  t.same([1, 2, 3, 4, 7, 8, 100].map((n) => floodBanMs(n)), [10_000, 20_000, 40_000, 80_000, 600_000, 600_000, 600_000], 'doubling, capped')
  const bans = new FloodBans()
  t.equal(bans.remaining('m', 0), 0, 'unknown address: not refused')
  t.equal(bans.strike('m', 0), 10_000, 'first flood: 10 s')
  t.equal(bans.remaining('m', 4000), 6000, 'counting down')
  t.equal(bans.remaining('other', 4000), 0, 'other addresses are not affected')
  t.equal(bans.strike('m', 11_000), 20_000, 'second flood: 20 s')
  t.equal(bans.strike('m', 11_000 + DEFAULT_FLOOD_BAN.forgetMs + 1), 10_000, 'after an hour of quiet the count starts over')
  const small = new FloodBans(DEFAULT_FLOOD_BAN, 3)
  for (const h of ['a', 'b', 'c', 'd']) small.strike(h, 0)
  t.equal(small.remaining('a', 1), 0, 'bounded memory: the oldest address is forgotten first')
  t.ok(small.remaining('d', 1) > 0, 'the newest stays')
  fuzz(t, 'FloodBans', fc.array(fc.tuple(fc.constantFrom('a', 'b'), fc.integer({ min: 0, max: 10_000_000 })), { maxLength: 30 }), (strikes) => {
    const b = new FloodBans()
    let now = 0
    for (const [h, dt] of strikes) {
      now += dt
      const ms = b.strike(h, now)
      if (!(ms >= 10_000 && ms <= 600_000) || b.remaining(h, now) !== ms) return false
    }
    return true
  }, 2000)
})

t.test('nextProbe: addresses take turns; a newcomer beats a thousand forged peers of one host', async (t) => {
  const forged = Array.from({ length: 1000 }, (_, i) => ({ id: `f${i}`, host: 'm', readyAt: 0, firstSeen: i }))
  const newcomer = { id: 'b', host: 'b', readyAt: 0, firstSeen: 5000 }
  t.equal(nextProbe([...forged, newcomer], new Map([['m', 3]]), 10)?.id, 'b', 'the newcomer\'s address was probed least')
  t.equal(nextProbe([...forged, newcomer], new Map([['m', 3], ['b', 3]]), 10)?.id, 'f0', 'equal turns: announced first')
  t.equal(nextProbe([{ ...newcomer, readyAt: 50 }], new Map(), 10), null, 'not ready yet (backoff or grace)')
  t.equal(nextProbe([], new Map(), 10), null, 'nothing to probe')
  fuzz(t, 'nextProbe', fc.array(fc.record({ host: fc.constantFrom('a', 'b', 'm'), readyAt: fc.integer({ min: 0, max: 100 }), firstSeen: fc.integer({ min: 0, max: 100 }) }), { maxLength: 30 }), (cands) => {
    const turns = new Map([['m', 5], ['a', 1]])
    const got = nextProbe(cands, turns, 50)
    const ready = cands.filter((c) => c.readyAt <= 50)
    if (got === null) return ready.length === 0
    const n = (h: string): number => turns.get(h) ?? 0
    return got.readyAt <= 50 && ready.every((c) => n(c.host) >= n(got.host))
  }, 2000)
})

t.test('unprovenBeyondAllowance: one key per honest host is planned at once; a forging host gets two places', async (t) => {
  const honest = Array.from({ length: 49 }, (_, i) => ({ id: `h${i}`, host: `10.0.0.${i}`, proven: false, failures: 0, firstSeen: i }))
  t.equal(unprovenBeyondAllowance(honest, 2).size, 0, '49 hosts with one key each: nothing held back, nothing to probe (the 50-host bench)')
  const forged = Array.from({ length: 1000 }, (_, i) => ({ id: `f${i}`, host: 'm', proven: false, failures: 0, firstSeen: 100 + i }))
  const held = unprovenBeyondAllowance([...honest, ...forged], 2)
  t.equal(held.size, 998, 'all but two of the forger\'s keys wait for a probe')
  t.ok(honest.every((c) => !held.has(c)), 'no honest host is held back')
  const failed = [{ ...forged[0], failures: 3 }, forged[1], forged[2]]
  t.same([...unprovenBeyondAllowance(failed, 2)].map((c) => c.id), ['f0'], 'a key whose dials failed gives its place to an untried one')
  const proven = [...forged.slice(0, 5).map((c) => ({ ...c, proven: true })), forged[5]]
  t.equal(unprovenBeyondAllowance(proven, 2).size, 0, 'proven keys never count against the allowance (several honest nodes on one address)')
  fuzz(t, 'unprovenBeyondAllowance', fc.array(fc.record({ host: fc.constantFrom('a', 'b', 'm'), proven: fc.boolean(), failures: fc.integer({ min: 0, max: 3 }), firstSeen: fc.integer({ min: 0, max: 100 }) }), { maxLength: 40 }), (cands) => {
    const out = unprovenBeyondAllowance(cands, 2)
    return ['a', 'b', 'm'].every((h) => {
      const unproven = cands.filter((c) => c.host === h && !c.proven)
      const kept = unproven.filter((c) => !out.has(c))
      return kept.length === Math.min(2, unproven.length) && [...out].every((c) => !c.proven)
    })
  }, 2000)
})

t.test('tableVictim: a full LAN table makes room for a newcomer from another address, never for the flooder itself', async (t) => {
  const entry = (host: string, firstSeen: number, confirmed = false): { host: string, firstSeen: number, confirmed: boolean } => ({ host, firstSeen, confirmed })
  const table = new Map([['a', entry('10.0.0.1', 0, true)], ['f1', entry('10.0.0.9', 5)], ['f2', entry('10.0.0.9', 3)], ['f3', entry('10.0.0.9', 9)]])
  t.equal(tableVictim(table, '10.0.0.2'), 'f2', 'a newcomer evicts the oldest forged entry of the busiest address')
  t.equal(tableVictim(table, '10.0.0.9'), null, 'the busiest address only competes with itself: dropped')
  t.equal(tableVictim(new Map([['a', entry('10.0.0.1', 0, true)], ['b', entry('10.0.0.1', 1, true)]]), '10.0.0.2'), null, 'confirmed candidates never give way')
  t.equal(tableVictim(new Map([['a', entry('10.0.0.1', 0)]]), '10.0.0.2'), null, 'one entry per address: nobody is worse than the newcomer')
  fuzz(t, 'tableVictim', fc.tuple(fc.array(fc.record({ host: fc.constantFrom('a', 'b', 'm'), firstSeen: fc.nat(100), confirmed: fc.boolean() }), { maxLength: 30 }), fc.constantFrom('a', 'b', 'm', 'n')), ([entries, host]) => {
    const map = new Map(entries.map((e, i) => [i, e]))
    const got = tableVictim(map, host)
    if (got === null) return true
    const v = map.get(got)
    const count = (h: string): number => entries.filter((e) => e.host === h).length
    return v !== undefined && !v.confirmed && v.host !== host && count(v.host) > count(host) + 1
  }, 2000)
})

t.test('DialTarget: a replayed address never replaces or removes the real one', async (t) => {
  const target = new DialTarget('key:x', Buffer.alloc(32, 7), () => {})
  const real = { host: '10.0.0.2', port: 4000, source: 'lan' as const }
  const fake = { host: '10.0.0.9', port: 4000, source: 'lan' as const }
  t.ok(target.setAddress(real), 'the real address is new')
  target.markAddress(real, true)
  t.ok(target.setAddress(fake), 'the replayed address is added')
  t.notOk(target.setAddress(fake), 'announced again: nothing new')
  t.same(target.address, real, 'the proven address is dialled first')
  t.equal(target.removeAddress(fake), 1, 'the replay expires: the real address stays')
  t.same(target.address, real, 'and is still dialled')
  const fresh = new DialTarget('key:y', Buffer.alloc(32, 8), () => {})
  fresh.setAddress(real)
  fresh.setAddress(fake)
  t.same(fresh.address, fake, 'nothing proven: the newest address first')
  fresh.markAddress(fake, false)
  t.same(fresh.address, real, 'after a failure at the replayed address, the other one')
  t.equal(fresh.removeSource('lan'), 0, 'a source that loses the peer removes all of its addresses')
})
