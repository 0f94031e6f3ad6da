/**
 * A node: the one process that owns a home dir. It opens the store (taking its lock),
 * opens every room, serves the control socket so one-shot commands can go through it,
 * and runs the network over its connection source. It owns the context commands run in,
 * and close() undoes open() in reverse order.
 *
 * A one-shot command run without a node is a node too, with no control socket and no
 * network unless the command asks for one (`get`).
 */
import { EventEmitter } from 'node:events'
import { nodeListening } from '../control/client.js'
import type { ControlServer } from '../control/server.js'
import { fail } from '../errors/index.js'
import type { AutoFetcher, AutoFetchOptions } from '../documents/index.js'
import { EpochRunner } from '../epochs/runner.js'
import { ExpiryRunner, type ExpiryOptions } from '../expiry/index.js'
import type { ConnectionSource, Network, NetworkOptions } from '../network/index.js'
import { Tamtam } from '../tamtam.js'
import type { WebOptions, WebServer } from '../web/index.js'
import { NodeContext } from './context.js'
import { NODE_LOCK_WAIT_MS, openStoreWaiting } from './home-lock.js'

/**
 * Options for a node. `network: false` runs it without any networking; `source` replaces
 * the TCP source (an in-process one in tests and the simulator); `documents` tunes (or
 * with false, turns off) serving and auto-fetching documents.
 */
export interface NodeOptions {
  home: string
  /** The wall clock; drills and the clock-skew tests use a skewed one. */
  clock?: () => number
  network?: NetworkOptions | false
  source?: ConnectionSource
  documents?: AutoFetchOptions | false
  /** Serve the control socket (default true). */
  control?: boolean
  /** Acknowledge drill probes (default true; tests that drive the responder turn it off). */
  drills?: boolean
  /** A relay hub: runs with no identity, serving only the rooms it has relay codes for. */
  relay?: boolean
  /** How long to wait for one-shot commands to let go of the store (default 60 s). */
  lockWaitMs?: number
  /** Serve phones on the LAN over HTTP and WebSocket (issue 20); off by default. */
  web?: WebOptions
  /** The options `/web` starts the server with when `web` did not (default: port 8080, every address). */
  webLater?: WebOptions
  /** Sweep expired records (src/expiry); default on for nodes that serve the control socket, false turns it off. */
  expiry?: ExpiryOptions | false
}

/** A running node. Network events are re-emitted as they come. */
export class TamtamNode extends EventEmitter {
  readonly tt: Tamtam
  /** What commands run against; owned by this node. */
  readonly context: NodeContext
  network: Network | null = null
  /** The web server for phones, once started (`web` option, or `/web` in the app). */
  web: WebServer | null = null
  private startingWeb: Promise<void> | null = null
  private control: ControlServer | null = null
  private readonly opts: NodeOptions
  private autoFetcher: AutoFetcher | null = null
  /** Clears expired records at open and then periodically (src/expiry). */
  expiry: ExpiryRunner | null = null
  /** Moves rooms to the epoch their key rotations lead to (src/epochs). */
  epochs: EpochRunner | null = null
  private startingNetwork: Promise<Network> | null = null
  private openingLocal: Promise<void> | null = null
  private opening: Promise<void> | null = null
  private closing: Promise<void> | null = null

  constructor (opts: NodeOptions) {
    super()
    this.opts = opts
    this.tt = new Tamtam({ home: opts.home, clock: opts.clock })
    this.context = new NodeContext(this.tt, {
      network: () => this.network,
      goOnline: async (o) => await this.startNetwork({ lanOnly: o.lanOnly }),
      webUrls: () => this.web?.urls() ?? null,
      serveWeb: async () => await this.serveWeb(),
      panic: () => this.panicked()
    })
  }

