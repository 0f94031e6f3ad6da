/**
 * A node: the one process that owns a home dir. It opens the store (taking its lock),
 * opens every room, serves the control socket so one-shot commands can go through it,
 * and runs the network. close() undoes open() in reverse order.
 */
import { EventEmitter } from 'node:events'
import { ControlServer } from '../control/index.js'
import { loadPeers, Network, type NetworkOptions } from '../network/index.js'
import { Tamtam } from '../tamtam.js'

/** Options for a node. `network: false` runs it without any networking. */
export interface NodeOptions { home: string, network?: NetworkOptions | false }

/** A running node. Network events are re-emitted as they come. */
export class TamtamNode extends EventEmitter {
  readonly tt: Tamtam
  network: Network | null = null
  private readonly control: ControlServer
  private readonly networkOptions: NetworkOptions | false
  private opening: Promise<void> | null = null
  private closing: Promise<void> | null = null

  constructor (opts: NodeOptions) {
    super()
    this.tt = new Tamtam({ home: opts.home })
    this.control = new ControlServer(this.tt, this.tt.paths.socket)
    this.networkOptions = opts.network ?? {}
  }

  /** Open the home, the store, every room, the control socket, then the network (idempotent). */
  async open (): Promise<void> {
    this.opening ??= (async () => {
      await this.tt.open()
      await this.tt.identity()
      await this.tt.store()
      for (const room of this.tt.rooms.list()) await this.tt.logs(room)
      await this.control.listen()
      if (this.networkOptions !== false) await this.startNetwork(this.networkOptions)
    })()
    await this.opening
  }

  private async startNetwork (opts: NetworkOptions): Promise<void> {
    const saved = await loadPeers(this.tt.paths.peers)
    const network = new Network(this.tt, { ...opts, peers: [...(opts.peers ?? []), ...saved] })
    this.network = network
    this.tt.network = network
    for (const event of ['found', 'lost', 'connected', 'disconnected', 'room', 'synced', 'append', 'warning']) {
      network.on(event, (...args: unknown[]) => this.emit(event, ...args))
    }
    await network.start()
  }

  /** Close in reverse order: network, control socket, then rooms and store (idempotent). */
  async close (): Promise<void> {
    this.closing ??= (async () => {
      await this.opening?.catch(() => {})
      this.tt.network = null
      await this.network?.stop()
      await this.control.close()
      await this.tt.close()
    })()
    await this.closing
  }
}
