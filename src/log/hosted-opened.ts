/**
 * Hosted blocks already opened, per log. A host serving 30 phones read each of their
 * records again on every history page, and checking the phones' signatures took most of
 * its time (bench phones: p99 delivery 1.8 s). A block is opened and checked once: a hit
 * is only the very same bytes at the same position, so a log rewritten by a fork is
 * checked again.
 */
import { openHostedBlock } from './hosted.js'
import type { Decoded } from './records.js'

/** Blocks kept per log: more than one history page reads of one phone (300). */
export const MAX_HOSTED_OPENED = 4096

export class OpenedHostedBlocks {
  private readonly kept = new Map<number, { block: Buffer, decoded: Decoded }>()

  /** openHostedBlock, remembered. */
  open (block: Buffer, phone: string, roomId: Buffer, coreKey: Buffer, seq: number): Decoded {
    const kept = this.kept.get(seq)
    if (kept !== undefined && kept.block.equals(block)) return kept.decoded
    const decoded = openHostedBlock(block, Buffer.from(phone, 'hex'), roomId, coreKey, seq)
    if (this.kept.size >= MAX_HOSTED_OPENED) this.kept.delete(this.kept.keys().next().value as number)
    this.kept.set(seq, { block, decoded })
    return decoded
  }
}
