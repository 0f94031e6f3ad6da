/**
 * Records: what a member writes into their log, one JSON object per Hypercore block.
 * Every record is versioned and size-limited; decoding treats bytes as hostile and
 * returns a reason instead of throwing, so a bad block is dropped and counted.
 * The format is specified in docs/protocol.md ("Member log records").
 */
import { fail } from '../errors/index.js'

/** Version written into every record. Readers skip records with a higher version. */
export const RECORD_VERSION = 1
/** Largest block accepted, on write and on read. */
export const MAX_RECORD_BYTES = 16 * 1024
/** Largest message text, in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 8 * 1024
/** Largest nickname, in UTF-8 bytes. */
export const MAX_NAME_BYTES = 256

/** Largest base64 box of a private message: 8 KiB of text plus JSON and box overhead. */
export const MAX_DM_BOX_CHARS = 12 * 1024
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/**
 * Latest `ts` (and other epoch times in records) a reader accepts: 9999-12-31T23:59:59.999Z.
 * JavaScript dates end at 8.64e15 ms and `Intl.DateTimeFormat` throws past them, so one
 * record dated 2^53 - 1 crashed every view that formatted it (issue 17, finding 8). A
 * four-digit year also keeps every date format the same width.
 */
export const MAX_TS = 253_402_300_799_999

/** Most acknowledgements one drill-seen record lists (keeps it well under MAX_RECORD_BYTES). */
export const MAX_SEEN_PER_RECORD = 200

/** The record types this version understands. */
export const RECORD_TYPES = ['binding', 'msg', 'nick', 'doc', 'drill-probe', 'drill-ack', 'drill-seen', 'edit', 'delete', 'dm', 'mod', 'room-setting', 'rekey'] as const
/** A known record type. */
export type RecordType = typeof RECORD_TYPES[number]

/** Fields every record has. `ts` is the author's clock in ms since the epoch. */
export interface BaseRecord { v: number, type: string, ts: number }
/** First block of every member log: binds the log to an identity. */
/** `host`: in a phone's hosted log, the identity of the node that keeps it (hosted.ts); the phone signs it too. */
export interface BindingRecord extends BaseRecord { type: 'binding', room: string, core: string, identity: string, name: string, sig: string, host?: string }
/** A chat message. */
export interface MessageRecord extends BaseRecord { type: 'msg', text: string }
/** A nickname change. */
export interface NickRecord extends BaseRecord { type: 'nick', name: string }
/** A document announcement (documents issue). */
export interface DocRecord extends BaseRecord { type: 'doc', name: string, size: number, mime: string, sha256: string, [extra: string]: unknown }
/** A drill probe (drills issue). */
export interface DrillProbeRecord extends BaseRecord { type: 'drill-probe', drill: string, seq: number, [extra: string]: unknown }
/** A drill acknowledgement (drills issue). */
export interface DrillAckRecord extends BaseRecord { type: 'drill-ack', drill: string, probe: string, receivedAt: number, [extra: string]: unknown }
/** When a facilitator's node saw acknowledgements of its own probes arrive: [ack message id, facilitator clock]. */
export interface DrillSeenRecord extends BaseRecord { type: 'drill-seen', drill: string, seen: Array<[string, number]> }
/** Edit of one's own message, by its sequence number in the same log. */
export interface EditRecord extends BaseRecord { type: 'edit', target: number, text: string }
/** Deletion of one's own message, by its sequence number in the same log. */
export interface DeleteRecord extends BaseRecord { type: 'delete', target: number }
/** A private message: a tweetnacl box from the log's author to one member (protocol.md §3, "Private messages"). */
export interface DmRecord extends BaseRecord { type: 'dm', nonce: string, box: string }
/** Moderation actions a moderator can write. */
export const MOD_ACTIONS = ['hide', 'unhide', 'remove', 'restore', 'add-mod', 'revoke-mod'] as const
/** A moderation record: hide/unhide a message id, remove/restore a member or add/revoke a moderator (identity hex). */
export interface ModRecord extends BaseRecord { type: 'mod', action: typeof MOD_ACTIONS[number], target: string, [extra: string]: unknown }
/** Shortest and longest message lifetime a room may set, in seconds (0 turns expiry off). */
export const MIN_EXPIRE_S = 10
export const MAX_EXPIRE_S = 365 * 24 * 3600
/** Whether `v` is an allowed `expire`: 0 (off) or MIN_EXPIRE_S to MAX_EXPIRE_S whole seconds. */
export function isExpire (v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && (v === 0 || (v >= MIN_EXPIRE_S && v <= MAX_EXPIRE_S))
}
/** A room setting a moderator writes (src/moderation/room-settings.ts): `expire`, seconds a record is kept (0: forever). */
export interface RoomSettingRecord extends BaseRecord { type: 'room-setting', expire: number, [extra: string]: unknown }
/** Most recipients one rekey record seals the new secret to (keeps it under MAX_RECORD_BYTES). */
export const REKEY_BOXES_PER_RECORD = 120
/** Bytes of one sealed box in a rekey record: the previous epoch's id and the new secret (64), plus the MAC. */
export const REKEY_BOX_BYTES = 80
/** Most records one rotation may span: MAX_ROOM_MEMBERS (2,000) over REKEY_BOXES_PER_RECORD, rounded up. */
export const MAX_REKEY_PARTS = 17
/**
 * Part `part` of `parts` of a key rotation (src/epochs, protocol.md §20): the new epoch's
 * id, and the new secret sealed to each remaining member, boxes of REKEY_BOX_BYTES one after
 * another under one nonce. Part 0 may name the members removed with it.
 */
