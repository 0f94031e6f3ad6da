/**
 * Reads the plaintext body of a bundle as it is opened, chunk by chunk, and checks its
 * structure before anything looks at a proof: frame order, index ranges, one proof per
 * announced block in increasing order, proof shapes, totals. Everything hostile ends in a
 * BUNDLE_INVALID error; nothing here touches a store.
 */
import { fail } from '../errors/index.js'
import { MAX_FRAME_BYTES, MAX_PROOF_NODES, MAX_SIGNATURE_BYTES } from './format.js'
import { decodeEnd, decodeIndex, decodeProofFrame, FRAME, FRAME_HEAD_BYTES, type BundleEnd, type BundleIndex, type CoreEntry } from './frames.js'
import type { Proof, TreeNode } from './proofs.js'

/** One checked item of the body. */
export type BodyEvent =
  | { type: 'index', index: BundleIndex }
  | { type: 'proof', position: number, entry: CoreEntry, first: boolean, last: boolean, proof: Proof }
  | { type: 'end', end: BundleEnd }

/** What the body must agree with: the header's bundle id and the room its tag matched. */
export interface BodyExpectation { id: Buffer, roomId: Buffer }

/** Parses frames out of plaintext pieces and validates them in order. */
export class BodyDecoder {
  private readonly expect: BodyExpectation
  private parts: Buffer[] = []
  private bytes = 0
  private index: BundleIndex | null = null
  private ended = false
  /** Position of the log whose proofs come next, and how many of them were seen. */
  private position = 0
  private seen = 0
  private previous = -1
  /** Blocks seen so far, and announced in the index. */
  blocksSeen = 0
  blocksTotal = 0

  constructor (expect: BodyExpectation) {
    this.expect = expect
  }

  /** Add plaintext; returns the events of every frame it completed. */
  push (plain: Buffer): BodyEvent[] {
    if (plain.length > 0) {
      this.parts.push(plain)
      this.bytes += plain.length
    }
    const events: BodyEvent[] = []
    while (this.bytes >= FRAME_HEAD_BYTES) {
      const head = this.peek(FRAME_HEAD_BYTES)
      const length = head.readUInt32LE(1)
      if (length > MAX_FRAME_BYTES) throw fail('BUNDLE_INVALID', `a frame of ${length} bytes is over the limit`)
      if (this.bytes < FRAME_HEAD_BYTES + length) break
      const all = this.peek(this.bytes)
      const payload = all.subarray(FRAME_HEAD_BYTES, FRAME_HEAD_BYTES + length)
      const rest = all.subarray(FRAME_HEAD_BYTES + length)
      this.parts = rest.length > 0 ? [rest] : []
      this.bytes = rest.length
      events.push(this.onFrame(head[0], payload))
    }
    return events
  }

  /** After the last chunk: the end frame must have come, with nothing after it. */
  finish (): void {
    if (!this.ended) throw fail('BUNDLE_INVALID', 'the bundle is cut short (no end frame)')
    if (this.bytes > 0) throw fail('BUNDLE_INVALID', `${this.bytes} unexpected bytes after the end frame`)
  }

  /** The first `n` buffered bytes as one buffer (a copy only when they span pieces). */
  private peek (n: number): Buffer {
    if (this.parts[0].length >= n) return this.parts[0]
    const all = Buffer.concat(this.parts)
    this.parts = [all]
    return all
  }

  private onFrame (type: number, payload: Buffer): BodyEvent {
    if (this.ended) throw fail('BUNDLE_INVALID', 'a frame follows the end frame')
    if (this.index === null && type !== FRAME.index) throw fail('BUNDLE_INVALID', 'the bundle does not start with its index')
    if (type === FRAME.index) return this.onIndex(payload)
    if (type === FRAME.proof) return this.onProof(payload)
    if (type === FRAME.end) return this.onEnd(payload)
    throw fail('BUNDLE_INVALID', `unknown frame type ${type}`)
  }

