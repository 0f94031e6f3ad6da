/**
 * Block 0 of a member log: the binding that ties the core to an identity in one room.
 * A member's own binding is signed by the member; a hosted log's (hosted.ts) by the phone,
 * and it names the host. The verdict is cached by MemberLog, so each binding is checked once.
 */
import { isWeakPublicKey, verify } from '../identity/index.js'
import type { Room } from '../room/index.js'
import { hostedBindingPayload } from './hosted.js'
import { bindingPayload, decodeRecord, type BindingRecord } from './records.js'

/** A binding's verdict: who wrote the log, and which node hosts it for a phone. */
export interface BindingVerdict { ok: boolean, identity?: string, name?: string, host?: string, reason?: string }

/** Check a binding block against the room and core. */
export function checkBinding (block: Buffer | null, room: Room, coreKey: Buffer): BindingVerdict {
  const decoded = decodeRecord(block)
  if (!decoded.ok || decoded.record.type !== 'binding') return { ok: false, reason: 'block 0 is not a binding' }
  const b = decoded.record as BindingRecord
  if (b.room !== room.id || b.core !== coreKey.toString('hex')) return { ok: false, reason: 'binding is for another room or log' }
  const identity = Buffer.from(b.identity, 'hex')
  if (isWeakPublicKey(identity)) return { ok: false, reason: 'the identity is a small-order key anyone can sign for' }
  const payload = b.host === undefined
    ? bindingPayload(room.keys.id, coreKey, identity)
    : hostedBindingPayload(room.keys.id, coreKey, identity, Buffer.from(b.host, 'hex'))
  if (!verify(payload, Buffer.from(b.sig, 'hex'), identity)) return { ok: false, reason: 'bad signature' }
  return { ok: true, identity: b.identity, name: b.name, ...(b.host === undefined ? {} : { host: b.host }) }
}
