/**
 * The mesh policy's glue for one connection manager: what the plan sees of the manager's
 * dial targets and connections, which candidates wait outside it for a probe, and whether
 * a socket may open or an authenticated connection may stay. The decisions themselves are
 * the pure functions of mesh.ts (through MeshPlanner) and admission.ts; this file only
 * gathers their inputs from the manager's bookkeeping, which it reads and never changes.
 */
import type net from 'node:net'
import { pickStranger, unprovenBeyondAllowance, type StrangerSlot, type UnprovenCandidate } from './admission.js'
import type { LiveConnection } from './connection-set.js'
import type { DialTarget } from './dial-target.js'
import type { PendingSocket } from './handshakes.js'
import { keyTargetId } from './dial-targets.js'
import { MeshPlanner, SHORT_LIVED_MS, type MeshInputs } from './mesh-planner.js'
import type { Admission } from './mesh.js'
import type { Settings } from './settings.js'
import type { ConnectionInfo } from './types.js'

/** Unproven keys one address may put in the mesh's view at a time (the rest wait for a probe). */
const UNPROVEN_PER_HOST = 2

/** A stranger the manager may close to free a slot: a live connection sharing no room, or an incoming handshake. */
export interface Stranger extends StrangerSlot { connection?: LiveConnection, socket?: net.Socket }

/** Whether one more socket may open: at once, after closing `evict`, or not now. */
export type Room = { ok: true, evict: Stranger | null } | { ok: false }

/** The manager's bookkeeping, as the policy reads it. */
export interface ManagerBooks {
  /** Our own key. */
  publicKey: Buffer
  /** Peers to keep dialling, by id ('key:<hex>' or 'addr:<host>:<port>'). */
  targets: { values: () => Iterable<DialTarget>, get: (id: string) => DialTarget | undefined }
  /** Live connections. */
  live: { size: number, has: (key: Buffer) => boolean, values: () => Iterable<LiveConnection> }
  /** Sockets dialling or handshaking. */
  pending: ReadonlyMap<net.Socket, PendingSocket>
}

/** What to do with the dial targets after planning. */
export interface Rebalance {
  /** Targets no longer wanted: stop their retry. */
  cancel: DialTarget[]
  /** Wanted targets with no connection and no dial: dial after `delayMs`. */
  dial: Array<{ target: DialTarget, delayMs: number }>
  /** Live long links to close (keys as hex). */
  evict: string[]
}

const OPEN: Room = { ok: true, evict: null }
const SHUT: Room = { ok: false }

/** Mesh and admission decisions for one manager, from its bookkeeping. */
export class MeshPolicy {
  private readonly planner: MeshPlanner
  private readonly selfHex: string

  constructor (private readonly settings: Settings, private readonly books: ManagerBooks) {
    this.planner = new MeshPlanner(settings.mesh, settings.meshCooldownMs, settings.random)
    this.selfHex = books.publicKey.toString('hex')
  }

  /** The last plan: ring neighbours, long links chosen, whether every peer fits (a full mesh). */
  status (): { fullMesh: boolean, ring: number, chosen: number } {
    const plan = this.planner.last
    return { fullMesh: plan?.fullMesh ?? true, ring: plan?.ring.size ?? 0, chosen: plan?.chosen.size ?? 0 }
  }

  /**
   * Plan again: dial wanted peers that are not connected (ring links after the grace rule,
   * chosen long links at once), stop dialling the others, close long links beyond the budget.
   * Manual addresses are always dialled, so they are left alone.
   */
  rebalance (): Rebalance {
    const plan = this.planner.plan(this.inputs())
    const steps: Rebalance = { cancel: [], dial: [], evict: plan.drop }
    for (const target of this.books.targets.values()) {
      const hex = target.expectedHex
      if (hex === null || target.expectedKey === null) continue
      if (!plan.wanted.has(hex)) steps.cancel.push(target)
      else if (!this.books.live.has(target.expectedKey) && !target.dialing && !target.scheduled) {
        steps.dial.push({ target, delayMs: plan.ring.has(hex) ? this.graceFor(target.expectedKey) : this.planner.longDelay(this.settings.backoff) })
      }
    }
    return steps
  }

  /** First dial delay for `key`: the lower key dials at once, the higher waits for it. */
  graceFor (key: Buffer): number {
    return Buffer.compare(this.books.publicKey, key) < 0 ? 0 : this.settings.graceMs
  }

  /** False when the plan no longer wants `target` (manual addresses are always wanted); rebalance() dials it again if that changes. */
  wants (target: DialTarget): boolean {
    const hex = target.expectedHex
    return hex === null || this.planner.role(hex) !== 'none'
  }

  /** Room for a dial to `target` at `host`: a `probe` uses the probe slots, any other dial the mesh's. */
  roomToDial (target: DialTarget, host: string, probe: boolean): Room {
    if (probe) return this.room(this.settings.maxProbes, host)
    if (!this.mayDial(target)) return SHUT
    return this.settings.roomAware ? this.room(0, host) : OPEN
  }

  /**
   * May an incoming socket start its handshake? With `roomAware`, under the hard limit, or by
   * closing a stranger; otherwise as the mesh policy says, plus a few handshakes for probes.
   */
  roomToAccept (host: string): Room {
    if (this.settings.roomAware) return this.room(0, host)
    const { live, pending } = this.books
    if (this.planner.admitSocket(this.inputs(), pending.size)) return OPEN
    return this.probeMode() && live.size + pending.size < this.settings.maxConnections + this.settings.maxProbes ? OPEN : SHUT
  }

