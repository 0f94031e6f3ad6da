/**
 * Handshakes with candidates the mesh plan holds back (admission.ts,
 * unprovenBeyondAllowance): a few at a time, source addresses taking turns (nextProbe), each
 * retried with backoff until a handshake proves its key.
 */
import { nextProbe, probeRetryMs } from './admission.js'
import type { BackoffOptions } from './backoff.js'
import type { DialTarget } from './dial-target.js'

/** What the prober needs from its connection manager. */
export interface ProberHooks {
  maxProbes: number
  backoff: BackoffOptions
  random: () => number
  /** The candidates held back right now (recomputed at each pump). */
  heldBack: () => Set<DialTarget>
  /** Milliseconds `host` is still refused for (flood ban). */
  bannedFor: (host: string, now: number) => number
  /** True while a connection to the target's key is open. */
  connected: (target: DialTarget) => boolean
  /** Dial `target` as a probe; resolves when the attempt ended. */
  probe: (target: DialTarget) => Promise<void>
}

/** Remembered turns per address, bounded. */
const HOSTS_REMEMBERED = 4096

export class Prober {
  /** Probes started so far (diagnostics). */
  started = 0
  private readonly turnsByHost = new Map<string, number>()
  private inFlight = 0
  private timer: NodeJS.Timeout | null = null
  private stopped = false

  constructor (private readonly hooks: ProberHooks) {}

  /** Start probes up to the limit, and a timer for the next one whose backoff has not ended. */
  pump (): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    if (this.stopped) return
    const held = this.hooks.heldBack()
    if (held.size === 0) return
    const now = Date.now()
    let soonest = Infinity
    while (this.inFlight < this.hooks.maxProbes) {
      const waiting: Array<{ target: DialTarget, host: string, readyAt: number, firstSeen: number }> = []
      for (const target of held) {
        const address = target.address
        if (target.expectedKey === null || target.proven || target.dialing || target.stopped || address === null || this.hooks.connected(target)) continue
        const readyAt = Math.max(target.probeAt, now + this.hooks.bannedFor(address.host, now))
        soonest = Math.min(soonest, readyAt)
        waiting.push({ target, host: address.host, readyAt, firstSeen: target.firstSeen })
      }
      const next = nextProbe(waiting, this.turnsByHost, now)
      if (next === null) break
      if (this.turnsByHost.size > HOSTS_REMEMBERED) this.turnsByHost.clear()
      this.turnsByHost.set(next.host, (this.turnsByHost.get(next.host) ?? 0) + 1)
      next.target.probeAt = now + probeRetryMs(next.target.probeFailures + 1, this.hooks.backoff, this.hooks.random)
      this.inFlight++
      this.started++
      void this.hooks.probe(next.target).finally(() => {
        this.inFlight--
        this.pump()
      })
    }
    if (this.inFlight < this.hooks.maxProbes && soonest < Infinity) {
      this.timer = setTimeout(() => this.pump(), Math.max(50, soonest - now))
      this.timer.unref()
    }
  }

  /** Stop for good: no timer, no new probe (probes in flight end on their own). */
  stop (): void {
    this.stopped = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }
}
