/**
 * Drill probes the page acknowledges (docs/protocol.md §3 "Drills", §17). Like a laptop's
 * responder, which acks only blocks downloaded while it runs, the page acks only probes it
 * first sees after its first history: the probes already in that history arrived while
 * no page was open, and an ack now would claim a receipt time that is not true.
 */
import type { Item } from './session.js'

/** What the page says about one probe it received. */
export interface ProbeReceipt { drill: string, probe: string, receivedAt: number }

/** The probes seen so far; one per page load, kept across reconnects. */
export class ProbeWatch {
  /** Message ids of probes seen; null until the first history came. */
  private known: Set<string> | null = null

  /** The probes among `items` that are new (none from the first history), received at `now`. */
  arrived (items: Item[], now: number): ProbeReceipt[] {
    const probes = items.filter((i) => i.type === 'drill-probe' && typeof i.probe?.drill === 'string' && i.probe.drill !== '')
    if (this.known === null) {
      this.known = new Set(probes.map((p) => p.id))
      return []
    }
    const known = this.known
    const fresh = probes.filter((p) => !known.has(p.id))
    for (const p of fresh) known.add(p.id)
    return fresh.map((p) => ({ drill: (p.probe as { drill: string }).drill, probe: p.id, receivedAt: now }))
  }
}
