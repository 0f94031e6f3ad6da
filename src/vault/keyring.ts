/**
 * The home keys of unlocked homes, in this process's memory only, and the sealed form of
 * a home's JSON files (docs/protocol.md §19). A key is never written anywhere but inside
 * lock.json's passphrase box, so a crash or a kill leaves nothing in clear: the files on
 * disk are sealed at every write (src/home/files.ts asks here first).
 */
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import nacl from 'tweetnacl'
import { fail } from '../errors/index.js'

export const SEALED_VERSION = 'tamtam/sealed/v1'

const keys = new Map<string, Buffer>()
/** Homes wiped by this process: nothing may be written into them again (a panic in progress). */
const wiped = new Set<string>()

const norm = (home: string): string => path.resolve(home)

/** Keep the home key of an unlocked home. */
export function setHomeKey (home: string, key: Buffer): void {
  keys.get(norm(home))?.fill(0)
  keys.set(norm(home), Buffer.from(key))
}

/** The home key, when the home is locked and unlocked in this process. */
export function homeKey (home: string): Buffer | undefined {
  return keys.get(norm(home))
}

/** Forget the home key (lock removed): its memory is zeroed. */
export function forgetHomeKey (home: string): void {
  keys.get(norm(home))?.fill(0)
  keys.delete(norm(home))
}

/** A panic: forget the key and refuse every later write into the home from this process. */
export function markWiped (home: string): void {
  forgetHomeKey(home)
  wiped.add(norm(home))
}

/** Whether this process wiped the home (writes are refused with HOME_WIPED). */
export function isWiped (home: string): boolean {
  return wiped.has(norm(home))
}

/** Allow writes again after a wipe (duress: the empty home is made right after). */
export function clearWiped (home: string): void {
  wiped.delete(norm(home))
}

/** Whether parsed JSON is a sealed file. */
export function isSealed (value: unknown): value is { tamtam: string, nonce: string, box: string } {
  return value !== null && typeof value === 'object' && (value as { tamtam?: unknown }).tamtam === SEALED_VERSION
}

/** Seal `text` under the home key: a JSON envelope with a random nonce. */
export function sealText (key: Buffer, text: string): string {
  const nonce = randomBytes(nacl.secretbox.nonceLength)
  const box = nacl.secretbox(Buffer.from(text, 'utf8'), nonce, key)
  return JSON.stringify({ tamtam: SEALED_VERSION, nonce: nonce.toString('hex'), box: Buffer.from(box).toString('base64') }) + '\n'
}

/**
 * Open a sealed envelope of `file`. No key: the passphrase was not given (PASSPHRASE_NEEDED).
 * A key that does not open it: the file or lock.json came from another home (HOME_KEY_MISMATCH).
 */
export function openSealed (file: string, sealed: { nonce: string, box: string }): string {
  const key = homeKey(path.dirname(path.resolve(file)))
  if (key === undefined) throw fail('PASSPHRASE_NEEDED', `${path.basename(file)} is sealed`)
  const nonce = typeof sealed.nonce === 'string' && /^[0-9a-f]{48}$/.test(sealed.nonce) ? Buffer.from(sealed.nonce, 'hex') : null
  const opened = nonce === null || typeof sealed.box !== 'string' ? null : nacl.secretbox.open(Buffer.from(sealed.box, 'base64'), nonce, key)
  if (opened === null) throw fail('HOME_KEY_MISMATCH', `${path.basename(file)} does not open with this home's key`)
  return Buffer.from(opened).toString('utf8')
}
