/**
 * The mesh policy as pure functions: ring order, plans, admission, and a simulation of 100
 * peers running the policy against each other (dial, both ends admit, evict, cool down) until
 * nothing changes: the mesh must be connected, with a small diameter and nobody over the cap.
 */
import t, { type Test } from 'tap'
import { mulberry32 } from '../../src/random.js'
import { admit, admitSocket, graphStats, meshSettings, planMesh, ringOf, type MeshSettings, type MeshState } from '../../src/transport/index.js'

/** A seeded random source, so every run draws the same mesh. */
const seeded = mulberry32

/** `n` distinct 32-byte keys as hex, from a seed. */
function keys (n: number, random: () => number): string[] {
  const out = new Set<string>()
  while (out.size < n) out.add(Array.from({ length: 32 }, () => Math.floor(random() * 256).toString(16).padStart(2, '0')).join(''))
  return [...out]
}

/** Keys whose order is obvious: k(1) < k(2) < ... */
const k = (i: number): string => i.toString(16).padStart(64, '0')

function state (partial: Partial<MeshState> & { self: string }): MeshState {
  return { view: new Set(), live: new Set(), chosen: new Set(), cooling: new Set(), pinned: new Set(), ...partial }
}

t.test('meshSettings: ring and long links follow from the cap', async (t) => {
  const cases: Array<{ cap: number, options?: Parameters<typeof meshSettings>[1], want: MeshSettings, why: string }> = [
    { cap: 8, want: { maxConnections: 8, ringPerSide: 2, longLinks: 2 }, why: 'cap 8: 4 ring links, 2 long dialled, room for 2 more accepted' },
    { cap: 16, want: { maxConnections: 16, ringPerSide: 2, longLinks: 6 }, why: 'the default cap: 4 ring links, 6 long dialled' },
    { cap: 4, want: { maxConnections: 4, ringPerSide: 1, longLinks: 1 }, why: 'small caps keep one ring neighbour per side' },
    { cap: 2, want: { maxConnections: 2, ringPerSide: 1, longLinks: 0 }, why: 'cap 2 is a ring and nothing else' },
    { cap: 1, want: { maxConnections: 1, ringPerSide: 0, longLinks: 0 }, why: 'cap 1 cannot hold a ring' },
    { cap: 8, options: { ringPerSide: 9 }, want: { maxConnections: 8, ringPerSide: 4, longLinks: 0 }, why: 'the ring is clamped to the cap' },
    { cap: 8, options: { longLinks: 99 }, want: { maxConnections: 8, ringPerSide: 2, longLinks: 4 }, why: 'long links are clamped to what the ring leaves' }
  ]
  for (const c of cases) t.same(meshSettings(c.cap, c.options), c.want, c.why)
})

t.test('ringOf: nearest keys on each side, wrapping around', async (t) => {
  const view = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(k)
  const cases: Array<{ self: string, perSide: number, want: number[], why: string }> = [
    { self: k(5), perSide: 2, want: [3, 4, 6, 7], why: 'two below and two above' },
    { self: k(1), perSide: 2, want: [2, 3, 9, 10], why: 'the lowest key wraps to the highest' },
    { self: k(10), perSide: 1, want: [1, 9], why: 'the highest key wraps to the lowest' },
    { self: k(0), perSide: 1, want: [1, 10], why: 'a key not in the view sits where it sorts' },
    { self: k(5), perSide: 5, want: [1, 2, 3, 4, 6, 7, 8, 9, 10], why: 'a ring wider than the view is the whole view' },
    { self: k(5), perSide: 0, want: [], why: 'no ring' }
  ]
  for (const c of cases) t.same([...ringOf(c.self, view, c.perSide)].sort(), c.want.map(k).sort(), c.why)
  const random = seeded(7)
  const many = keys(40, random)
  for (const a of many) {
    for (const b of ringOf(a, many, 2)) t.ok(ringOf(b, many, 2).has(a), `ring links are mutual (${a.slice(0, 6)}–${b.slice(0, 6)})`)
  }
})

