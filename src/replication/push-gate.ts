/**
 * The door every Hypercore `data` message goes through on a core that accepts pushes.
 *
 * Hypercore 11 can take blocks nobody asked for (`allowPush`): a writer sends the new block
 * with its upgrade proof and the receiver verifies and stores it, one trip instead of five.
 * But in push mode Hypercore also stops pausing a peer that sends bad data, and it accepts
 * a reply that does not match its request. So before Hypercore sees a message on such a
 * core, a gate decides: unsolicited blocks that are too big, too old, already held or over
 * the sender's quota are dropped and counted, and verification failures are counted after.
 *
 * Hypercore has no hook for this, so `Peer.prototype.ondata` (the one entry of wire `data`
 * messages; Hypercore exports the class for this kind of use) is wrapped once per process.
 * Cores without a registered gate behave exactly as before.
 */
import { requireCjs } from '../cjs.js'

/** The parts of a Hypercore wire `data` message the gate reads. */
export interface WireData {
  request: number
  fork: number
  block: { index: number, value: Uint8Array | null } | null
  upgrade: { start: number, length: number } | null
}

/** The parts of Hypercore's internal per-connection peer the gate and the pusher use. */
export interface HypercorePeer {
  /** The Noise stream this peer runs on (Protomux's stream). */
  readonly stream: unknown
  /** Hypercore's internal core (one per core per store). */
  readonly core: InternalCore
  readonly remoteAllowPush: boolean
  readonly stats: { invalidData: number }
  /** Hypercore's per-core replicator (the in-flight marks and the request scheduler). */
  readonly replicator: { _unmarkInflight: (index: number) => void, queueUpdateAll: () => void }
  ondata: (data: WireData) => Promise<void>
  push: (index: number) => Promise<void>
}

/** Hypercore's internal core, as far as the gate reads it. */
export interface InternalCore {
  readonly bitfield: { get: (index: number) => boolean } | null
  readonly state: { length: number, fork: number }
}

/** What a gate answers for one message: let Hypercore handle it, or drop it here. */
export type Verdict = 'pass' | 'drop'

/** Decides on the `data` messages of one core. */
export interface DataGate {
  /** Called before Hypercore sees the message; synchronous, so messages keep their order. */
  admit: (peer: HypercorePeer, data: WireData) => Verdict
  /** Called after Hypercore handled a message the gate passed; `invalid` when it failed verification. */
  handled: (peer: HypercorePeer, data: WireData, invalid: boolean) => void
}

const gates = new WeakMap<InternalCore, DataGate>()
let installed = false

/** Put `gate` in front of every `data` message of this core (its internal core). */
export function gateData (core: InternalCore, gate: DataGate): void {
  install()
  gates.set(core, gate)
}

/** Remove the gate of a core (its messages go straight to Hypercore again). */
export function ungateData (core: InternalCore): void {
  gates.delete(core)
}

function install (): void {
  if (installed) return
  installed = true
  const Replicator = requireCjs('hypercore/lib/replicator.js') as { Peer: { prototype: HypercorePeer } }
  const proto = Replicator.Peer.prototype
  const original = proto.ondata
  proto.ondata = async function (this: HypercorePeer, data: WireData): Promise<void> {
    const gate = gates.get(this.core)
    if (gate === undefined) return await original.call(this, data)
    if (gate.admit(this, data) === 'drop') return
    const invalidBefore = this.stats.invalidData
    await original.call(this, data)
    gate.handled(this, data, this.stats.invalidData > invalidBefore)
  }
}
