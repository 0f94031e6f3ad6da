/**
 * Room invite codes: a room secret plus a suggested name, as one bech32m string that a person
 * can read aloud, paste, or scan as a QR code.
 *
 * Payload: [version byte][32-byte secret][name as UTF-8, 0 to 64 bytes], bech32m-encoded with
 * the human-readable part "tamtam". bech32m detects every single-character typo, and its
 * alphabet has no look-alike pairs (no "1/b/i/o" in the data part), which matters when codes
 * are dictated over a phone.
 */
import { bech32m } from 'bech32'
import { fail } from '../errors/index.js'

/** The invite format written by this version of tamtam. */
export const INVITE_VERSION = 1

/** A decoded invite. `name` comes from whoever made the invite: sanitize it before display. */
export interface Invite {
  version: number
  secret: Buffer
  name: string
}

const HRP = 'tamtam'
const SECRET_BYTES = 32
const NAME_MAX_BYTES = 64
const HEADER_BYTES = 1 + SECRET_BYTES

// Code length for a payload of n bytes: hrp + '1' + 5-bit words + 6 checksum chars.
const codeLength = (bytes: number): number => HRP.length + 1 + Math.ceil(bytes * 8 / 5) + 6
const MIN_LENGTH = codeLength(HEADER_BYTES)
const MAX_LENGTH = codeLength(HEADER_BYTES + NAME_MAX_BYTES)
// Read longer codes than we write, so a newer, longer format still reaches the version check
// and gets the "update tamtam" answer instead of a vague "too long".
const READ_LIMIT = 1000

const HINT = `a tamtam invite starts with "${HRP}1" and is ${MIN_LENGTH} to ${MAX_LENGTH} characters long; ` +
  'check for a typo or a missing end'

/** Encode a 32-byte room secret and a suggested room name as a lowercase invite code. */
export function encodeInvite (secret: Buffer, name: string): string {
  // A wrong secret size is a bug in the caller, not bad user input: crash loudly.
  if (secret.length !== SECRET_BYTES) throw new RangeError(`invite secret must be ${SECRET_BYTES} bytes, got ${secret.length}`)
  const payload = Buffer.concat([Buffer.from([INVITE_VERSION]), secret, truncateUtf8(name, NAME_MAX_BYTES)])
  return bech32m.encode(HRP, bech32m.toWords(payload), MAX_LENGTH)
}

/**
 * Decode an invite code typed, pasted or scanned by a person. Whitespace and dashes are ignored
 * and all-uppercase is accepted (QR alphanumeric mode). Anything doubtful throws INVITE_INVALID:
 * joining a wrong room silently would be worse than asking for the code again.
 */
export function decodeInvite (code: string): Invite {
  const compact = code.replace(/[\s-]+/g, '')
  const payload = decodePayload(compact)
  const version = payload[0]
  if (version > INVITE_VERSION) {
    throw fail('INVITE_INVALID', `this invite uses format ${version}, made by a newer tamtam; update tamtam to join this room`)
  }
  if (version !== INVITE_VERSION) throw invalid(`unknown invite format ${version}`)
  if (payload.length < HEADER_BYTES) throw invalid(`the room secret is cut short (${payload.length - 1} of ${SECRET_BYTES} bytes)`)
  if (payload.length > HEADER_BYTES + NAME_MAX_BYTES) throw invalid(`it is too long (${payload.length} bytes of data)`)
  const secret = Buffer.from(payload.subarray(1, HEADER_BYTES))
  return { version, secret, name: decodeName(payload.subarray(HEADER_BYTES)) }
}

/** Render an invite as a QR code for the terminal (multi-line string of block characters). */
export async function inviteQr (code: string): Promise<string> {
  // Uppercase lets the QR use alphanumeric mode, which is denser, so the code stays small
  // enough to scan from a laptop screen. decodeInvite accepts it back.
  return await (await import('qrcode')).default.toString(code.toUpperCase(), { type: 'terminal', small: true, errorCorrectionLevel: 'L', margin: 1 })
}

// Checks the envelope (hrp, length, checksum) and returns the raw payload bytes.
function decodePayload (compact: string): Buffer {
  if (compact === '') throw invalid('the invite is empty')
  if (!compact.toLowerCase().startsWith(`${HRP}1`)) throw invalid(`it does not start with "${HRP}1"`)
  if (compact.length < MIN_LENGTH) throw invalid(`it is too short (${compact.length} characters)`)
  if (compact.length > READ_LIMIT) throw invalid(`it is too long (${compact.length} characters)`)
  let words: number[]
  try {
    const decoded = bech32m.decode(compact, READ_LIMIT)
    if (decoded.prefix !== HRP) throw new Error('wrong prefix')
    words = decoded.words
  } catch (err) {
    throw invalid(describeBech32Error(err), err)
  }
  const bytes = bech32m.fromWordsUnsafe(words)
  if (bytes === undefined || bytes.length === 0) throw invalid('it does not decode to whole bytes (a character is missing or extra)')
  return Buffer.from(bytes)
}

// Turn the bech32 library's terse messages into something a person can act on. Its messages
// may quote the whole code, so they are not passed through as they are.
function describeBech32Error (err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  if (message.startsWith('Mixed-case')) return 'it mixes upper and lower case letters'
  if (message.startsWith('Unknown character')) return `it contains ${JSON.stringify(message.slice(-1))}, which never appears in an invite`
  if (message.startsWith('Invalid checksum')) return 'its checksum does not match (a character is wrong, missing or extra)'
  if (message === 'wrong prefix') return `it does not start with "${HRP}1"`
  return 'it is not a valid bech32m code'
}

function decodeName (bytes: Uint8Array): string {
  try {
    // fatal: a name with broken UTF-8 means the code is damaged, not that we should guess.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch (err) {
    throw invalid('the room name in it is not valid UTF-8', err)
  }
}

function invalid (detail: string, cause?: unknown) {
  return fail('INVITE_INVALID', `${detail}; ${HINT}`, cause)
}

// Cut at a code point boundary so a long name never ends in half a character.
function truncateUtf8 (text: string, maxBytes: number): Buffer {
  let out = ''
  let used = 0
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8')
    if (used + size > maxBytes) break
    out += char
    used += size
  }
  return Buffer.from(out, 'utf8')
}