  /**
   * Open the home, the store and every room: all the app needs to show them, so it paints
   * its first screen before the network starts (idempotent).
   */
  async openLocal (): Promise<void> {
    this.openingLocal ??= (async () => {
      await this.tt.open()
      // A relay hub may have no identity: it never writes to any log.
      if (this.opts.relay === true) await this.tt.identity().catch((err) => { if ((err as { code?: string }).code !== 'NOT_INITIALISED') throw err })
      else await this.tt.identity()
      // A node already serving this home answers on its socket: fail now rather than wait.
      if (await nodeListening(this.tt.paths.socket)) throw fail('HOME_LOCKED', `a tamtam node already runs on ${this.tt.home}`)
      // A one-shot command may hold the store for a moment (it runs alone when no node answers).
      await openStoreWaiting(this.tt, this.opts.lockWaitMs ?? NODE_LOCK_WAIT_MS, () => this.emit('waiting-home', {}))
      for (const room of this.tt.rooms.list()) await this.tt.logs(room)
    })()
    await this.openingLocal
  }

  /**
   * The home was wiped under this node (`tamtam panic`). Whoever runs the node (cli/up.ts,
   * the app) hears 'panic' and ends the process at once; with nobody listening, the node
   * closes itself. Its keys are already gone from memory (src/vault/keyring.markWiped).
   */
  private panicked (): void {
    if (this.emit('panic')) return
    setImmediate(() => { void this.close().catch(() => {}) })
  }

  /** openLocal, then the control socket, the network, documents and drills (idempotent). */
  async open (): Promise<void> {
    // The app starts the network just after its first paint: a quit before that wins.
    if (this.closing !== null) return
    this.opening ??= (async () => {
      await this.openLocal()
      await this.startEpochs()
      await this.startExpiry()
      if (this.opts.control !== false) await this.listenControl()
      if (this.opts.web !== undefined) await this.startWeb(this.opts.web)
      const networkOptions = this.opts.network ?? {}
      if (networkOptions === false && this.opts.source === undefined) return
      // Parts start before the first connection: blocks that arrive as it connects (a
      // restarted node catching up on missed probes) must find the drill responder watching.
      const parts = async (network: Network): Promise<void> => {
        if (this.opts.documents !== false) await this.startDocuments(network, this.opts.documents ?? {})
        if (this.opts.drills !== false) await this.startDrills(network)
      }
      // A command may have taken the node online already (context.online): start them late then.
      const online = this.startingNetwork !== null
      const network = await this.startNetwork(networkOptions === false ? {} : networkOptions, online ? undefined : parts)
      if (online) await parts(network)
    })()
    await this.opening
  }

  /**
   * Follow key rotations (src/epochs) before anything replicates, then after every update.
   * A rotation that left this home out is a warning people see: its invite is out of date.
   */
  private async startEpochs (): Promise<void> {
    if (this.opts.relay === true) return
    const runner = new EpochRunner(this.tt)
    this.epochs = runner
    runner.on('warning', (err: unknown) => this.emit('warning', err))
    runner.on('epoch', (info: unknown) => this.emit('epoch', info))
    runner.on('out-of-date', (info: { room: string }) => {
      this.emit('out-of-date', info)
      this.emit('warning', fail('ROOM_OUT_OF_DATE', info.room))
    })
    await runner.start()
  }

  /** Sweep what expired before anything replicates, then on a timer (not in one-shot runs). */
  private async startExpiry (): Promise<void> {
    if (this.opts.expiry === false || this.opts.relay === true || (this.opts.control === false && this.opts.expiry === undefined)) return
    this.expiry = new ExpiryRunner(this.tt, this.opts.expiry ?? {})
    this.expiry.on('warning', (err: unknown) => this.emit('warning', err))
    this.expiry.on('swept', (info: unknown) => this.emit('expired', info))
    await this.expiry.start()
  }

  /**
   * Serve the command table on the control socket. Loaded here: the table imports every
   * command, and nodes without a socket (the simulator's, a one-shot run) never need it.
   */
  private async listenControl (): Promise<void> {
    const { ControlServer } = await import('../control/server.js')
    // The node itself: its network, drill and warning events go to event subscribers (the attached app).
    this.control = new ControlServer(this.context, this.tt.paths.socket, this)
    await this.control.listen()
  }