t.test('planMesh: full mesh under the cap, ring plus chosen long links beyond it', async (t) => {
  const settings = meshSettings(8)
  const few = state({ self: k(5), view: new Set([1, 2, 3, 4, 6, 7, 8, 9].map(k)) })
  const fullPlan = planMesh(few, settings, seeded(1))
  t.equal(fullPlan.fullMesh, true, '8 peers fit under a cap of 8: full mesh')
  t.equal(fullPlan.wanted.size, 8, 'every peer is wanted')

  const view = new Set(Array.from({ length: 30 }, (_, i) => k(i + 1)))
  const self = k(15)
  const plan = planMesh(state({ self, view }), settings, seeded(2))
  t.equal(plan.fullMesh, false, '30 peers do not fit: mesh')
  t.same([...plan.ring].sort(), [13, 14, 16, 17].map(k), 'the ring is the two nearest keys each side')
  t.equal(plan.chosen.size, 2, 'two long links chosen')
  t.ok([...plan.chosen].every((c) => !plan.ring.has(c)), 'long links are never ring links')
  t.equal(plan.wanted.size, 6, 'wanted = ring + chosen')

  const again = planMesh(state({ self, view, chosen: plan.chosen }), settings, seeded(99))
  t.same([...again.chosen].sort(), [...plan.chosen].sort(), 'chosen links are kept from one plan to the next')

  const cooling = new Set([...view].filter((c) => !plan.ring.has(c) && c !== k(30)))
  const cooled = planMesh(state({ self, view, cooling }), settings, seeded(3))
  t.same([...cooled.chosen], [k(30)], 'peers cooling down are not chosen; the one left is')

  const longLive = new Set([1, 2, 3, 4, 5].map((i) => k(i + 20)))
  const incoming = new Set([...plan.ring, ...longLive])
  const fullOfLong = planMesh(state({ self, view, live: incoming, pinned: new Set([k(21)]) }), settings, seeded(4))
  t.equal(fullOfLong.drop.length, 1, '4 ring + 5 long on a cap of 8: one long link to close')
  t.ok(longLive.has(fullOfLong.drop[0]) && fullOfLong.drop[0] !== k(21), 'the one closed is a long link, never a pinned one')
  t.equal(fullOfLong.chosen.size, 0, 'no new long link is chosen while over the budget')
})

t.test('admit: ring links always get in, long links only within the budget', async (t) => {
  const settings = meshSettings(8)
  const view = new Set(Array.from({ length: 30 }, (_, i) => k(i + 1)))
  const self = k(15)
  const ring = [13, 14, 16, 17].map(k)
  const mine = k(25)
  const theirs = [k(21), k(22), k(23)]
  const fullLive = new Set([...ring, mine, ...theirs])
  const full = state({ self, view, live: fullLive, chosen: new Set([mine]) })
  const partial = state({ self, view, live: new Set([...ring.slice(0, 3), k(21), k(22), k(23), mine]) })
  const cases: Array<{ s: MeshState, key: string, accept: boolean, evictFrom?: string[], why: string }> = [
    { s: full, key: k(14), accept: true, why: 'a duplicate of a live key is left to the duplicate rule' },
    { s: full, key: k(5), accept: false, why: 'a long link to a full peer is refused' },
    { s: partial, key: k(5), accept: false, why: 'a long link is refused when the long budget is used up, even under the cap (a slot is kept for the missing ring link)' },
    { s: partial, key: k(17), accept: true, why: 'the missing ring link gets the kept slot' },
    { s: state({ self, view, live: new Set(ring) }), key: k(5), accept: true, why: 'a long link within the budget is accepted' },
    { s: { ...full, view: new Set([...view].filter((x) => x !== k(16))), live: new Set([...fullLive].filter((x) => x !== k(16))).add(k(26)) }, key: k(16), accept: true, evictFrom: theirs.concat(k(26)), why: 'a full peer takes a ring neighbour it has not heard of yet, closing a long link it did not choose' },
    { s: state({ self, view: new Set([1, 2, 3].map(k)), live: new Set([1, 2].map(k)) }), key: k(9), accept: true, why: 'full mesh: anyone under the cap' },
    { s: { ...full, view: new Set([...view, k(99)]), pinned: new Set([k(99)]), live: new Set([...ring, mine, theirs[0]]) }, key: k(99), accept: true, why: 'a manual peer gets in under the cap even with the long budget used up' }
  ]
  const random = seeded(5)
  for (const c of cases) {
    const verdict = admit(c.s, settings, c.key, random)
    t.equal(verdict.accept, c.accept, c.why)
    if (c.evictFrom !== undefined && verdict.accept) t.ok(verdict.evict !== null && c.evictFrom.includes(verdict.evict), `${c.why}: evicts ${verdict.evict?.slice(-2) ?? 'nothing'}`)
  }
  const onlyRingAndPinned = state({ self, view, live: new Set([...ring, k(1), k(2), k(3), k(4)]), pinned: new Set([k(1), k(2), k(3), k(4)]) })
  t.equal(admit({ ...onlyRingAndPinned, view: new Set([...view].filter((x) => x !== k(16))), live: new Set([13, 14, 17, 1, 2, 3, 4, 18].map(k)), pinned: new Set([1, 2, 3, 4, 18].map(k)) }, settings, k(16), random).accept, false,
    'a full peer whose links are all ring or pinned has nothing to evict: refused')
})

