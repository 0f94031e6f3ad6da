/**
 * Transfer rate and ETA over a sliding window: a download that stalls shows its rate
 * falling to zero within the window instead of an average over the whole run.
 */

/** One progress report of a document transfer, as `get --json` prints it. */
export interface ProgressEvent {
  [key: string]: unknown
  event: 'progress'
  /** 'store' while a shared file is hashed into the store, 'fetch' while blocks arrive, 'verify' while the sha256 is checked and the file written. */
  phase: 'store' | 'fetch' | 'verify'
  id: string
  name: string
  /** Bytes of the document stored, held locally (fetch) or checked (verify). */
  bytes: number
  total: number
  /** Bytes per second over the last few seconds. */
  rate: number
  /** Seconds left at that rate, or null when unknown. */
  eta: number | null
  /** Peers connected on the document's blobs core. */
  peers: number
}

/** Keeps recent (time, bytes) samples and derives the rate. */
export class RateMeter {
  private readonly samples: Array<[number, number]> = []
  private readonly windowMs: number

  constructor (windowMs = 5000) {
    this.windowMs = windowMs
  }

  /** Record that `bytes` (a running total) were reached at `now`. */
  add (bytes: number, now = Date.now()): void {
    this.samples.push([now, bytes])
    while (this.samples.length > 2 && now - this.samples[1][0] >= this.windowMs) this.samples.shift()
  }

  /** Bytes per second across the window; 0 with fewer than two samples. */
  rate (): number {
    if (this.samples.length < 2) return 0
    const [t0, b0] = this.samples[0]
    const [t1, b1] = this.samples[this.samples.length - 1]
    return t1 > t0 ? Math.max(0, (b1 - b0) * 1000 / (t1 - t0)) : 0
  }

  /** Seconds to go for `left` bytes, or null when the rate is zero. */
  eta (left: number): number | null {
    const rate = this.rate()
    if (left <= 0) return 0
    return rate > 0 ? Math.ceil(left / rate) : null
  }
}

/**
 * At most one event per `everyMs` (default 250 ms), except the first and the one that
 * completes a phase, so a fast disk does not flood a terminal or a control socket.
 */
export function throttleProgress (onProgress: ((event: ProgressEvent) => void) | undefined, everyMs = 250): ((event: ProgressEvent) => void) | undefined {
  if (onProgress === undefined) return undefined
  let last = -Infinity
  return (event) => {
    const now = Date.now()
    if (now - last < everyMs && event.bytes < event.total) return
    last = now
    onProgress(event)
  }
}
