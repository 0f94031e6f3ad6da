/**
 * The mesh policy's memory for one connection manager: the long links it chose, the peers it
 * will not choose again for a while, and how many long links failed in a row. The decisions
 * themselves are the pure functions of mesh.ts.
 */
import { backoffDelay, type BackoffOptions } from './backoff.js'
import { admit, admitSocket, planMesh, type Admission, type MeshPlan, type MeshSettings, type MeshState } from './mesh.js'

/** What the manager knows now (keys as lowercase hex). */
export type MeshInputs = Omit<MeshState, 'chosen' | 'cooling'>

/** What a peer is to us under the current plan. */
export type MeshRole = 'ring' | 'long' | 'none'

/** A long link closed sooner than this after it opened counts as refused. */
export const SHORT_LIVED_MS = 1000

/** Chosen long links, cool-downs and the current plan. */
export class MeshPlanner {
  private chosen = new Set<string>()
  private readonly cooling = new Map<string, number>()
  private current: MeshPlan | null = null
  /** Long links refused or failed since the last one that held. */
  private failures = 0

  /** `cooldownMs`: how long a refused or closed long link is not chosen again. */
  constructor (readonly settings: MeshSettings, private readonly cooldownMs: number, private readonly random: () => number, private readonly now: () => number = Date.now) {}

  private state (inputs: MeshInputs): MeshState {
    const now = this.now()
    for (const [key, until] of this.cooling) if (until <= now) this.cooling.delete(key)
    return { ...inputs, chosen: this.chosen, cooling: new Set(this.cooling.keys()) }
  }

  /** Decide again (this may choose new long links); the plan is kept for role(). */
  plan (inputs: MeshInputs): MeshPlan {
    const plan = planMesh(this.state(inputs), this.settings, this.random)
    this.chosen = plan.chosen
    this.current = plan
    return plan
  }

  /** The last plan made, or null before the first. */
  get last (): MeshPlan | null {
    return this.current
  }

  /** Under the last plan: a peer both ends want (ring, or anyone in a full mesh), a long link we chose, or neither. */
  role (key: string): MeshRole {
    if (this.current === null) return 'ring' // before any plan: behave as a full mesh
    if (this.current.ring.has(key)) return 'ring'
    return this.current.chosen.has(key) ? 'long' : 'none'
  }

  /** May a new authenticated connection to `key` stay? See mesh.ts admit(). */
  admit (inputs: MeshInputs, key: string): Admission {
    return admit(this.state(inputs), this.settings, key, this.random)
  }

  /** May an incoming socket start its handshake? See mesh.ts admitSocket(). */
  admitSocket (inputs: MeshInputs, pending: number): boolean {
    return admitSocket(this.state(inputs), this.settings, pending)
  }

  /** True when `key` is a long link we chose. */
  isChosen (key: string): boolean {
    return this.chosen.has(key)
  }

  /** A long link we chose failed, was refused or closed: choose someone else for a while. */
  cool (key: string, failed: boolean): void {
    this.chosen.delete(key)
    this.current?.chosen.delete(key)
    this.cooling.set(key, this.now() + this.cooldownMs)
    this.failures = failed ? this.failures + 1 : 0
  }

  /** Delay before dialling a newly chosen long link: at once, then backing off while they keep failing. */
  longDelay (backoff: BackoffOptions): number {
    return this.failures === 0 ? 0 : backoffDelay(this.failures - 1, backoff, this.random)
  }
}
