/**
 * The Internet path: when allowed, each room's topic is also joined on a Hyperswarm, and
 * its connections feed the same connection manager as the LAN. It runs entirely in the
 * background: offline, flush() takes 24–84 s (DESIGN.md §2), so nothing ever waits on it.
 */
import { EventEmitter } from 'node:events'
import type NoiseSecretStream from '@hyperswarm/secret-stream'
import type { Room } from '../room/index.js'

/** A Hyperswarm bootstrap node (for a local testnet); omit to use Hyperswarm's defaults. */
export interface BootstrapNode { host: string, port: number }

/** Longest we wait for Hyperswarm to shut down before closing the store anyway. */
const SWARM_DESTROY_TIMEOUT_MS = 2000

/** Counts swarms ever created in this process, so tests can prove --lan-only creates none. */
export const internetStats = { swarmsCreated: 0 }

/** A Hyperswarm joined to the topics of our rooms. Events: 'connection' (stream, publicKey), 'warning'. */
export class InternetPath extends EventEmitter {
  private swarm: import('hyperswarm').default | null = null
  private readonly joined = new Set<string>()
  private readonly keyPair: { publicKey: Buffer, secretKey: Buffer }
  private readonly bootstrap: BootstrapNode[] | undefined
  private stopped = false

  constructor (keyPair: { publicKey: Buffer, secretKey: Buffer }, bootstrap?: BootstrapNode[]) {
    super()
    this.keyPair = keyPair
    this.bootstrap = bootstrap
  }

  /** Create the swarm (loaded lazily: --lan-only never even loads the module). */
  async start (): Promise<void> {
    if (this.swarm !== null || this.stopped) return
    const { default: Hyperswarm } = await import('hyperswarm')
    if (this.stopped) return
    internetStats.swarmsCreated++
    this.swarm = new Hyperswarm({ keyPair: this.keyPair, ...(this.bootstrap !== undefined ? { bootstrap: this.bootstrap } : {}) })
    this.swarm.on('connection', (stream: NoiseSecretStream) => this.emit('connection', stream))
    this.swarm.on('error', (err: Error) => this.emit('warning', err))
  }

  /** True once a swarm exists. */
  get active (): boolean {
    return this.swarm !== null
  }

  /** Join the topics of these rooms (idempotent, never waits for the DHT). */
  joinRooms (topics: Buffer[]): void {
    if (this.swarm === null) return
    for (const topic of topics) {
      const hex = topic.toString('hex')
      if (this.joined.has(hex)) continue
      this.joined.add(hex)
      try {
        // Deliberately not awaited: the discovery's flushed() can take over a minute offline.
        this.swarm.join(topic, { server: true, client: true })
      } catch (err) {
        this.emit('warning', err)
      }
    }
  }

  /** Destroy the swarm (idempotent). */
  async stop (): Promise<void> {
    this.stopped = true
    const swarm = this.swarm
    this.swarm = null
    if (swarm === null) return
    // Offline, destroy() can wait on DHT requests for many seconds; never hold shutdown on it.
    let timer: NodeJS.Timeout | undefined
    const bounded = new Promise<void>((resolve) => { timer = setTimeout(resolve, SWARM_DESTROY_TIMEOUT_MS) })
    await Promise.race([swarm.destroy().catch((err: unknown) => this.emit('warning', err)), bounded])
    clearTimeout(timer)
  }
}
