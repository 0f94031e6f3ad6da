/**
 * The phone's private messages (docs/protocol.md §12, §17 "Private messages"), without the
 * DOM: the host forwards the room's `dm` records sealed, and this opens them in the
 * browser with the phone's own secret key, which never leaves the page. The rules are the
 * node's (src/dm/room-dms.ts): the author is the identity of the log a record is in, the
 * key that opens it is derived from that author, and the plaintext must name the right
 * recipient. So the host, which says who the author is, can hide a message or repeat it
 * but cannot make one pass for another member's: a wrong author gives a key that does
 * not open the box. Shared keys are computed once per member (two X25519 each, the
 * costly part in an old phone's browser); opening a box is one XSalsa20-Poly1305.
 * Plaintext lives in this page's memory only.
 */
import ed2curve from 'ed2curve'
import nacl from 'tweetnacl'
import { sanitizeText } from '../../src/text/sanitize.js'
import { fromBase64, fromHex, toBase64, utf8 } from './bytes.js'
import type { PhoneKeys } from './identity.js'

/** §12's limits: plaintext text and the box's base64. */
export const MAX_DM_TEXT_BYTES = 8 * 1024
export const MAX_DM_BOX_CHARS = 12 * 1024
/** Most records of our own that no member's key opens yet, kept to try again when members arrive. */
const MAX_PENDING = 2000

/** A `dm` record as the host forwards it (§17 `dm-records`). */
export interface SealedRecord { core: string, seq: number, ts: number, author: string, nonce: string, box: string }

/** One private message this phone can read; `peer` is the other party, `mine` when we sent it. */
export interface PhoneDm { id: string, peer: string, mine: boolean, ts: number, text: string, core: string, seq: number }

/** Why a message cannot be sealed (the page says it in the person's language). */
export type SealRefusal = 'empty' | 'tooLong' | 'badKey'

const HEX64 = /^[0-9a-f]{64}$/
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** The private messages of one room, for one phone identity; kept across reconnects of the page. */
export class PhoneDms {
  /** Where the next `dms` request starts: one next position per log (§17). */
  cursor: Record<string, number> = {}
  /** Records seen that do not open for us (for others, forged, or malformed): counted, never shown. */
  unreadable = 0
  private readonly me: string
  private readonly secret: Uint8Array
  private readonly shared = new Map<string, Uint8Array | null>()
  private members: string[] = []
  private pending: SealedRecord[] = []
  /**
   * Nonces of the messages that opened: one the host sends twice (or at two positions)
   * shows once. Only opened ones count, so a copy in another log cannot hide the genuine one.
   */
  private readonly seen = new Set<string>()
  private readonly byPeer = new Map<string, PhoneDm[]>()

  constructor (me: Pick<PhoneKeys, 'secretKey' | 'hex'>) {
    this.me = me.hex
    this.secret = ed2curve.convertSecretKey(me.secretKey)
  }

  /** The members the host listed (identities): our records are tried with their keys. Returns what newly opened. */
  setMembers (identities: string[]): PhoneDm[] {
    const fresh = identities.filter((id) => HEX64.test(id) && id !== this.me && !this.members.includes(id))
    this.members.push(...fresh)
    if (fresh.length === 0 || this.pending.length === 0) return []
    const opened: PhoneDm[] = []
    this.pending = this.pending.filter((r) => {
      const dm = this.openOwn(r, fresh)
      if (dm === null || this.seen.has(r.nonce)) return dm === null
      this.add(dm, r.nonce)
      opened.push(dm)
      return false
    })
    return opened
  }

  /** Try each forwarded record; returns the messages that opened, in the order given. */
  take (records: unknown[]): PhoneDm[] {
    const opened: PhoneDm[] = []
    for (const raw of records) {
      const r = checkRecord(raw)
      if (r === null || this.seen.has(r.nonce)) continue
      const dm = r.author === this.me ? this.openOwn(r, this.members) : this.openIncoming(r)
      if (dm !== null) {
        this.add(dm, r.nonce)
        opened.push(dm)
      } else if (r.author === this.me && this.pending.length < MAX_PENDING) this.pending.push(r)
      else this.unreadable++
    }
    return opened
  }

  /** The two fields of a `dm` record for `to` (identity hex), or why it cannot be sent. */
  seal (to: string, text: string): { nonce: string, box: string } | SealRefusal {
    if (text.trim().length === 0) return 'empty'
    if (utf8(text).length > MAX_DM_TEXT_BYTES) return 'tooLong'
    const key = to === this.me ? null : this.sharedWith(to)
    if (key === null) return 'badKey'
    const nonce = nacl.randomBytes(nacl.box.nonceLength)
    const box = toBase64(nacl.box.after(utf8(JSON.stringify({ v: 1, to, text })), nonce, key))
    return box.length > MAX_DM_BOX_CHARS ? 'tooLong' : { nonce: toBase64(nonce), box }
  }

