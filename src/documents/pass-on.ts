/**
 * Documents across a hop (protocol §5, `want`): a fetching node asks its peers in the room to
 * fetch the same blocks, and a peer in the middle fetches a document it never asked for, so
 * Hypercore passes the blocks on as they arrive.
 */
import type { Hypercore } from 'hypercore'
import { isTamtamError } from '../errors/index.js'
import type { Room } from '../room/index.js'
import type { NetworkHandle } from '../network/network.js'
import type { IndexedDoc } from './doc-index.js'
import { localBlocks } from './fetch.js'
import type { RoomBlobs } from './room-blobs.js'

/** What pass-on needs of the documents (a narrow view, so this file does not import documents.ts). */
export interface PassOnSource {
  open: (room: Room) => Promise<{ index: { refresh: () => Promise<unknown>, list: () => IndexedDoc[] }, blobs: RoomBlobs }>
  fetch: (room: Room, item: IndexedDoc, opts: { stallMs?: number, signal?: AbortSignal }) => Promise<unknown>
  readonly signal: AbortSignal
  readonly isClosed: boolean
}

/** How often a running fetch asks connected members again to fetch with it (new peers, stalls). */
const WANT_REPEAT_MS = 5_000

/**
 * While a fetch runs, ask the connected members of the room to fetch the same blocks, so a
 * peer that never asked for the document still passes it on across a hop. Again every few
 * seconds, for peers that connect later. Returns the function that stops asking.
 */
export function askPeers (network: NetworkHandle | null, room: Room, core: Buffer, blob: { blockOffset: number, blockLength: number }): () => void {
  if (network?.wantBlocks === undefined) return () => {}
  const ask = (): void => network.wantBlocks?.(room, core, blob.blockOffset, blob.blockLength)
  ask()
  const timer = setInterval(ask, WANT_REPEAT_MS)
  timer.unref()
  return () => clearInterval(timer)
}

/** The middle peer's side: which asks to act on, once per document. */
export class PassOn {
  private readonly passing = new Set<string>()
  /** Documents a peer asked for that our limits refused: said once, then ignored. */
  private readonly refused = new Set<string>()

  constructor (private readonly docs: PassOnSource) {}

  /**
   * A connected member asked for blocks of a blobs core: fetch the document they belong to.
   * Only blocks of a document announced in this room by the core's owner are fetched, under
   * the same per-file limit and quota as our own fetches.
   */
  async handle (room: Room, core: Buffer, start: number, length: number, asker: unknown, stallMs: number): Promise<{ id: string } | null> {
    if (length === 0) return null
    const rd = await this.docs.open(room)
    await rd.index.refresh()
    const candidates = rd.index.list().filter(({ doc }) => doc.blobs?.equals(core) === true && doc.blob !== null &&
      start >= doc.blob.blockOffset && start + length <= doc.blob.blockOffset + doc.blob.blockLength)
    if (candidates.length === 0) return null
    // Only a record of the core's owner: another member's record over the same blocks is a lure.
    const owner = await rd.blobs.owner(await rd.blobs.core(core), stallMs)
    const item = candidates.find((c) => c.log.key === owner)
    if (item === undefined) return null
    const key = `${room.id}/${item.doc.id}`
    if (this.passing.has(key) || this.refused.has(key)) return null
    // Only a peer in the middle fetches: one with another peer that holds some of the
    // blocks. Otherwise every `get` would make every neighbour download the document too.
    const blobs = await rd.blobs.core(core)
    const blob = item.doc.blob as NonNullable<IndexedDoc['doc']['blob']>
    if (await localBlocks(blobs, blob) >= blob.blockLength) return null
    if (!othersHold(blobs, start, start + length, asker)) return null
    this.passing.add(key)
    try {
      await this.docs.fetch(room, item, { stallMs, signal: this.docs.signal })
      return { id: item.doc.id }
    } catch (err) {
      if (this.docs.isClosed) return null
      if (isTamtamError(err, 'DOC_TOO_LARGE') || isTamtamError(err, 'QUOTA_EXCEEDED') || isTamtamError(err, 'DOC_HASH_MISMATCH')) this.refused.add(key)
      throw err
    } finally {
      this.passing.delete(key)
    }
  }
}

/** True when a replication peer other than `asker` (a stream) holds a block in [start, end). */
function othersHold (core: Hypercore, start: number, end: number, asker: unknown): boolean {
  const peers = core.peers as Array<{ stream: unknown, remoteContiguousLength: number, remoteBitfield: { firstSet: (i: number) => number } }>
  return peers.some((p) => {
    if (p.stream === asker) return false
    // A full holder (the author) says so by its contiguous length; others by their bitfield.
    if (p.remoteContiguousLength > start) return true
    const first = p.remoteBitfield.firstSet(start)
    return first !== -1 && first < end
  })
}
