/**
 * The hosted logs of the phones connected now, one HostedWriter per (room, phone) however
 * many sessions that phone has open: a writer checks each block against its log's length
 * and appends one at a time, so two writers on one core could store a block at a position
 * other than the one it was signed for.
 */
import type Corestore from 'corestore'
import { HostedWriter } from '../log/hosted-writer.js'
import type { Room } from '../room/index.js'

interface Held { writer: Promise<HostedWriter>, users: number }

/** Shared hosted-log writers, closed when their last session lets go. */
export class HostedWriters {
  private readonly store: () => Promise<Corestore>
  private readonly held = new Map<string, Held>()
  /** The writers open now, once ready: the phones served now are online. */
  private readonly ready = new Set<HostedWriter>()

  constructor (store: () => Promise<Corestore>) {
    this.store = store
  }

  /** The writer of `phone` (hex identity) in `room`; call `release` once done with it. */
  async open (room: Room, phone: string): Promise<HostedWriter> {
    const id = `${room.id}/${phone}`
    let held = this.held.get(id)
    if (held === undefined) {
      held = { writer: (async () => await HostedWriter.open(await this.store(), room, phone))(), users: 0 }
      this.held.set(id, held)
      held.writer.then((w) => this.ready.add(w), () => this.held.delete(id))
    }
    held.users++
    return await held.writer
  }

  /** One session is done with `writer`; the last one closes it. */
  async release (writer: HostedWriter): Promise<void> {
    const id = `${writer.room.id}/${writer.phone}`
    const held = this.held.get(id)
    if (held === undefined || --held.users > 0) return
    this.held.delete(id)
    this.ready.delete(writer)
    await writer.close()
  }

  /** Keys (hex) of the hosted logs of `room` open now. */
  keysIn (roomId: string): string[] {
    return [...this.ready].filter((w) => w.room.id === roomId).map((w) => w.key.toString('hex'))
  }

  /** How many hosted logs are open (tests check that sessions let go). */
  get size (): number {
    return this.held.size
  }
}
