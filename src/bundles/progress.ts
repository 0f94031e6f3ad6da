/**
 * Progress of a long export or import, as the plain JSON events commands pass to
 * `out.progress`: `{ event: 'progress', phase, done, total }`, at most every 100 ms plus
 * the last one, so a large bundle does not flood a control socket.
 */

/** The phases of bundle work. */
export type BundlePhase = 'export' | 'verify' | 'import'

/** A progress event. */
export interface BundleProgressEvent { event: 'progress', phase: BundlePhase, done: number, total: number }

/** Who listens to progress. */
export type ProgressListener = (event: BundleProgressEvent) => void

/** Minimum time between two events of one phase. */
const EVERY_MS = 100

/** Counts work done in one phase and reports it, throttled. */
export class Progress {
  private readonly phase: BundlePhase
  private readonly total: number
  private readonly listener: ProgressListener | undefined
  private done = 0
  private last = 0

  constructor (phase: BundlePhase, total: number, listener?: ProgressListener) {
    this.phase = phase
    this.total = total
    this.listener = listener
  }

  /** Count `n` more items; reports when enough time has passed. */
  add (n: number): void {
    this.done += n
    if (this.listener === undefined || Date.now() - this.last < EVERY_MS) return
    this.emit()
  }

  /** Report the final count. */
  finish (): void {
    if (this.listener !== undefined) this.emit()
  }

  private emit (): void {
    this.last = Date.now()
    this.listener?.({ event: 'progress', phase: this.phase, done: this.done, total: this.total })
  }
}