  /** Serve phones from now on, on the web port given at start (else 8080), once: `/web` in the app. */
  private async serveWeb (): Promise<string[]> {
    if (this.closing !== null) throw fail('NODE_NOT_RUNNING', 'the node is stopping')
    this.startingWeb ??= this.web !== null ? Promise.resolve() : this.startWeb(this.opts.web ?? this.opts.webLater ?? {})
    await this.startingWeb
    return this.web?.urls() ?? []
  }

  /**
   * Serve phones: they read and write the rooms, so the server starts once they are open,
   * before the network (a phone may write while the node is still offline). Loaded here:
   * nodes without phones never load `ws`.
   */
  private async startWeb (opts: WebOptions): Promise<void> {
    const { WebServer } = await import('../web/index.js')
    const web = new WebServer(this.tt, opts, {
      warn: (err) => this.emit('warning', err),
      online: (roomId) => this.network?.online(roomId) ?? new Set(),
      documents: async () => await this.context.documents()
    })
    this.web = web
    await web.listen()
  }

  /**
   * The network over the given source, or a TCP one with the saved manual peers (once).
   * `beforeStart` runs once the network exists and before it connects to anyone.
   */
  private async startNetwork (opts: NetworkOptions, beforeStart?: (network: Network) => Promise<void>): Promise<Network> {
    this.startingNetwork ??= (async () => {
      // Loaded here, not at startup: the app paints its first screen before the network starts.
      const { loadPeers, Network, TcpSource } = await import('../network/index.js')
      const source = this.opts.source ?? new TcpSource({ ...opts, peers: [...(opts.peers ?? []), ...await loadPeers(this.tt.paths.peers)] })
      const network = new Network(this.tt, source, { push: opts.push })
      this.network = network
      for (const event of ['found', 'lost', 'connected', 'disconnected', 'room', 'synced', 'append', 'warning']) {
        network.on(event, (...args: unknown[]) => this.emit(event, ...args))
      }
      await beforeStart?.(network)
      await network.start()
      return network
    })()
    return await this.startingNetwork
  }

  /** Serve every known document onward and auto-fetch the small ones (documents issue). */
  private async startDocuments (network: Network, opts: AutoFetchOptions): Promise<void> {
    // Loaded here, not at startup: the app paints its first screen without Hyperblobs.
    const { AutoFetcher } = await import('../documents/index.js')
    const documents = await this.context.documents()
    // A member fetching a document asks us to fetch it too, so its blocks cross this hop.
    network.replicator.on('want', (peer: { stream: unknown }, sync: { id: string }, want: { core: Buffer, start: number, length: number }) => {
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
    const drills = this.context.drills()
    drills.runner.on('warning', (err: unknown) => this.emit('warning', err))
    const responder = await drills.respond(() => network.replicator.list())
    responder.on('warning', (err: unknown) => this.emit('warning', err))
    responder.on('ack', (info: unknown) => this.emit('drill-ack', info))
  }

  /**
   * Close in reverse order: network, parts, the web server, control socket, then rooms and store (idempotent).
   * The network goes first, as the parts start before it: a probe that arrived while the
   * drill responder was already stopped would be stored unacknowledged, and never
   * acknowledged after a restart either (only live downloads are).
   */
  async close (): Promise<void> {
    this.closing ??= (async () => {
      await this.openingLocal?.catch(() => {})
      await this.opening?.catch(() => {})
      this.autoFetcher?.stop()
      await this.epochs?.stop()
      await this.expiry?.stop()
      await this.startingNetwork?.catch(() => {})
      await this.network?.stop()
      await this.context.close()
      this.network = null
      // Phones' sessions hold hosted logs: they let go before the store closes.
      await this.web?.close()
      await this.control?.close()
      await this.tt.close()
    })()
    await this.closing
  }
}