t.test('admitSocket: extra handshakes only for missing ring neighbours', async (t) => {
  const settings = meshSettings(8)
  const view = new Set(Array.from({ length: 30 }, (_, i) => k(i + 1)))
  const self = k(15)
  const ring = [13, 14, 16, 17].map(k)
  const cases: Array<{ live: string[], pending: number, want: boolean, why: string }> = [
    { live: ring, pending: 3, want: true, why: 'under the cap' },
    { live: [...ring, k(1), k(2), k(3), k(4)], pending: 0, want: false, why: 'full with the whole ring: nobody' },
    { live: [...ring.slice(0, 2), k(1), k(2), k(3), k(4), k(5), k(6)], pending: 0, want: true, why: 'full but two ring links missing: one extra handshake' },
    { live: [...ring.slice(0, 2), k(1), k(2), k(3), k(4), k(5), k(6)], pending: 2, want: false, why: 'not more extra handshakes than missing ring links' }
  ]
  for (const c of cases) t.equal(admitSocket(state({ self, view, live: new Set(c.live) }), settings, c.pending), c.want, c.why)
  t.equal(admitSocket(state({ self, view: new Set([1, 2].map(k)), live: new Set([1, 2].map(k)) }), meshSettings(2), 0), false, 'full mesh at the cap: nobody')
})

// A simulation of the policy ----------------------------------------------------------

/** One simulated peer: what the manager keeps. */
interface SimNode { key: string, view: Set<string>, live: Set<string>, chosen: Set<string>, cooling: Map<string, number> }

/** Peers running the policy against each other, in rounds; cool-downs last `coolRounds` rounds. */
class Sim {
  readonly nodes = new Map<string, SimNode>()
  round = 0
  changes = 0
  constructor (readonly settings: MeshSettings, readonly random: () => number, readonly coolRounds = 3) {}

  add (key: string, knows: Iterable<string>): void {
    this.nodes.set(key, { key, view: new Set([...knows].filter((x) => x !== key)), live: new Set(), chosen: new Set(), cooling: new Map() })
  }

  remove (key: string): void {
    for (const other of this.nodes.get(key)?.live ?? []) this.unlink(key, other)
    this.nodes.delete(key)
    for (const n of this.nodes.values()) n.view.delete(key)
  }

  state (n: SimNode): MeshState {
    for (const [c, until] of n.cooling) if (until <= this.round) n.cooling.delete(c)
    return { self: n.key, view: n.view, live: n.live, chosen: n.chosen, cooling: new Set(n.cooling.keys()), pinned: new Set() }
  }

  cool (n: SimNode, key: string): void {
    if (!n.chosen.delete(key)) return
    n.cooling.set(key, this.round + this.coolRounds)
  }

  unlink (a: string, b: string): void {
    const [na, nb] = [this.nodes.get(a), this.nodes.get(b)]
    na?.live.delete(b)
    nb?.live.delete(a)
    if (na !== undefined) this.cool(na, b)
    if (nb !== undefined) this.cool(nb, a)
    this.changes++
  }

  /** u dials v: v lets the socket in, then both ends admit (each may evict), or the dial fails. */
  dial (u: SimNode, v: SimNode): void {
    if (!admitSocket(this.state(v), this.settings, 0)) return this.cool(u, v.key)
    const mine = admit(this.state(u), this.settings, v.key, this.random)
    if (!mine.accept) return this.cool(u, v.key)
    const theirs = admit(this.state(v), this.settings, u.key, this.random)
    if (!theirs.accept) return this.cool(u, v.key)
    if (mine.evict !== null) this.unlink(u.key, mine.evict)
    if (theirs.evict !== null) this.unlink(v.key, theirs.evict)
    u.live.add(v.key)
    v.live.add(u.key)
    u.view.add(v.key)
    v.view.add(u.key)
    this.changes++
  }

