/**
 * Private messages of one Tamtam: send one to a member, list the conversations, read one.
 * Reads refresh an in-memory index per room first (only new blocks are read), so callers
 * such as the TUI can poll every second. Nothing decrypted is ever written to disk.
 */
import { fail } from '../errors/index.js'
import { logMembers, people, pickMember, unknownMember } from '../members/index.js'
import type { Room } from '../room/index.js'
import type { Tamtam } from '../tamtam.js'
import { messageId } from '../timeline/index.js'
import { checkText, sealDm } from './envelope.js'
import { DmKeys } from './keys.js'
import { RoomDms } from './room-dms.js'

/** What `send` resolves to once the record is stored in our log. */
export interface DmSent { id: string, to: { identity: string, name: string }, ts: number }

/** One conversation: the other party, their name and fingerprint, newest ts and message count. */
export interface DmConversation { identity: string, name: string, fingerprint: string, last: number, count: number }

/** One private message, safe to print: names and text are sanitised. */
export interface DmMessage { id: string, from: string, fromName: string, to: string, ts: number, text: string, mine: boolean }

/** Why a private message cannot go to ourselves. */
export const NOT_TO_YOURSELF = 'a private message goes to someone else: you cannot send one to yourself'

/** The private messages this home can read, room by room. Get it from the node's context (`ctx.dms()`). */
export class DirectMessages {
  private readonly tt: Tamtam
  private keys: DmKeys | null = null
  private readonly rooms = new Map<string, RoomDms>()
  private readonly refreshing = new Map<string, Promise<RoomDms>>()

  constructor (tt: Tamtam) {
    this.tt = tt
  }

  /** Forget the indexes (they hold logs of this home's store). */
  async close (): Promise<void> {
    this.rooms.clear()
    this.refreshing.clear()
  }

  /**
   * Send `text` to the member `to` names (nickname, fingerprint prefix or identity hex).
   * Resolves once the sealed record is stored in our log; replication carries it.
   */
  async send (room: Room, to: string, text: string): Promise<DmSent> {
    checkText(text)
    const keys = await this.keysNow()
    const member = pickMember(await logMembers(await this.tt.logs(room)), to, room, { notYou: NOT_TO_YOURSELF })
    const shared = keys.sharedWith(member.identity)
    if (shared === null) throw fail('DM_KEY_INVALID', `${member.name} (${member.fingerprint})`)
    const sealed = sealDm(shared, member.identity, text)
    return await this.tt.write(async () => {
      const own = (await this.tt.logs(room)).own
      const [seq] = await own.append([{ type: 'dm', nonce: sealed.nonce, box: sealed.box }], this.tt.clock())
      return { id: messageId(own.key, seq), to: { identity: member.identity, name: member.name }, ts: own.lastAppendTs }
    })
  }

  /** Everyone we exchanged private messages with in `room`, newest conversation first. */
  async conversations (room: Room): Promise<DmConversation[]> {
    const dms = await this.refresh(room)
    const known = await people(await this.tt.logs(room))
    const out: DmConversation[] = []
    for (const peer of dms.peers()) {
      const list = dms.with(peer)
      const { identity, name, fingerprint } = known.get(peer) ?? unknownMember(peer)
      out.push({ identity, name, fingerprint, last: list[list.length - 1].ts, count: list.length })
    }
    return out.sort((a, b) => b.last - a.last || (a.identity < b.identity ? -1 : 1))
  }

  /** The messages exchanged with `withIdentity` (hex) in `room`, oldest first; `limit` keeps the latest. */
  async messages (room: Room, withIdentity: string, opts: { limit?: number } = {}): Promise<DmMessage[]> {
    const dms = await this.refresh(room)
    const list = dms.with(String(withIdentity).toLowerCase())
    const picked = opts.limit === undefined ? list : list.slice(Math.max(0, list.length - Math.max(0, opts.limit)))
    const known = await people(await this.tt.logs(room))
    const me = (await this.keysNow()).me
    return picked.map((e) => ({ id: e.id, from: e.from, fromName: known.get(e.from)?.name ?? '?', to: e.to, ts: e.ts, text: e.text, mine: e.from === me }))
  }

  /** Bring the index of `room` up to date (concurrent calls share one pass). */
  private async refresh (room: Room): Promise<RoomDms> {
    let running = this.refreshing.get(room.id)
    if (running === undefined) {
      running = this.scan(room).finally(() => this.refreshing.delete(room.id))
      this.refreshing.set(room.id, running)
    }
    return await running
  }

  private async scan (room: Room): Promise<RoomDms> {
    const keys = await this.keysNow()
    let dms = this.rooms.get(room.id)
    if (dms === undefined) {
      dms = new RoomDms(keys)
      this.rooms.set(room.id, dms)
    }
    // Every epoch (src/epochs): messages exchanged before a key rotation stay in the conversation.
    for (const epoch of [...room.past, room]) await dms.scan(await this.tt.logs(epoch))
    return dms
  }

  /** Our box keys; rebuilt (and the index dropped) if the identity was replaced. */
  private async keysNow (): Promise<DmKeys> {
    const identity = await this.tt.identity()
    if (this.keys?.me !== identity.publicKey.toString('hex')) {
      this.keys = new DmKeys(identity)
      this.rooms.clear()
    }
    return this.keys
  }
}
