/**
 * The mesh policy: which peers a capped connection manager links to when it knows more
 * candidates than it may connect, as pure functions of what it knows.
 *
 * - While the view (known candidates plus live connections) fits under the cap, every peer
 *   links to every other one: a full mesh, exactly as before the policy existed.
 * - Beyond it, each peer keeps **ring links** to the `ringPerSide` nearest keys on each side
 *   of its own, in the circular order of keys (compared as unsigned bytes). Both ends of a
 *   ring link compute the same relation from the same view, and a ring alone is connected,
 *   so the whole mesh stays connected. The lower key dials a ring link; the higher one waits
 *   for the grace period, as for any link both ends want.
 * - The rest of the cap holds **long links**: each peer picks `longLinks` peers at random and
 *   dials them at once. A random graph of that degree is what keeps the diameter small
 *   (about log(n) hops) where the ring alone would need n / (2 * ringPerSide).
 * - Slots for ring links are reserved: a peer accepts a long link only while its long links
 *   stay under `maxConnections - ring size`. A full peer asked for a ring link closes one of
 *   its long links to make room (one it did not choose itself if it can), so live connections
 *   never exceed the cap. A refused or closed long link is not chosen again for a while.
 *
 * Keys are lowercase hex strings here: their string order is the byte order of the keys.
 */

/** Mesh tuning, resolved from the manager's options. */
export interface MeshSettings {
  /** The connection cap (live connections). */
  maxConnections: number
  /** Ring neighbours kept on each side of our key. */
  ringPerSide: number
  /** Long links we choose and dial ourselves. */
  longLinks: number
}

/** Mesh options a caller may set; the rest follows from the cap. */
export interface MeshOptions { ringPerSide?: number, longLinks?: number }

/**
 * Defaults: 2 ring neighbours per side from a cap of 8 (1 below, none below 2), and half of
 * the remaining slots as long links we dial, so the other half is left for long links others
 * dial to us. A cap of 8 gives 4 ring links, 2 long links dialled and about 2 accepted.
 */
export function meshSettings (maxConnections: number, options: MeshOptions = {}): MeshSettings {
  const cap = Math.max(0, Math.floor(maxConnections))
  const defaultRing = cap >= 8 ? 2 : cap >= 2 ? 1 : 0
  const ringPerSide = clamp(options.ringPerSide ?? defaultRing, 0, Math.floor(cap / 2))
  const budget = cap - 2 * ringPerSide
  const longLinks = clamp(options.longLinks ?? Math.floor(budget / 2), 0, budget)
  return { maxConnections: cap, ringPerSide, longLinks }
}

function clamp (n: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, Math.floor(n)))
}

/** What one peer knows when it decides. */
export interface MeshState {
  /** Our own key. */
  self: string
  /** Every peer we know of: candidates from discovery and live connections (never us). */
  view: ReadonlySet<string>
  /** Keys with a live connection. */
  live: ReadonlySet<string>
  /** Long links we chose, dialling or live. */
  chosen: ReadonlySet<string>
  /** Keys not to choose as long links for now (refused or closed recently). */
  cooling: ReadonlySet<string>
  /** Peers never dropped to make room, and let in under the cap like in a full mesh (manual peers). */
  pinned: ReadonlySet<string>
}

/** True while every known peer fits under the cap: link to all of them. */
export function isFullMesh (state: Pick<MeshState, 'view'>, settings: MeshSettings): boolean {
  return state.view.size <= settings.maxConnections
}

/**
 * The `perSide` nearest keys on each side of `self` in the circular order of `view`
 * (`self` excluded). With `2 * perSide` keys or fewer, all of them.
 */
export function ringOf (self: string, view: Iterable<string>, perSide: number): Set<string> {
  const others = [...new Set(view)].filter((k) => k !== self).sort()
  if (others.length <= 2 * perSide) return new Set(others)
  const n = others.length
  let at = 0 // where self would sit in the sorted list
  while (at < n && others[at] < self) at++
  const ring = new Set<string>()
  for (let j = 0; j < perSide; j++) {
    ring.add(others[(at + j) % n])
    ring.add(others[(at - 1 - j + 2 * n) % n])
  }
  return ring
}

/** The ring of `state`'s view, plus `extra` (a peer just met that is not in the view yet). */
function ringFor (state: MeshState, settings: MeshSettings, extra?: string): Set<string> {
  const view = extra === undefined || state.view.has(extra) ? state.view : new Set([...state.view, extra])
  return ringOf(state.self, view, settings.ringPerSide)
}

/** Live links that are not ring links. */
function liveLong (state: MeshState, ring: ReadonlySet<string>): string[] {
  return [...state.live].filter((k) => !ring.has(k))
}

/** Pick a random element of a non-empty list. */
function pick<T> (list: T[], random: () => number): T {
  return list[Math.min(list.length - 1, Math.floor(random() * list.length))]
}

