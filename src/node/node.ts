/**
 * A node: the one process that owns a home dir. It opens the store (taking its lock),
 * opens every room, serves the control socket so one-shot commands can go through it,
 * and runs the network. close() undoes open() in reverse order.
 */
import { EventEmitter } from 'node:events'
import { ControlServer, nodeListening } from '../control/index.js'
import { fail } from '../errors/index.js'
import type { AutoFetcher, AutoFetchOptions } from '../documents/index.js'
import type { Network, NetworkOptions } from '../network/index.js'
import { Tamtam } from '../tamtam.js'
import { drillsOf } from '../drills/index.js'
import { NODE_LOCK_WAIT_MS, openStoreWaiting } from './home-lock.js'

/**
 * Options for a node. `network: false` runs it without any networking; `documents`
 * tunes (or with false, turns off) serving and auto-fetching documents.
 */
export interface NodeOptions {
  home: string
  network?: NetworkOptions | false
  documents?: AutoFetchOptions | false
  /** A relay hub: runs with no identity, serving only the rooms it has relay codes for. */
  relay?: boolean
  /** How long to wait for one-shot commands to let go of the store (default 60 s). */
  lockWaitMs?: number
}

/** A running node. Network events are re-emitted as they come. */
export class TamtamNode extends EventEmitter {
  readonly tt: Tamtam
  network: Network | null = null
  private readonly control: ControlServer
  private readonly networkOptions: NetworkOptions | false
  private readonly documentOptions: AutoFetchOptions | false
  private readonly relay: boolean
  private readonly lockWaitMs: number
  private autoFetcher: AutoFetcher | null = null
  private openingLocal: Promise<void> | null = null
  private opening: Promise<void> | null = null
  private closing: Promise<void> | null = null

  constructor (opts: NodeOptions) {
    super()
    this.tt = new Tamtam({ home: opts.home })
    this.control = new ControlServer(this.tt, this.tt.paths.socket)
    this.networkOptions = opts.network ?? {}
    this.documentOptions = opts.documents ?? {}
    this.relay = opts.relay === true
    this.lockWaitMs = opts.lockWaitMs ?? NODE_LOCK_WAIT_MS
  }

  /**
   * Open the home, the store and every room: all the app needs to show them, so it paints
   * its first screen before the network starts (idempotent).
   */
  async openLocal (): Promise<void> {
    this.openingLocal ??= (async () => {
      await this.tt.open()
      // A relay hub may have no identity: it never writes to any log.
      if (this.relay) await this.tt.identity().catch((err) => { if ((err as { code?: string }).code !== 'NOT_INITIALISED') throw err })
      else await this.tt.identity()
      // A node already serving this home answers on its socket: fail now rather than wait.
      if (await nodeListening(this.tt.paths.socket)) throw fail('HOME_LOCKED', `a tamtam node already runs on ${this.tt.home}`)
      // A one-shot command may hold the store for a moment (it runs alone when no node answers).
      await openStoreWaiting(this.tt, this.lockWaitMs, () => this.emit('waiting-home', {}))
      for (const room of this.tt.rooms.list()) await this.tt.logs(room)
    })()
    await this.openingLocal
  }

  /** openLocal, then the control socket, the network, documents and drills (idempotent). */
  async open (): Promise<void> {
    // The app starts the network just after its first paint: a quit before that wins.
    if (this.closing !== null) return
    this.opening ??= (async () => {
      await this.openLocal()
      await this.control.listen()
      if (this.networkOptions !== false) await this.startNetwork(this.networkOptions)
      if (this.networkOptions !== false && this.documentOptions !== false) await this.startDocuments(this.documentOptions)
      if (this.network !== null) await this.startDrills(this.network)
    })()
    await this.opening
  }

  private async startNetwork (opts: NetworkOptions): Promise<void> {
    // Loaded here, not at startup: the app paints its first screen before the network starts.
    const { loadPeers, Network } = await import('../network/index.js')
    const saved = await loadPeers(this.tt.paths.peers)
    const network = new Network(this.tt, { ...opts, peers: [...(opts.peers ?? []), ...saved] })
    this.network = network
    this.tt.network = network
    for (const event of ['found', 'lost', 'connected', 'disconnected', 'room', 'synced', 'append', 'warning']) {
      network.on(event, (...args: unknown[]) => this.emit(event, ...args))
    }
    await network.start()
  }

  /** Serve every known document onward and auto-fetch the small ones (documents issue). */
  private async startDocuments (opts: AutoFetchOptions): Promise<void> {
    // Loaded here, not at startup: the app paints its first screen without Hyperblobs.
    const { AutoFetcher, documentsOf } = await import('../documents/index.js')
    const documents = documentsOf(this.tt)
    // A member fetching a document asks us to fetch it too, so its blocks cross this hop.
    this.network?.replicator.on('want', (peer: { stream: unknown }, sync: { id: string }, want: { core: Buffer, start: number, length: number }) => {
      const room = this.tt.rooms.byId(sync.id)
      if (room === undefined) return
      documents.passOn(room, want.core, want.start, want.length, peer.stream).then((passed) => {
        if (passed !== null) this.emit('document-passed', { room: room.name, id: passed.id })
      }, (err: unknown) => this.emit('warning', err))
    })
    const fetcher = new AutoFetcher(documents, opts)
    this.autoFetcher = fetcher
    fetcher.on('warning', (err: unknown) => this.emit('warning', err))
    fetcher.on('fetched', (info: unknown) => this.emit('document', info))
    fetcher.start()
  }

  /** Acknowledge other people's drill probes and time the acknowledgements of ours. */
  private async startDrills (network: Network): Promise<void> {
    const responder = await drillsOf(this.tt).respond(() => network.replicator.list())
    responder.on('warning', (err: unknown) => this.emit('warning', err))
    responder.on('ack', (info: unknown) => this.emit('drill-ack', info))
  }

  /** Close in reverse order: documents, network, control socket, then rooms and store (idempotent). */
  async close (): Promise<void> {
    this.closing ??= (async () => {
      await this.openingLocal?.catch(() => {})
      await this.opening?.catch(() => {})
      this.autoFetcher?.stop()
      await drillsOf(this.tt).close()
      // Commands run through the control socket may have opened them too.
      await (await import('../documents/index.js')).documentsOf(this.tt).close()
      this.tt.network = null
      await this.network?.stop()
      await this.control.close()
      await this.tt.close()
    })()
    await this.closing
  }
}
