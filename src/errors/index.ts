/**
 * One error type for all of tamtam, with stable codes that scripts and the UI can rely on.
 * Operational errors (bad input, missing room, locked home) are TamtamErrors and reject;
 * programmer errors stay plain Errors and crash, so they get fixed instead of hidden.
 */

/** Every stable error code, with the default hint a person can act on. */
export const ERROR_CODES = {
  NOT_INITIALISED: 'no identity here yet: run `tamtam init --name NAME` first',
  IDENTITY_EXISTS: 'an identity already exists in this home; add --force to replace it (the old one is lost)',
  IDENTITY_CORRUPT: 'the identity file is damaged; restore it from a backup or re-create it with `tamtam init --force`',
  INVALID_NAME: 'names must be 1 to 64 printable characters',
  INVITE_INVALID: 'the invite code is wrong: check it character by character, or ask for a new one',
  ROOM_EXISTS: 'a room with that name or secret is already here; pick another name with --name',
  ROOM_NOT_FOUND: 'no such room here: see `tamtam room list`',
  ROOM_AMBIGUOUS: 'that prefix matches several rooms: type more of the id, or use the room name',
  RECORD_TOO_LARGE: 'the record is over the size limit',
  MESSAGE_TOO_LONG: 'messages are limited to 8 KiB of text: split it, or share it as a document',
  MESSAGE_EMPTY: 'the message is empty',
  RECORD_INVALID: 'the record does not follow the tamtam format',
  BINDING_INVALID: 'the log is not bound to its claimed identity',
  HOSTED_INVALID: 'the phone did not sign this for this log and place',
  WEB_NOT_RUNNING: 'no node serves phones on this home',
  HOME_LOCKED: 'another tamtam process owns this home dir; stop it, or use a different --home',
  HOME_INVALID: 'the home dir cannot be used',
  NODE_UNREACHABLE: 'the running node did not answer on its control socket',
  CONTROL_PROTOCOL: 'the control socket sent something unexpected',
  NODE_NOT_RUNNING: 'no node is running on this home: start one with `tamtam up`',
  PEER_INVALID: 'a peer address is IP:PORT, e.g. 192.168.1.20:7000 (several separated by commas; `tamtam whereami` prints it)',
  PEER_UNREACHABLE: 'the peer did not answer on TCP: check its address and port, and that no firewall or Wi-Fi client isolation blocks it',
  PEER_REJECTED: 'the peer failed the Noise handshake or is not the peer it was announced as; it was disconnected',
  STORAGE_FULL: 'the disk is full: free some space and try again; nothing stored was lost',
  DOC_NOT_FOUND: 'no such document in this room: see `tamtam docs ROOM`',
  DOC_AMBIGUOUS: 'that prefix matches several documents: type more of the id',
  DOC_TOO_LARGE: 'the document is over the per-file limit of this room; see `tamtam docs limits ROOM`',
  DOC_HASH_MISMATCH: 'the bytes received do not match the announced sha256; nothing was written and the partial data was discarded; ask the author to share it again',
  DOC_UNAVAILABLE: 'no peer that has it is reachable; keep `tamtam up` running or try again when its author is online',
  DOC_INVALID: 'the document announcement cannot be read by this version of tamtam',
  QUOTA_EXCEEDED: 'this room\'s document storage quota would be exceeded; raise it with `tamtam docs limits ROOM --quota SIZE`',
  FILE_NOT_FOUND: 'no such file or directory',
  FILE_WRITE_FAILED: 'the file cannot be written there: check the path and its permissions',
  USAGE: 'wrong usage: see --help',
  CLOSED: 'the node is closed',
  PROTOCOL_INVALID: 'a peer sent a protocol message that cannot be decoded; the connection was closed',
  RELAY_CODE_INVALID: 'the relay code is wrong: it starts with "tamrelay1"; ask a room member for it again (`tamtam room relay-code ROOM`)',
  NOT_MODERATOR: 'only a moderator of this room can do that: the room\'s creator, or someone a moderator named',
  DRILL_NOT_FOUND: 'no such drill in this room: see `tamtam drill list ROOM`',
  DRILL_AMBIGUOUS: 'that prefix matches several drills: type more of the id',
  PEER_FLOOD: 'a peer went over a flood quota (room messages, or records appended live); it was disconnected',
  DM_KEY_INVALID: 'this member\'s identity key cannot receive private messages (it has no safe X25519 form); they need a new identity',
  BUNDLE_INVALID: 'the bundle is damaged or was tampered with; nothing from it was stored: ask for a new copy',
  BUNDLE_WRONG_ROOM: 'this bundle is for a room not joined here: join the room with its invite (`tamtam room join CODE`) first, then import it again',
  BUNDLE_VERSION: 'the bundle was made by a newer version of tamtam: update tamtam to import it',
  BUNDLE_TOO_LARGE: 'the bundle would be over 2 GiB: export only what is new with --since PREVIOUS_BUNDLE',
  APP_INCOMPLETE: 'this tamtam installation is incomplete (not built, or a dependency or its binary for this platform is missing), so it cannot be shared: run `npm ci` in its folder, then try again',
  PHONE_HANDSHAKE: 'the phone connection sent a handshake message that cannot be read (another version, or damaged); reload the page',
  PHONE_REFUSED: 'the phone and the host could not prove they hold the same room: check the invite, or open the link the host shows again',
  PHONE_FRAME: 'a message on the phone connection did not decrypt or was out of order (damaged, replayed or tampered with); the connection was closed: reload the page',
  PHONE_FRAME_TOO_LARGE: 'a message on the phone connection is over the 64 KiB limit',
  PHONE_QUOTA_EXCEEDED: 'this phone has stored as many documents on this host as it may; the host can raise the per-phone cap',
  PASSPHRASE_NEEDED: 'this home is locked with a passphrase: type it when asked, or give it on the file descriptor named by TAMTAM_PASSPHRASE_FD',
  PASSPHRASE_WRONG: 'wrong passphrase; nothing was changed: try again (there is no lockout)',
  PASSPHRASE_EMPTY: 'the passphrase is empty; nothing was changed',
  LOCK_FILE_INVALID: 'lock.json is damaged or truncated, so this home cannot be opened; restore it from a backup; nothing else was changed',
  HOME_KEY_MISMATCH: "this home's files do not open with the key in lock.json (a lock.json or a file copied from another home?); nothing was changed",
  LOCK_ALREADY_SET: 'this home already has a passphrase: use `tamtam lock change`',
  LOCK_NOT_SET: 'this home has no passphrase: set one with `tamtam lock set`',
  HOME_WIPED: 'this home was wiped by `tamtam panic`; nothing more is written to it',
  ROOM_OUT_OF_DATE: "this room's keys changed without you: you were removed, or your invite is out of date; ask a member for a new invite",
  REKEY_TOO_MANY: 'a key rotation seals the new key to at most 2,040 members: remove members who left first'
} as const

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CODES