  private onIndex (payload: Buffer): BodyEvent {
    if (this.index !== null) throw fail('BUNDLE_INVALID', 'the bundle has two indexes')
    const index = decodeIndex(payload)
    if (!index.id.equals(this.expect.id)) throw fail('BUNDLE_INVALID', 'the index names another bundle')
    if (!index.room.equals(this.expect.roomId)) throw fail('BUNDLE_INVALID', 'the index names another room')
    const keys = new Set<string>()
    for (const entry of index.cores) {
      const hex = entry.key.toString('hex')
      if (keys.has(hex)) throw fail('BUNDLE_INVALID', 'the index lists a log twice')
      keys.add(hex)
      this.blocksTotal += entry.blocks
    }
    this.index = index
    this.skipEmpty()
    return { type: 'index', index }
  }

  /** Move past logs with no block in this bundle (listed only to carry their length forward). */
  private skipEmpty (): void {
    const cores = this.index?.cores ?? []
    while (this.position < cores.length && cores[this.position].blocks === this.seen) {
      this.position++
      this.seen = 0
      this.previous = -1
    }
  }

  private onProof (payload: Buffer): BodyEvent {
    const cores = (this.index as BundleIndex).cores
    const { core, proof } = decodeProofFrame(payload)
    if (this.position >= cores.length || core !== this.position) throw fail('BUNDLE_INVALID', `a proof for log ${core} is out of order`)
    const entry = cores[core]
    const first = this.seen === 0
    checkProof(proof, entry, first, this.previous)
    this.previous = (proof.block as { index: number }).index
    this.seen++
    this.blocksSeen++
    const last = this.seen === entry.blocks
    this.skipEmpty()
    return { type: 'proof', position: core, entry, first, last, proof }
  }

  private onEnd (payload: Buffer): BodyEvent {
    const cores = (this.index as BundleIndex).cores
    const end = decodeEnd(payload)
    if (this.position < cores.length) throw fail('BUNDLE_INVALID', 'the bundle ends before every announced block')
    if (end.cores !== cores.length || end.blocks !== this.blocksSeen) throw fail('BUNDLE_INVALID', 'the end frame does not match the index')
    this.ended = true
    return { type: 'end', end }
  }
}

/** The shape of one block proof: what Hypercore will verify must at least look right. */
function checkProof (proof: Proof & { request?: number }, entry: CoreEntry, first: boolean, previous: number): void {
  const where = `block proof in log ${entry.key.toString('hex').slice(0, 8)}`
  const bad = (why: string): never => { throw fail('BUNDLE_INVALID', `${where}: ${why}`) }
  if (proof.request !== 0 || proof.fork !== 0) bad('unexpected request id or fork')
  if (proof.hash !== null || proof.seek !== null) bad('unexpected hash or seek proof')
  const block = proof.block
  if (block === null || block.value === null) return bad('no block')
  if (!Number.isSafeInteger(block.index) || block.index < entry.start || block.index >= entry.length || block.index <= previous) bad(`block ${block.index} is out of order or range`)
  checkNodes(block.nodes, bad)
  if (!first) {
    if (proof.upgrade !== null || proof.manifest !== null) bad('only the first proof of a log may carry an upgrade')
    return
  }
  const upgrade = proof.upgrade
  if (upgrade === null) return bad('the first proof of a log has no signed length')
  if (upgrade.start !== 0 || upgrade.length !== entry.length) bad('the signed length does not match the index')
  checkNodes(upgrade.nodes, bad)
  checkNodes(upgrade.additionalNodes, bad)
  const signature = upgrade.signature
  if (signature === null || signature.length === 0 || signature.length > MAX_SIGNATURE_BYTES) bad('missing or oversized signature')
}

function checkNodes (nodes: TreeNode[], bad: (why: string) => never): void {
  if (nodes.length > MAX_PROOF_NODES) bad(`${nodes.length} tree nodes`)
  for (const n of nodes) {
    if (!Number.isSafeInteger(n.index) || !Number.isSafeInteger(n.size)) bad('a tree node is out of range')
  }
}