export interface RekeyRecord extends BaseRecord { type: 'rekey', next: string, part: number, parts: number, nonce: string, boxes: string, removed?: string[] }
/** A record of a type this version does not know (kept, then skipped by views). */
export interface UnknownRecord extends BaseRecord { unknown: true }

/** Any decoded record. */
export type LogRecord = BindingRecord | MessageRecord | NickRecord | DocRecord | DrillProbeRecord | DrillAckRecord | DrillSeenRecord | DmRecord | ModRecord | RoomSettingRecord | RekeyRecord | EditRecord | DeleteRecord | UnknownRecord

/** A record as the caller writes it: the library adds `v` and `ts`. */
export type NewRecord = LogRecord extends infer R ? R extends LogRecord ? Omit<R, 'v' | 'ts'> : never : never

/** Result of decoding one block: a record, or why it was dropped. */
export type Decoded = { ok: true, record: LogRecord } | { ok: false, reason: string }

const HEX32 = /^[0-9a-f]{64}$/
const HEX64 = /^[0-9a-f]{128}$/
/** A hex string of the pattern's length; anything else (an object, a number) is not. */
const isHex = (v: unknown, pattern: RegExp): boolean => typeof v === 'string' && pattern.test(v)

/** One decoder for every block: `fatal` makes invalid UTF-8 an error instead of U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

const isStr = (v: unknown, maxBytes: number): v is string => typeof v === 'string' && Buffer.byteLength(v) <= maxBytes
const isNat = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
/** An epoch time in ms that every date formatter can show (0 to MAX_TS). */
const isTime = (v: unknown): v is number => isNat(v) && v <= MAX_TS

/** Per-type schema checks: each returns an error reason or null. */
const CHECKS: Record<RecordType, (r: Record<string, unknown>) => string | null> = {
  binding: (r) => isHex(r.room, HEX32) && isHex(r.core, HEX32) && isHex(r.identity, HEX32) && isHex(r.sig, HEX64) && isStr(r.name, MAX_NAME_BYTES) && (r.host === undefined || isHex(r.host, HEX32)) ? null : 'bad binding fields',
  msg: (r) => isStr(r.text, MAX_TEXT_BYTES) ? null : 'message text missing or over 8 KiB',
  nick: (r) => isStr(r.name, MAX_NAME_BYTES) && r.name.length > 0 ? null : 'bad nickname',
  doc: (r) => isStr(r.name, 1024) && isNat(r.size) && isStr(r.mime, 255) && isHex(r.sha256, HEX32) ? null : 'bad document announcement',
  'drill-probe': (r) => isStr(r.drill, 128) && isNat(r.seq) ? null : 'bad drill probe',
  'drill-ack': (r) => isStr(r.drill, 128) && isStr(r.probe, 256) && isTime(r.receivedAt) ? null : 'bad drill acknowledgement',
  'drill-seen': (r) => isStr(r.drill, 128) && Array.isArray(r.seen) && r.seen.length <= MAX_SEEN_PER_RECORD && r.seen.every((e) => Array.isArray(e) && e.length === 2 && isStr(e[0], 256) && isTime(e[1])) ? null : 'bad drill-seen record',
  dm: (r) => isStr(r.nonce, 64) && isStr(r.box, MAX_DM_BOX_CHARS) && BASE64.test(r.nonce) && BASE64.test(r.box) ? null : 'bad private message',
  mod: (r) => (MOD_ACTIONS as readonly string[]).includes(String(r.action)) && isStr(r.target, 128) && r.target.length > 0 ? null : 'bad moderation record',
  'room-setting': (r) => isExpire(r.expire) ? null : 'bad room setting',
  rekey: (r) => checkRekey(r),
  edit: (r) => isNat(r.target) && isStr(r.text, MAX_TEXT_BYTES) ? null : 'bad edit',
  delete: (r) => isNat(r.target) ? null : 'bad delete'
}