/** The single error class of tamtam. `code` is stable; `message` is for people. */
export class TamtamError extends Error {
  readonly code: ErrorCode
  readonly hint: string
  /** The context this error was raised with (names, sizes), without the generic hint. */
  readonly detail?: string
  constructor (code: ErrorCode, message?: string, options?: { cause?: unknown, hint?: string, detail?: string }) {
    super(message ?? ERROR_CODES[code], options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'TamtamError'
    this.code = code
    this.hint = options?.hint ?? ERROR_CODES[code]
    this.detail = options?.detail
  }

  /** A plain object that survives JSON, for the control socket and --json output. */
  toJSON (): { code: ErrorCode, message: string, hint: string, detail?: string } {
    return { code: this.code, message: this.message, hint: this.hint, detail: this.detail }
  }
}

/** Build an error with a code; `detail` adds context to the default hint. */
export function fail (code: ErrorCode, detail?: string, cause?: unknown): TamtamError {
  const message = detail === undefined ? ERROR_CODES[code] : `${detail}: ${ERROR_CODES[code]}`
  return new TamtamError(code, message, { cause, detail })
}

/** True when `err` is a TamtamError, optionally with the given code. */
export function isTamtamError (err: unknown, code?: ErrorCode): err is TamtamError {
  return err instanceof TamtamError && (code === undefined || err.code === code)
}

/** Map low-level errors (disk full, lock held) to tamtam codes; leave others as they are. */
export function fromSystemError (err: unknown, context: string): unknown {
  if (err instanceof TamtamError) return err
  const e = err as { code?: string, message?: string }
  if (isDiskFull(err)) return fail('STORAGE_FULL', context, err)
  if (/could not be locked|lock/i.test(e?.message ?? '') && /lock/i.test(e?.message ?? '')) return fail('HOME_LOCKED', context, err)
  return err
}

/**
 * True when `err`, or an error it wraps, says the disk is full. RocksDB reports a full disk
 * as `Error('Batch was not applied', { cause })` or an AggregateError whose inner error
 * carries ENOSPC, so the wrapper alone says nothing; look a few levels down.
 */
function isDiskFull (err: unknown, depth = 0): boolean {
  if (err === null || typeof err !== 'object' || depth > 4) return false
  const e = err as { code?: unknown, message?: unknown, cause?: unknown, errors?: unknown }
  if (e.code === 'ENOSPC' || /No space left/i.test(typeof e.message === 'string' ? e.message : '')) return true
  if (isDiskFull(e.cause, depth + 1)) return true
  return Array.isArray(e.errors) && e.errors.some((inner) => isDiskFull(inner, depth + 1))
}