  /** Rounds until one changes nothing (at most `max`); returns the rounds run. */
  settle (max = 200): number {
    for (let r = 0; r < max; r++) {
      this.round++
      this.changes = 0
      const order = [...this.nodes.values()].sort(() => this.random() - 0.5)
      for (const u of order) {
        if (!this.nodes.has(u.key)) continue
        const plan = planMesh(this.state(u), this.settings, this.random)
        u.chosen = plan.chosen
        for (const d of plan.drop) this.unlink(u.key, d)
        for (const w of plan.wanted) {
          const v = this.nodes.get(w)
          if (v !== undefined && !u.live.has(w)) this.dial(u, v)
        }
      }
      if (this.changes === 0 && r > 2) return r + 1
    }
    return max
  }

  graph (): Map<string, Set<string>> {
    return new Map([...this.nodes.values()].map((n) => [n.key, n.live]))
  }
}

/** Check the invariants of a settled simulation. */
function checkMesh (t: Test, sim: Sim, label: string, maxDiameter: number): void {
  const stats = graphStats(sim.graph())
  const overCap = [...sim.nodes.values()].filter((n) => n.live.size > sim.settings.maxConnections)
  const overChosen = [...sim.nodes.values()].filter((n) => n.chosen.size > sim.settings.longLinks)
  t.equal(stats.nodes, sim.nodes.size, `${label}: every peer is in the graph`)
  t.ok(stats.connected, `${label}: connected (${stats.components} component(s))`)
  t.ok(stats.diameter <= maxDiameter, `${label}: diameter ${stats.diameter} ≤ ${maxDiameter}`)
  t.ok(stats.maxDegree <= sim.settings.maxConnections, `${label}: max degree ${stats.maxDegree} ≤ cap ${sim.settings.maxConnections}`)
  t.equal(overCap.length, 0, `${label}: no peer over the cap`)
  t.equal(overChosen.length, 0, `${label}: no peer chose more than ${sim.settings.longLinks} long links`)
  t.comment(`${label}: ${stats.links} links, degree min ${stats.minDegree} / median ${stats.medianDegree} / max ${stats.maxDegree}, diameter ${stats.diameter}`)
}

t.test('100 peers who all know each other, cap 8: connected, small diameter, nobody over the cap', async (t) => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const random = seeded(seed)
    const all = keys(100, random)
    const sim = new Sim(meshSettings(8), random)
    for (const key of all) sim.add(key, all)
    const rounds = sim.settle()
    t.ok(rounds < 200, `seed ${seed}: settles in ${rounds} rounds`)
    checkMesh(t, sim, `seed ${seed}`, 6)
    const ringOnly = graphStats(new Map(all.map((key) => [key, ringOf(key, all, 2)])))
    t.ok(ringOnly.diameter > 20, `seed ${seed}: for comparison, the ring alone has diameter ${ringOnly.diameter}`)
  }
})

t.test('peers arriving one by one, then 10 leaving: still connected and within the cap', async (t) => {
  const random = seeded(11)
  const all = keys(100, random)
  const sim = new Sim(meshSettings(8), random)
  for (const [i, key] of all.entries()) {
    sim.add(key, all.slice(0, i)) // the newcomer hears the beacons of everyone already here...
    for (const other of all.slice(0, i)) sim.nodes.get(other)?.view.add(key) // ...and they hear its beacon
    if (i % 10 === 9) sim.settle()
  }
  sim.settle()
  checkMesh(t, sim, 'after 100 arrivals', 6)
  for (const key of all.slice(0, 100).filter((_, i) => i % 10 === 3)) sim.remove(key)
  sim.settle()
  checkMesh(t, sim, 'after 10 departures', 6)
})

t.test('other caps: 16 (the default) and 4 also give a connected mesh', async (t) => {
  for (const [cap, peers, maxDiameter] of [[16, 100, 4], [4, 60, 12]] as const) {
    const random = seeded(cap)
    const all = keys(peers, random)
    const sim = new Sim(meshSettings(cap), random)
    for (const key of all) sim.add(key, all)
    sim.settle()
    checkMesh(t, sim, `cap ${cap}, ${peers} peers`, maxDiameter)
  }
})