function checkRekey (r: Record<string, unknown>): string | null {
  if (!isHex(r.next, HEX32) || !isNat(r.part) || !isNat(r.parts) || r.parts < 1 || r.parts > MAX_REKEY_PARTS || r.part >= r.parts) return 'bad rekey part'
  if (!isStr(r.nonce, 64) || !BASE64.test(r.nonce) || !isStr(r.boxes, Math.ceil(REKEY_BOXES_PER_RECORD * REKEY_BOX_BYTES / 3) * 4) || !BASE64.test(r.boxes)) return 'bad rekey boxes'
  if (r.removed !== undefined && !(Array.isArray(r.removed) && r.removed.length <= 16 && r.removed.every((x) => isHex(x, HEX32)))) return 'bad rekey removal list'
  return null
}

/** Decode and validate one block. Never throws. */
export function decodeRecord (block: Buffer | null | undefined): Decoded {
  if (block === null || block === undefined) return { ok: false, reason: 'missing block' }
  if (block.length > MAX_RECORD_BYTES) return { ok: false, reason: `block of ${block.length} bytes is over the ${MAX_RECORD_BYTES}-byte limit` }
  let raw: unknown
  try {
    raw = JSON.parse(UTF8.decode(block))
  } catch {
    return { ok: false, reason: 'not UTF-8 JSON' }
  }
  return validateRecord(raw)
}

/** Check a parsed value against the record schema. Never throws. */
export function validateRecord (raw: unknown): Decoded {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reason: 'not an object' }
  const r = raw as Record<string, unknown>
  if (!isNat(r.v) || r.v < 1) return { ok: false, reason: 'missing version' }
  if (!isStr(r.type, 64) || !isNat(r.ts)) return { ok: false, reason: 'missing type or timestamp' }
  if (r.ts > MAX_TS) return { ok: false, reason: 'timestamp after the year 9999' }
  // A newer version or an unknown type is kept and skipped, so old peers still relay new records.
  if (r.v > RECORD_VERSION || !(RECORD_TYPES as readonly string[]).includes(r.type)) {
    return { ok: true, record: { v: r.v, type: r.type, ts: r.ts, unknown: true } }
  }
  const problem = CHECKS[r.type as RecordType](r)
  return problem === null ? { ok: true, record: r as unknown as LogRecord } : { ok: false, reason: problem }
}

/** Encode a record for appending; enforces the same limits readers enforce. */
export function encodeRecord (record: LogRecord): Buffer {
  const text = (record as { text?: unknown }).text
  if (typeof text === 'string' && Buffer.byteLength(text) > MAX_TEXT_BYTES) {
    throw fail('MESSAGE_TOO_LONG', `the text is ${Buffer.byteLength(text)} bytes`)
  }
  const block = Buffer.from(JSON.stringify(record))
  if (block.length > MAX_RECORD_BYTES) throw fail('RECORD_TOO_LARGE', `the record is ${block.length} bytes, over ${MAX_RECORD_BYTES}`)
  const checked = validateRecord(record)
  if (!checked.ok) throw fail('RECORD_INVALID', checked.reason)
  return block
}

/** The bytes a binding signature covers: label, room id, core key, identity key. */
export function bindingPayload (roomId: Buffer, coreKey: Buffer, identityKey: Buffer): Buffer {
  return Buffer.concat([Buffer.from('tamtam/binding/v1\0'), roomId, coreKey, identityKey])
}
