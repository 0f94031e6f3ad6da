/**
 * The host's side of a phone's hosted log (hosted.ts): the core the node keeps for one
 * phone in one room, which takes only what the phone signed. The host checks each block
 * exactly as every reader will, before appending it, so a buggy or hostile phone cannot
 * fill its log with blocks that everyone then drops.
 */
import type Corestore from 'corestore'
import type { Hypercore } from 'hypercore'
import { fail } from '../errors/index.js'
import type { Room } from '../room/index.js'
import { checkBinding } from './binding.js'
import { openHostedBlock } from './hosted.js'
import { encodeRecord, type BindingRecord } from './records.js'
import { OneAtATime } from './one-at-a-time.js'
import { ownCore } from '../home/core-names.js'

/** Name of the local core holding a phone's hosted log in a room. */
export function hostedCoreName (room: Room, phone: string): string {
  return `tamtam/hosted/${room.id}/${phone}`
}

/** Appends a phone's signed blocks to the hosted log this node keeps for it. */
export class HostedWriter {
  readonly core: Hypercore
  readonly room: Room
  /** The phone's identity, hex. */
  readonly phone: string
  /** Appends run one at a time: each block is signed for the position it lands at. */
  private readonly tasks = new OneAtATime()

  private constructor (core: Hypercore, room: Room, phone: string) {
    this.core = core
    this.room = room
    this.phone = phone
  }

  /** The hosted log of `phone` (hex identity) in `room`, made on first use. */
  static async open (store: Corestore, room: Room, phone: string): Promise<HostedWriter> {
    if (!/^[0-9a-f]{64}$/.test(phone)) throw fail('USAGE', 'a phone identity is 64 hex characters')
    const core = await ownCore(store, hostedCoreName(room, phone), { encryption: { key: room.keys.encryptionKey } })
    await core.ready()
    return new HostedWriter(core, room, phone)
  }

  /** The log's key: what the phone's binding must name. */
  get key (): Buffer {
    return this.core.key
  }

  /** Where the next block lands: the position the phone signs its next record for. */
  get length (): number {
    return this.core.length
  }

  /** Whether block 0, the phone's binding, is written. */
  get bound (): boolean {
    return this.core.length > 0
  }

  /** Write the phone's binding as block 0, once it verifies and names this host. */
  async bind (binding: BindingRecord, host: string): Promise<void> {
    await this.tasks.run(async () => {
      if (this.core.length > 0) return
      const block = encodeRecord(binding)
      const verdict = checkBinding(block, this.room, this.core.key)
      if (!verdict.ok) throw fail('HOSTED_INVALID', `the phone's binding does not verify: ${verdict.reason ?? ''}`)
      if (verdict.identity !== this.phone || verdict.host !== host) throw fail('HOSTED_INVALID', 'the binding is for another phone or host')
      await this.core.append(block)
    })
  }

  /** Append one block the phone signed for position `length`; returns its position. */
  async append (block: Buffer): Promise<number> {
    return await this.tasks.run(async () => {
      if (this.core.length === 0) throw fail('HOSTED_INVALID', 'the phone has not bound its log yet')
      const seq = this.core.length
      const opened = openHostedBlock(block, Buffer.from(this.phone, 'hex'), this.room.keys.id, this.core.key, seq)
      if (!opened.ok) throw fail('HOSTED_INVALID', `block ${seq}: ${opened.reason}`)
      await this.core.append(block)
      return seq
    })
  }


  async close (): Promise<void> {
    await this.tasks.idle()
    await this.core.close()
  }
}
