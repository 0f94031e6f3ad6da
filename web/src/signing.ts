/**
 * What the phone signs (docs/protocol.md §3a): its binding of the hosted log, and each
 * record for its position. Byte for byte what src/log/hosted.ts builds with Buffer.
 */
import nacl from 'tweetnacl'
import { HOSTED_BINDING_LABEL as BINDING_LABEL, HOSTED_RECORD_LABEL as RECORD_LABEL } from '../../src/log/hosted-labels.js'
import { concat, fromHex, toHex, uint64be, utf8 } from './bytes.js'
import type { PhoneKeys } from './identity.js'

const RECORD_VERSION = 1

/** Where the phone writes: the room, its hosted log on this host, and the host. */
export interface HostedLog { room: string, core: string, host: string }

/** The binding record (block 0) for `log`, signed by the phone. */
export function signBinding (me: PhoneKeys, name: string, log: HostedLog, ts: number): Record<string, unknown> {
  const payload = concat(utf8(BINDING_LABEL), fromHex(log.room), fromHex(log.core), me.publicKey, fromHex(log.host))
  const sig = toHex(nacl.sign.detached(payload, me.secretKey))
  return { v: RECORD_VERSION, type: 'binding', ts, room: log.room, core: log.core, identity: me.hex, name, sig, host: log.host }
}

/** A record to write: its `type` and fields; `ts` and `v` are added when it is signed. */
export type NewRecord = { type: string } & Record<string, unknown>

/** Any record (`msg`, `drill-ack`, …) as the hosted block for position `seq`, as the JSON string an `append` carries. */
export function signRecord (me: PhoneKeys, log: HostedLog, seq: number, record: NewRecord, ts: number): string {
  const body = JSON.stringify({ ...record, ts, v: RECORD_VERSION })
  const payload = concat(utf8(RECORD_LABEL), fromHex(log.room), fromHex(log.core), uint64be(seq), utf8(body))
  const sig = toHex(nacl.sign.detached(payload, me.secretKey))
  return JSON.stringify({ v: RECORD_VERSION, type: 'hosted', ts, body, sig })
}
