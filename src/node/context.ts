/**
 * What a command runs against: the home (the Tamtam facade), the node's network if it has
 * one, and the node's parts (documents, drills, private messages). The node, or a one-shot
 * local run, owns the context: parts are made on first use, so the app's first paint does
 * not wait for Hyperblobs, and closed by the owner in reverse order of creation.
 */
import { DirectMessages } from '../dm/direct-messages.js'
import type { Documents } from '../documents/documents.js'
import { Drills } from '../drills/drills.js'
import type { NetworkHandle } from '../network/network.js'
import { fail } from '../errors/index.js'
import type { Tamtam } from '../tamtam.js'

/** What the owner of a context provides. */
export interface ContextOwner {
  /** The owner's network now, or null when it runs none. */
  network: () => NetworkHandle | null
  /**
   * Start a network for a command that needs one (`get` run locally), stopped when the
   * owner closes. Absent where the owner cannot (the network is the node's alone).
   */
  goOnline?: (opts: { lanOnly: boolean }) => Promise<NetworkHandle>
  /** The addresses phones open when the owner serves them (`up --web`); absent or null otherwise. */
  webUrls?: () => string[] | null
  /** Start serving phones now (`/web` in the app) and return the addresses; absent where the owner cannot. */
  serveWeb?: () => Promise<string[]>
  /** The home was wiped by `tamtam panic`: stop at once (the node stops its process's work). */
  panic?: () => void
}

interface Part { close: () => Promise<void> }

/** The context commands run in; see the file comment. */
export class NodeContext {
  readonly tt: Tamtam
  private readonly owner: ContextOwner
  /** Parts in creation order; closed in reverse. */
  private readonly parts: Part[] = []
  private documentsPart: Promise<Documents> | null = null
  private drillsPart: Drills | null = null
  private dmsPart: DirectMessages | null = null
  private closing: Promise<void> | null = null

  constructor (tt: Tamtam, owner: ContextOwner = { network: () => null }) {
    this.tt = tt
    this.owner = owner
  }

  /** The addresses the owner serves phones at, or null when it serves none. */
  get webUrls (): string[] | null {
    return this.owner.webUrls?.() ?? null
  }

  /** Serve phones from now on (the app's `/web`); WEB_NOT_RUNNING where the owner cannot. */
  async serveWeb (): Promise<string[]> {
    if (this.owner.serveWeb === undefined) throw fail('WEB_NOT_RUNNING', 'start the node with `tamtam up --web` first, then run this again')
    return await this.owner.serveWeb()
  }

  /** Tell the owner the home was wiped (`panic.node`); it stops. */
  panic (): void {
    this.owner.panic?.()
  }

  /** The running network of the owner, or null. */
  get network (): NetworkHandle | null {
    return this.owner.network()
  }

  /**
   * A network for this command: the owner's, or one started now (`temporary`: it was not
   * running before, so the command may wait for peers to be heard first).
   */
  async online (opts: { lanOnly: boolean }): Promise<{ network: NetworkHandle, temporary: boolean }> {
    const running = this.owner.network()
    if (running !== null) return { network: running, temporary: false }
    if (this.owner.goOnline === undefined) throw fail('NODE_NOT_RUNNING')
    return { network: await this.owner.goOnline(opts), temporary: true }
  }

  /** The documents of this home (Hyperblobs and the fetch code load on first use). */
  async documents (): Promise<Documents> {
    this.documentsPart ??= (async () => {
      const { Documents } = await import('../documents/documents.js')
      return this.adopt(new Documents(this.tt, () => this.owner.network()))
    })()
    return await this.documentsPart
  }

  /** The drills of this home. */
  drills (): Drills {
    this.drillsPart ??= this.adopt(new Drills(this.tt))
    return this.drillsPart
  }

  /** The private messages of this home (one instance, so its index is shared). */
  dms (): DirectMessages {
    this.dmsPart ??= this.adopt(new DirectMessages(this.tt))
    return this.dmsPart
  }

  private adopt<T extends Part> (part: T): T {
    if (this.closing !== null) throw fail('CLOSED')
    this.parts.push(part)
    return part
  }

  /** Close every part made, newest first (idempotent). The owner closes the rest. */
  async close (): Promise<void> {
    this.closing ??= (async () => {
      await this.documentsPart?.catch(() => {})
      for (const part of this.parts.reverse()) await part.close()
    })()
    await this.closing
  }
}
