/**
 * The private messages of one room that this peer can read, found by trial decryption.
 * Each refresh reads only the `dm` blocks that arrived since the last one, found through
 * each log's index (src/log/log-index.ts), so polling every second is cheap. The author of
 * a message is always the verified identity of the log it is in: the key that opens it is
 * derived from that identity, never from anything the record or its plaintext claims.
 * Plaintext lives in memory only.
 */
import { readIndexed } from '../log/indexed-read.js'
import type { Entry, MemberLog } from '../log/member-log.js'
import type { DmRecord } from '../log/records.js'
import type { RoomLogs } from '../log/room-logs.js'
import { people } from '../members/index.js'
import { sanitizeText } from '../text/sanitize.js'
import { messageId } from '../timeline/index.js'
import { openDm, type SealedDm } from './envelope.js'
import type { DmKeys } from './keys.js'

/** One private message we can read, with its author taken from the log. */
export interface DmEntry {
  id: string
  core: string
  seq: number
  /** Author identity (hex): the log's bound identity. */
  from: string
  /** Recipient identity (hex). */
  to: string
  ts: number
  /** Sanitised text (newlines kept). */
  text: string
}

/** A record of our own that no member's key opened yet (its recipient's log may come later). */
interface Pending extends SealedDm { core: string, seq: number, ts: number }

/** Most records of our own identity kept for a retry when new members appear. */
const MAX_PENDING = 10_000

/** The readable private messages of one room, indexed by the other party. */
export class RoomDms {
  /** Messages by the other party's identity; `with()` returns them sorted. */
  private readonly byPeer = new Map<string, DmEntry[]>()
  private readonly unsorted = new Set<string>()
  /** `dm` records seen that we cannot read (for others, or forged): counted, never shown. */
  unreadable = 0
  private readonly cursors = new Map<string, number>()
  private readonly tried = new Set<string>()
  private pending: Pending[] = []
  private readonly keys: DmKeys

  constructor (keys: DmKeys) {
    this.keys = keys
  }

  /** Read the blocks that arrived since the last call, in every log of the room. */
  async scan (logs: RoomLogs): Promise<void> {
    const members = await people(logs)
    this.retryPending([...members.keys()].filter((m) => !this.tried.has(m)))
    for (const m of members.keys()) this.tried.add(m)
    for (const log of logs.list()) await this.scanLog(log, [...members.keys()])
  }

  /**
   * Read the `dm` blocks of a log that arrived since the last call. The log's index says
   * where they are, so a room of 100,000 messages costs a read per private message, not a
   * read per block; past the index's cap, blocks are read one by one.
   */
  private async scanLog (log: MemberLog, members: string[]): Promise<void> {
    const author = await log.verifyBinding()
    if (author === null) return
    const cursor = this.cursors.get(log.key) ?? 1
    this.cursors.set(log.key, await readIndexed(log, ['dm'], cursor, (entry) => this.readDm(log, author.identity, entry, members)))
  }

  private readDm (log: MemberLog, author: string, entry: Entry, members: string[]): void {
    const { seq } = entry
    const record = entry.record as DmRecord
    const found = author === this.keys.me ? this.openOwn(record, members) : this.openIncoming(author, record)
    if (found !== null) this.add({ id: messageId(log.key, seq), core: log.key, seq, ts: record.ts, ...found })
    else if (author === this.keys.me) this.keepPending({ core: log.key, seq, ts: record.ts, nonce: record.nonce, box: record.box })
    else this.unreadable++
  }

  /** A record in another member's log: only the pair (author, us) can open it, and it must be for us. */
  private openIncoming (author: string, sealed: SealedDm): Omit<DmEntry, 'id' | 'core' | 'seq' | 'ts'> | null {
    const shared = this.keys.sharedWith(author)
    const plain = shared === null ? null : openDm(shared, sealed)
    if (plain === null || plain.to !== this.keys.me) return null
    return { from: author, to: this.keys.me, text: sanitizeText(plain.text, { multiline: true }) }
  }

  /** A record in our own log: try the shared key of each member; it must name that member. */
  private openOwn (sealed: SealedDm, members: string[]): Omit<DmEntry, 'id' | 'core' | 'seq' | 'ts'> | null {
    for (const member of members) {
      if (member === this.keys.me) continue
      const shared = this.keys.sharedWith(member)
      const plain = shared === null ? null : openDm(shared, sealed)
      if (plain !== null && plain.to === member) return { from: this.keys.me, to: member, text: sanitizeText(plain.text, { multiline: true }) }
    }
    return null
  }

  private keepPending (p: Pending): void {
    if (this.pending.length < MAX_PENDING) this.pending.push(p)
    else this.unreadable++
  }

  /** Try our unopened records again with the keys of members who just appeared. */
  private retryPending (newMembers: string[]): void {
    if (newMembers.length === 0 || this.pending.length === 0) return
    this.pending = this.pending.filter((p) => {
      const found = this.openOwn(p, newMembers)
      if (found !== null) this.add({ id: messageId(p.core, p.seq), core: p.core, seq: p.seq, ts: p.ts, ...found })
      return found === null
    })
  }

  /** The messages exchanged with `peer` (identity hex), oldest first. */
  with (peer: string): DmEntry[] {
    const list = this.byPeer.get(peer) ?? []
    if (this.unsorted.delete(peer)) list.sort(compareEntry)
    return list
  }

  /** Every other party we exchanged messages with. */
  peers (): string[] {
    return [...this.byPeer.keys()]
  }

  private add (entry: DmEntry): void {
    const peer = entry.from === this.keys.me ? entry.to : entry.from
    const list = this.byPeer.get(peer) ?? []
    // Logs are scanned one after the other, so a list is sorted again, lazily, when a block lands out of order.
    if (list.length > 0 && compareEntry(list[list.length - 1], entry) > 0) this.unsorted.add(peer)
    list.push(entry)
    this.byPeer.set(peer, list)
  }
}

/** Timeline order: (ts, core, seq), the same on every peer. */
function compareEntry (a: DmEntry, b: DmEntry): number {
  return a.ts - b.ts || (a.core < b.core ? -1 : a.core > b.core ? 1 : 0) || a.seq - b.seq
}
