/**
 * Stands between the terminal and blessed. A huge paste arrives as a burst of large
 * chunks; blessed would turn each byte into a keypress and a redraw, freezing the UI for
 * minutes on 1 MB. Bursts over the limit are dropped whole and reported instead.
 *
 * It also hands blessed one line at a time, a tick apart. After Enter, blessed's input
 * box listens again only on the next tick, so whatever followed Enter in the same read was
 * lost: a /quit typed right after /members on a busy machine (CI), or every line of a
 * pasted pair but the first.
 */
import { PassThrough } from 'node:stream'

/** A chunk at least this big is treated as the start of a paste, not typing. */
const PASTE_CHUNK = 256
/** The terminal sends Enter as CR in raw mode. */
const ENTER = 0x0d
/** A paste burst ends after this much quiet. */
const BURST_QUIET_MS = 40

/** A TTY-like stream for blessed's `input`, fed from the real terminal. */
export class PasteGuard extends PassThrough {
  readonly isTTY = true
  private readonly tty: NodeJS.ReadStream
  private readonly limit: number
  private burst: Buffer[] = []
  private burstBytes = 0
  private timer: NodeJS.Timeout | null = null
  /** Pieces waiting for blessed, each ending with Enter but maybe the last. */
  private readonly lines: Buffer[] = []
  private pump: NodeJS.Immediate | null = null
  private readonly onData = (chunk: Buffer): void => this.accept(chunk)

  /** `onRefused(bytes)` is called once per dropped burst. */
  constructor (tty: NodeJS.ReadStream, limit: number, private readonly onRefused: (bytes: number) => void) {
    super()
    this.tty = tty
    this.limit = limit
    tty.on('data', this.onData)
  }

  /** blessed switches the terminal to raw mode through its input stream. */
  setRawMode (mode: boolean): this {
    if (typeof this.tty.setRawMode === 'function') this.tty.setRawMode(mode)
    return this
  }

  private accept (chunk: Buffer): void {
    if (this.burst.length === 0 && chunk.length < PASTE_CHUNK) {
      this.deliver(chunk)
      return
    }
    this.burst.push(chunk)
    this.burstBytes += chunk.length
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = setTimeout(() => this.endBurst(), BURST_QUIET_MS)
  }

  private endBurst (): void {
    this.timer = null
    const bytes = this.burstBytes
    if (bytes > this.limit) this.onRefused(bytes)
    else for (const chunk of this.burst) this.deliver(chunk)
    this.burst = []
    this.burstBytes = 0
  }

  /** Queue `chunk` for blessed, cut after each Enter. */
  private deliver (chunk: Buffer): void {
    let start = 0
    for (let at = chunk.indexOf(ENTER); at !== -1; at = chunk.indexOf(ENTER, start)) {
      this.lines.push(chunk.subarray(start, at + 1))
      start = at + 1
    }
    if (start < chunk.length) this.lines.push(chunk.subarray(start))
    if (this.lines.length > 0 && this.pump === null) this.writeNext()
  }

  /** Write one piece now, the next after blessed's next tick (setImmediate runs after it). */
  private writeNext (): void {
    const piece = this.lines.shift()
    if (piece === undefined) {
      this.pump = null
      return
    }
    this.write(piece)
    this.pump = setImmediate(() => this.writeNext())
  }

  /** Stop reading the terminal. */
  detach (): void {
    this.tty.off('data', this.onData)
    if (this.timer !== null) clearTimeout(this.timer)
    if (this.pump !== null) clearImmediate(this.pump)
  }
}
