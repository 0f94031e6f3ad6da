/**
 * A node: the one process that owns a home dir. It opens the store (taking its lock),
 * opens every room, serves the control socket so one-shot commands can go through it,
 * and (from the LAN issue on) runs the network. close() undoes open() in reverse order.
 */
import { EventEmitter } from 'node:events'
import { ControlServer } from '../control/index.js'
import { Tamtam } from '../tamtam.js'

/** Options for a node. */
export interface NodeOptions { home: string }

/** A running node. */
export class TamtamNode extends EventEmitter {
  readonly tt: Tamtam
  private readonly control: ControlServer
  private opening: Promise<void> | null = null
  private closing: Promise<void> | null = null

  constructor (opts: NodeOptions) {
    super()
    this.tt = new Tamtam({ home: opts.home })
    this.control = new ControlServer(this.tt, this.tt.paths.socket)
  }

  /** Open the home, the store, every room and the control socket (idempotent). */
  async open (): Promise<void> {
    this.opening ??= (async () => {
      await this.tt.open()
      await this.tt.identity()
      await this.tt.store()
      for (const room of this.tt.rooms.list()) await this.tt.logs(room)
      await this.control.listen()
    })()
    await this.opening
  }

  /** Close in reverse order: control socket, then rooms and store (idempotent). */
  async close (): Promise<void> {
    this.closing ??= (async () => {
      await this.opening?.catch(() => {})
      await this.control.close()
      await this.tt.close()
    })()
    await this.closing
  }
}