/**
 * Up to `count` long links to close, at random: first those we did not choose (their chooser
 * will choose again elsewhere), then ours; never pinned ones.
 */
export function victims (state: MeshState, long: string[], count: number, random: () => number): string[] {
  const theirs = long.filter((k) => !state.pinned.has(k) && !state.chosen.has(k))
  const ours = long.filter((k) => !state.pinned.has(k) && state.chosen.has(k))
  const out: string[] = []
  for (const pool of [theirs, ours]) {
    while (out.length < count && pool.length > 0) {
      const i = Math.min(pool.length - 1, Math.floor(random() * pool.length))
      out.push(pool[i])
      pool.splice(i, 1)
    }
  }
  return out
}

/** What a peer should do now. */
export interface MeshPlan {
  /** True when every known peer fits under the cap. */
  fullMesh: boolean
  /** Ring neighbours (in a full mesh: every peer). */
  ring: Set<string>
  /** The long links to keep or dial: the new chosen set. */
  chosen: Set<string>
  /** Peers to keep connected: ring and chosen (in a full mesh: every peer). */
  wanted: Set<string>
  /** Live long links to close because there are more than the long budget. */
  drop: string[]
}

/**
 * Decide the links of one peer: ring links, the long links chosen so far (still known, not
 * ring, not cooling), new random long links while we choose fewer than `longLinks` and the
 * long budget has room, and the long links to close when the budget is exceeded (after the
 * ring changed, or when the view outgrew a full mesh).
 */
export function planMesh (state: MeshState, settings: MeshSettings, random: () => number): MeshPlan {
  if (isFullMesh(state, settings)) {
    const all = new Set(state.view)
    return { fullMesh: true, ring: all, chosen: new Set(state.chosen), wanted: new Set(all), drop: [] }
  }
  const ring = ringFor(state, settings)
  const budget = settings.maxConnections - ring.size
  const long = liveLong(state, ring)
  const drop = victims(state, long, long.length - budget, random)
  const chosen = new Set([...state.chosen].filter((k) => state.view.has(k) && !ring.has(k) && !state.cooling.has(k) && !drop.includes(k)))
  const used = long.length - drop.length + [...chosen].filter((k) => !state.live.has(k)).length
  const pool = [...state.view].filter((k) => !ring.has(k) && !state.live.has(k) && !chosen.has(k) && !state.cooling.has(k))
  for (let slots = budget - used; chosen.size < settings.longLinks && slots > 0 && pool.length > 0; slots--) {
    const key = pick(pool, random)
    pool.splice(pool.indexOf(key), 1)
    chosen.add(key)
  }
  return { fullMesh: false, ring, chosen, wanted: new Set([...ring, ...chosen]), drop }
}

/** Verdict on an authenticated connection: keep it (closing `evict` first), or refuse it. */
export type Admission = { accept: true, evict: string | null } | { accept: false, reason: string }

/**
 * May a new authenticated connection to `key` stay? A duplicate of a live key always may
 * (the duplicate rule picks one). In a full mesh: while under the cap. A ring link (in the
 * view with `key` added): always, closing a long link when full. A pinned peer: while under
 * the cap. A long link: while under the cap and under the long budget.
 */
export function admit (state: MeshState, settings: MeshSettings, key: string, random: () => number): Admission {
  if (state.live.has(key)) return { accept: true, evict: null }
  const full = state.live.size >= settings.maxConnections
  const view = state.view.has(key) ? state.view : new Set([...state.view, key])
  if (isFullMesh({ view }, settings)) return full ? { accept: false, reason: 'full' } : { accept: true, evict: null }
  const ring = ringFor(state, settings, key)
  const long = liveLong(state, ring)
  if (ring.has(key)) {
    if (!full) return { accept: true, evict: null }
    const [evict] = victims(state, long, 1, random)
    return evict === undefined ? { accept: false, reason: 'full of ring and pinned links' } : { accept: true, evict }
  }
  if (full) return { accept: false, reason: 'full' }
  if (!state.pinned.has(key) && long.length >= settings.maxConnections - ring.size) return { accept: false, reason: 'no room for another long link' }
  return { accept: true, evict: null }
}

/**
 * May an incoming socket start its handshake, before its key is known? Under the cap, yes.
 * At the cap, only while some ring neighbours are missing (up to that many extra
 * handshakes), since one of them may be calling.
 */
export function admitSocket (state: MeshState, settings: MeshSettings, pending: number): boolean {
  const busy = state.live.size + pending
  if (busy < settings.maxConnections) return true
  if (isFullMesh(state, settings)) return false
  const missing = [...ringFor(state, settings)].filter((k) => !state.live.has(k)).length
  return busy < settings.maxConnections + missing
}
