/**
 * Stands between the terminal and blessed. A huge paste arrives as a burst of large
 * chunks; blessed would turn each byte into a keypress and a redraw, freezing the UI for
 * minutes on 1 MB. Bursts over the limit are dropped whole and reported instead.
 */
import { PassThrough } from 'node:stream'

/** A chunk at least this big is treated as the start of a paste, not typing. */
const PASTE_CHUNK = 256
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
      this.write(chunk)
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
    else for (const chunk of this.burst) this.write(chunk)
    this.burst = []
    this.burstBytes = 0
  }

  /** Stop reading the terminal. */
  detach (): void {
    this.tty.off('data', this.onData)
    if (this.timer !== null) clearTimeout(this.timer)
  }
}