  /**
   * May an authenticated connection to `hex` stay? With `roomAware`, a key nobody announced is
   * a stranger: it took a slot under the hard limit already, stays out of the mesh, and gives
   * way when a slot is needed. Any other key is up to the mesh (mesh.ts, admit).
   */
  admit (hex: string): Admission {
    const inputs = this.inputs()
    const stranger = this.settings.roomAware && this.books.targets.get(keyTargetId(hex)) === undefined && !inputs.pinned.has(hex)
    return stranger ? { accept: true, evict: null } : this.planner.admit(inputs, hex)
  }

  /** A dial to `target` failed. True when it was a long link we chose: it cools down and another is chosen instead. */
  dialFailed (target: DialTarget): boolean {
    const hex = target.expectedHex
    if (hex === null || !this.planner.isChosen(hex)) return false
    this.planner.cool(hex, true)
    return true
  }

  /** A connection is gone: a long link we chose cools down, as refused if it lived only briefly. */
  connectionGone (info: ConnectionInfo, now: number): void {
    const hex = info.publicKey.toString('hex')
    if (this.planner.isChosen(hex)) this.planner.cool(hex, now - info.since < SHORT_LIVED_MS)
  }

  /** The connection to `target`'s key ended: true when it should be dialled again (a manual address, or a ring link). */
  redialsAfterLoss (target: DialTarget): boolean {
    const hex = target.expectedHex
    return hex === null || this.planner.role(hex) === 'ring'
  }

  /**
   * Keyed candidates the mesh may not plan over yet: with `roomAware`, those beyond an
   * address's allowance of unproven keys (admission.ts, unprovenBeyondAllowance). They are
   * probed (prober.ts) and join the view once a handshake proves them. On an honest LAN
   * every host announces one key, nothing is held back and nothing is probed; a host
   * announcing a thousand forged keys puts two of them in the view at a time.
   */
  heldBack (): Set<DialTarget> {
    if (!this.settings.roomAware) return new Set()
    const keyed: Array<UnprovenCandidate & { target: DialTarget }> = []
    for (const target of this.books.targets.values()) {
      const address = target.address
      if (target.expectedKey === null || address === null) continue
      keyed.push({ target, host: address.host, proven: target.proven, failures: target.attempt + target.probeFailures, firstSeen: target.firstSeen })
    }
    return new Set([...unprovenBeyondAllowance(keyed, UNPROVEN_PER_HOST)].map((c) => c.target))
  }

  /** True while some candidate is held back from the mesh until a probe proves it. */
  private probeMode (): boolean {
    return this.heldBack().size > 0
  }

  /** What the mesh policy decides from: our key, every peer known (proven), live connections, manual peers. */
  private inputs (): MeshInputs {
    const live = this.meshLive()
    const view = new Set(live)
    const pinned = new Set<string>()
    const held = this.heldBack()
    for (const target of this.books.targets.values()) {
      const hex = target.expectedHex
      if (hex !== null) {
        if (!held.has(target)) view.add(hex)
      } else if (target.learnedKey !== null) pinned.add(target.learnedKey.toString('hex'))
    }
    view.delete(this.selfHex)
    return { self: this.selfHex, view, live, pinned }
  }

  /**
   * Live connections the mesh counts: with `roomAware`, those sharing a room or to a proven
   * candidate; a stranger nobody announced (an outsider dialling in) counts only against the
   * hard limit, and gives way there (see room).
   */
  private meshLive (): Set<string> {
    const out = new Set<string>()
    for (const [hex, connection] of this.liveEntries()) {
      if (!this.settings.roomAware || connection.sharesRoom === true || this.books.targets.get(keyTargetId(hex))?.proven === true) out.add(hex)
    }
    return out
  }

  private * liveEntries (): Generator<[string, LiveConnection]> {
    for (const connection of this.books.live.values()) yield [connection.info.publicKey.toString('hex'), connection]
  }

  /** Handshakes the mesh counts: all of them, or with `roomAware` our own dials only. */
  private meshPending (): number {
    if (!this.settings.roomAware) return this.books.pending.size
    let n = 0
    for (const p of this.books.pending.values()) if (!p.incoming) n++
    return n
  }

  /** Whether a dial to `target` may start now: a ring link may use the slots kept for missing ring neighbours. */
  private mayDial (target: DialTarget): boolean {
    const hex = target.expectedHex
    if (hex === null || this.planner.role(hex) !== 'ring') return this.meshLive().size + this.meshPending() < this.settings.maxConnections
    return this.planner.admitSocket(this.inputs(), this.meshPending())
  }

  /**
   * Whether one more socket to or from `host` may open now (`extra`: slots allowed beyond the
   * hard limit). At the limit, with `roomAware`, a stranger gives way (admission.ts,
   * pickStranger), unless it is from `host` itself: a host holding the most strangers only
   * waits, so its connections stay and it cannot make us churn handshakes.
   */
  private room (extra: number, host: string): Room {
    const limit = this.settings.maxConnections + (this.settings.roomAware ? this.settings.strangerHeadroom : 0) + extra
    if (this.books.live.size + this.books.pending.size < limit) return OPEN
    if (!this.settings.roomAware) return SHUT
    const victim = pickStranger(this.strangers(), Date.now(), this.settings.strangerProbationMs)
    return victim === null || victim.host === host ? SHUT : { ok: true, evict: victim }
  }

  /** Live connections that share no room (manual peers excepted), and incoming handshakes. */
  private strangers (): Stranger[] {
    const pinned = this.inputs().pinned
    const out: Stranger[] = []
    for (const [hex, connection] of this.liveEntries()) {
      if (connection.sharesRoom !== true && !pinned.has(hex)) out.push({ host: connection.info.host, since: connection.info.since, connection })
    }
    for (const [socket, p] of this.books.pending) if (p.incoming) out.push({ host: p.host, since: p.since, socket })
    return out
  }
}