  /** The conversation with `peer`, oldest first (timeline order: ts, core, seq). */
  with (peer: string): PhoneDm[] {
    return (this.byPeer.get(peer) ?? []).slice().sort(byTimeline)
  }

  /** Everyone we exchanged private messages with. */
  peers (): string[] {
    return [...this.byPeer.keys()]
  }

  /** The nacl.box key between us and `identity`, once; null for a key with no safe X25519 form (§12 "Keys"). */
  private sharedWith (identity: string): Uint8Array | null {
    let key = this.shared.get(identity)
    if (key === undefined) {
      key = derive(this.secret, identity)
      this.shared.set(identity, key)
    }
    return key
  }

  /** Another member's record: it opens only with K(author, us), and must be addressed to us. */
  private openIncoming (r: SealedRecord): PhoneDm | null {
    const key = this.sharedWith(r.author)
    const plain = key === null ? null : open(key, r)
    return plain === null || plain.to !== this.me ? null : dmOf(r, r.author, false, plain.text)
  }

  /** One of ours: it opens with K(us, M) for the member M it names. */
  private openOwn (r: SealedRecord, members: string[]): PhoneDm | null {
    for (const member of members) {
      const key = this.sharedWith(member)
      const plain = key === null ? null : open(key, r)
      if (plain !== null && plain.to === member) return dmOf(r, member, true, plain.text)
    }
    return null
  }

  private add (dm: PhoneDm, nonce: string): void {
    this.seen.add(nonce)
    const list = this.byPeer.get(dm.peer) ?? []
    list.push(dm)
    this.byPeer.set(dm.peer, list)
  }
}

function derive (secret: Uint8Array, identity: string): Uint8Array | null {
  if (!HEX64.test(identity)) return null
  const theirs = ed2curve.convertPublicKey(fromHex(identity))
  if (theirs === null) return null
  // A low-order point gives an all-zero secret that anyone can compute (§12 "Keys").
  if (nacl.scalarMult(secret, theirs).every((b) => b === 0)) return null
  return nacl.box.before(theirs, secret)
}

/** The plaintext `{v: 1, to, text}`, or null unless it opens and follows §12. */
function open (key: Uint8Array, r: SealedRecord): { to: string, text: string } | null {
  const nonce = fromBase64(r.nonce)
  const box = fromBase64(r.box)
  if (nonce === null || box === null || nonce.length !== nacl.box.nonceLength) return null
  const plain = nacl.box.open.after(box, nonce, key)
  if (plain === null) return null
  let raw: unknown
  try {
    raw = JSON.parse(UTF8.decode(plain))
  } catch {
    return null
  }
  const p = raw as Record<string, unknown> | null
  if (p === null || typeof p !== 'object' || p.v !== 1 || typeof p.to !== 'string' || !HEX64.test(p.to)) return null
  if (typeof p.text !== 'string' || utf8(p.text).length > MAX_DM_TEXT_BYTES) return null
  return { to: p.to, text: p.text }
}

/** A forwarded record with the shape §17 gives it, or null (the host is not trusted with it). */
function checkRecord (raw: unknown): SealedRecord | null {
  const r = raw as Partial<SealedRecord> | null
  if (r === null || typeof r !== 'object') return null
  if (typeof r.core !== 'string' || !HEX64.test(r.core) || typeof r.author !== 'string' || !HEX64.test(r.author)) return null
  if (!Number.isSafeInteger(r.seq) || !Number.isSafeInteger(r.ts)) return null
  if (typeof r.nonce !== 'string' || r.nonce.length > 64 || typeof r.box !== 'string' || r.box.length > MAX_DM_BOX_CHARS) return null
  return { core: r.core, seq: r.seq as number, ts: r.ts as number, author: r.author, nonce: r.nonce, box: r.box }
}

function dmOf (r: SealedRecord, peer: string, mine: boolean, text: string): PhoneDm {
  return { id: `${r.core.slice(0, 16)}.${r.seq}`, peer, mine, ts: r.ts, text: sanitizeText(text, { multiline: true }), core: r.core, seq: r.seq }
}

function byTimeline (a: PhoneDm, b: PhoneDm): number {
  return a.ts - b.ts || (a.core < b.core ? -1 : a.core > b.core ? 1 : 0) || a.seq - b.seq
}
