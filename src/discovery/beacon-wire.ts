/**
 * The LAN beacon wire format, version 1 (docs/protocol.md section 7): pure encode and
 * decode, kept apart from the sockets so it can be tested and fuzzed on its own.
 */

/** First four bytes of every beacon, ASCII `TTBC`: cheap rejection of stray traffic on the port. */
export const BEACON_MAGIC = 'TTBC'
/** The beacon version this code writes. */
export const BEACON_VERSION = 1
/** Size of a version 1 beacon; later versions may be longer but keep these bytes first. */
export const BEACON_SIZE = 56
const MAGIC = Buffer.from(BEACON_MAGIC, 'ascii')
export const INSTANCE_ID_SIZE = 16
const PUBLIC_KEY_SIZE = 32

/** The fields of a beacon, as decoded. */
export interface BeaconFields {
  /** The version the sender wrote; above 1 only the version 1 fields were read. */
  version: number
  /** Flag bits; version 1 senders write 0, receivers ignore them. */
  flags: number
  /** The sender's TCP listening port, 1 to 65535. */
  port: number
  /** The sender's per-run random instance id (16 bytes). */
  instanceId: Buffer
  /** The sender's per-run Noise public key (32 bytes). */
  publicKey: Buffer
}

/** Encode a version 1 beacon. Bad fields are a programmer error and throw a RangeError. */
export function encodeBeacon (fields: { port: number, instanceId: Uint8Array, publicKey: Uint8Array, flags?: number }): Buffer {
  const { port, instanceId, publicKey, flags = 0 } = fields
  if (!Number.isInteger(port) || port < 1 || port > 0xffff) throw new RangeError(`beacon port must be 1 to 65535, got ${port}`)
  if (instanceId.length !== INSTANCE_ID_SIZE) throw new RangeError(`beacon instance id must be ${INSTANCE_ID_SIZE} bytes`)
  if (publicKey.length !== PUBLIC_KEY_SIZE) throw new RangeError(`beacon public key must be ${PUBLIC_KEY_SIZE} bytes`)
  if (!Number.isInteger(flags) || flags < 0 || flags > 0xff) throw new RangeError(`beacon flags must be one byte, got ${flags}`)
  const buf = Buffer.alloc(BEACON_SIZE)
  MAGIC.copy(buf, 0)
  buf.writeUInt8(BEACON_VERSION, 4)
  buf.writeUInt8(flags, 5)
  buf.writeUInt16BE(port, 6)
  buf.set(instanceId, 8)
  buf.set(publicKey, 24)
  return buf
}

/**
 * Decode a beacon; null for anything that is not one, never a throw, since any host can
 * send anything to the port. Refused: shorter than 56 bytes, wrong magic, version 0,
 * version 1 with a length other than 56, port 0. A beacon of a later version (valid magic,
 * at least 56 bytes) is read for its version 1 fields and the rest is ignored: later
 * versions must keep those fields where they are, so old nodes still find new ones.
 * Nothing is allocated before the packet has passed the cheap checks.
 */
export function decodeBeacon (buf: Uint8Array): BeaconFields | null {
  if (!(buf instanceof Uint8Array) || buf.length < BEACON_SIZE) return null
  for (let i = 0; i < MAGIC.length; i++) if (buf[i] !== MAGIC[i]) return null
  const version = buf[4]!
  if (version === 0 || (version === BEACON_VERSION && buf.length !== BEACON_SIZE)) return null
  const port = (buf[6]! << 8) | buf[7]!
  if (port === 0) return null
  return {
    version,
    flags: buf[5]!,
    port,
    instanceId: Buffer.from(buf.subarray(8, 24)),
    publicKey: Buffer.from(buf.subarray(24, 56))
  }
}
