/**
 * The in-process network of `drill sim`: a seeded PRNG and a Wire, two raw duplex ends
 * joined like a TCP connection. Every chunk written at one end arrives at the other after
 * a random delay; a "lost" chunk waits for a retransmission timeout (doubled for each
 * consecutive loss) instead of vanishing, and everything written after it waits behind
 * it. So bytes are never dropped or reordered, as over TCP, but a lossy link stalls.
 */
import { Duplex } from 'node:stream'

export { mulberry32 } from '../random.js'

/** How a wire delays chunks. */
export interface WireOptions {
  /** Delay of every chunk, uniform in [min, max] ms. */
  delayMs: [number, number]
  /** Probability (0..1) that a chunk is lost and must be retransmitted. */
  loss: number
  /** First retransmission timeout in ms; doubled for each consecutive loss of one chunk. */
  rtoMs?: number
  /** The random source (seeded by the caller, one per wire). */
  random: () => number
}

/** First retransmission timeout, as in common TCP stacks' minimum RTO. */
export const DEFAULT_RTO_MS = 200
/** Retransmissions of one chunk beyond which it is delivered anyway (keeps delays bounded). */
const MAX_RETRIES = 6

/** A chunk on its way, or the end of the stream (null). */
interface InFlight { at: number, data: Buffer | null }

/** One end of a wire: writes go to the other end, delayed. */
export class WireEnd extends Duplex {
  /** The other end, set by Wire. */
  peer: WireEnd | null = null
  /** Chunks and bytes written at this end. */
  chunks = 0
  bytes = 0
  /** Chunks that were lost once or more (and so retransmitted). */
  lost = 0
  private readonly opts: WireOptions
  private readonly queue: InFlight[] = []
  private head = 0
  private lastAt = 0
  private timer: NodeJS.Timeout | null = null

  constructor (opts: WireOptions) {
    super({ allowHalfOpen: true })
    this.opts = opts
  }

  /** When a chunk written now arrives: random delay, retransmissions, and never before the one ahead. */
  private arrival (): number {
    const [min, max] = this.opts.delayMs
    let at = performance.now() + min + this.opts.random() * (max - min)
    let rto = this.opts.rtoMs ?? DEFAULT_RTO_MS
    let retries = 0
    while (retries < MAX_RETRIES && this.opts.loss > 0 && this.opts.random() < this.opts.loss) {
      at += rto
      rto *= 2
      retries++
    }
    if (retries > 0) this.lost++
    this.lastAt = Math.max(this.lastAt, at)
    return this.lastAt
  }

  private send (data: Buffer | null): void {
    this.queue.push({ at: this.arrival(), data })
    if (this.timer === null) this.schedule()
  }

  private schedule (): void {
    if (this.head >= this.queue.length) {
      this.queue.length = 0
      this.head = 0
      this.timer = null
      return
    }
    this.timer = setTimeout(() => this.deliver(), Math.max(0, this.queue[this.head].at - performance.now()))
  }

  /** Hand every chunk that is due to the other end, in order. */
  private deliver (): void {
    const now = performance.now()
    while (this.head < this.queue.length && this.queue[this.head].at <= now) {
      const { data } = this.queue[this.head++]
      if (this.peer === null || this.peer.destroyed) continue
      this.peer.push(data)
    }
    this.schedule()
  }

  override _write (chunk: Buffer, _encoding: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.chunks++
    this.bytes += chunk.byteLength
    this.send(chunk)
    cb()
  }

  override _final (cb: (err?: Error | null) => void): void {
    this.send(null)
    cb()
  }

  override _read (): void {
    // Chunks are pushed by the other end when due; in-process memory is the only buffer.
  }

  override _destroy (err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.queue.length = 0
    this.head = 0
    // A cut cable: the other end goes down at once, like a connection reset.
    const peer = this.peer
    this.peer = null
    if (peer !== null && !peer.destroyed) peer.destroy()
    cb(err)
  }
}

/** Two joined ends, `a` and `b`. */
export class Wire {
  readonly a: WireEnd
  readonly b: WireEnd

  constructor (opts: WireOptions) {
    this.a = new WireEnd(opts)
    this.b = new WireEnd(opts)
    this.a.peer = this.b
    this.b.peer = this.a
  }

  /** Cut the wire: both ends close, in-flight bytes are gone. */
  destroy (): void {
    this.a.destroy()
    this.b.destroy()
  }

  /** Chunks sent both ways, and how many needed a retransmission. */
  get stats (): { chunks: number, bytes: number, lost: number } {
    return { chunks: this.a.chunks + this.b.chunks, bytes: this.a.bytes + this.b.bytes, lost: this.a.lost + this.b.lost }
  }
}
