/**
 * A person's identity: an ed25519 key pair made with tweetnacl, plus a nickname.
 * Stored as JSON with mode 0600 in the home dir. The same key signs log bindings,
 * and later invites, bundles and drill reports.
 */
import type Nacl from 'tweetnacl'
import { requireCjs } from '../cjs.js'
import { fail } from '../errors/index.js'
import { readJson, writeJsonPrivate } from '../home/index.js'
import { sanitizeName } from '../text/sanitize.js'
import { shortFingerprint, fingerprintWords } from './fingerprint.js'

const nacl = requireCjs('tweetnacl') as typeof Nacl

/** Version of the identity file format. */
export const IDENTITY_FILE_VERSION = 1

/** A loaded identity. `secretKey` is the 64-byte tweetnacl signing key. */
export interface Identity {
  name: string
  publicKey: Buffer
  secretKey: Buffer
  createdAt: number
}

/** What `whoami` shows: never the secret key. */
export interface IdentitySummary {
  name: string
  publicKey: string
  fingerprint: string
  words: string[]
}

/** Validate and clean a nickname; rejects names that are empty once cleaned. */
export function checkName (name: string): string {
  const clean = sanitizeName(String(name ?? ''))
  if (clean.length === 0) throw fail('INVALID_NAME', 'the name is empty once control characters are removed')
  return clean
}

/** Make a new identity in memory. */
export function generateIdentity (name: string, now = Date.now()): Identity {
  const pair = nacl.sign.keyPair()
  return { name: checkName(name), publicKey: Buffer.from(pair.publicKey), secretKey: Buffer.from(pair.secretKey), createdAt: now }
}

/** Write a new identity; refuses to replace an existing one unless `force`. */
export async function createIdentity (file: string, name: string, opts: { force?: boolean } = {}): Promise<Identity> {
  const existing = await readJson(file).catch(() => 'corrupt')
  if (existing !== undefined && opts.force !== true) throw fail('IDENTITY_EXISTS')
  const identity = generateIdentity(name)
  await saveIdentity(file, identity)
  return identity
}

/** Persist an identity (mode 0600). */
export async function saveIdentity (file: string, identity: Identity): Promise<void> {
  await writeJsonPrivate(file, {
    version: IDENTITY_FILE_VERSION,
    name: identity.name,
    publicKey: identity.publicKey.toString('hex'),
    secretKey: identity.secretKey.toString('hex'),
    createdAt: identity.createdAt
  })
}

/** Load the identity, or fail with NOT_INITIALISED / IDENTITY_CORRUPT. */
export async function loadIdentity (file: string): Promise<Identity> {
  let raw: unknown
  try {
    raw = await readJson(file)
  } catch (err) {
    throw fail('IDENTITY_CORRUPT', `cannot parse ${file}`, err)
  }
  if (raw === undefined) throw fail('NOT_INITIALISED')
  return parseIdentity(raw)
}

function parseIdentity (raw: unknown): Identity {
  const r = raw as Record<string, unknown>
  const hex = (v: unknown, bytes: number): Buffer => {
    if (typeof v !== 'string' || !/^[0-9a-f]+$/.test(v) || v.length !== bytes * 2) throw fail('IDENTITY_CORRUPT', 'a key has the wrong form')
    return Buffer.from(v, 'hex')
  }
  if (r === null || typeof r !== 'object' || r.version !== IDENTITY_FILE_VERSION) throw fail('IDENTITY_CORRUPT', 'unknown identity file version')
  const identity = { name: checkName(String(r.name)), publicKey: hex(r.publicKey, 32), secretKey: hex(r.secretKey, 64), createdAt: Number(r.createdAt) || 0 }
  // The public key is the second half of a tweetnacl secret key; a mismatch means a damaged file.
  if (!identity.secretKey.subarray(32).equals(identity.publicKey)) throw fail('IDENTITY_CORRUPT', 'the public and secret keys do not match')
  return identity
}

/** The public view of an identity, in the language asked for the words. */
export function summarise (identity: Pick<Identity, 'name' | 'publicKey'>, lang: 'en' | 'fr' = 'en'): IdentitySummary {
  return {
    name: identity.name,
    publicKey: identity.publicKey.toString('hex'),
    fingerprint: shortFingerprint(identity.publicKey),
    words: fingerprintWords(identity.publicKey, lang)
  }
}

/** Sign a message with tweetnacl (detached signature, 64 bytes). */
export function sign (message: Uint8Array, secretKey: Uint8Array): Buffer {
  return Buffer.from(nacl.sign.detached(message, secretKey))
}

/** Verify a detached signature. Slow (about 64/s here): call once per binding, then cache. */
export function verify (message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false
  // tweetnacl takes milliseconds per verification; a process holding many homes (a drill
  // simulation, tests) checks the same binding once per home. Only successes are cached,
  // keyed by everything verified, so a cached answer is exactly the answer.
  const key = Buffer.concat([publicKey, signature, message]).toString('base64')
  if (VERIFIED.has(key)) return true
  const ok = nacl.sign.detached.verify(message, signature, publicKey)
  if (ok) {
    if (VERIFIED.size >= MAX_VERIFIED) VERIFIED.delete(VERIFIED.values().next().value as string)
    VERIFIED.add(key)
  }
  return ok
}

/** Signatures verified in this process (oldest first, at most MAX_VERIFIED). */
const VERIFIED = new Set<string>()
const MAX_VERIFIED = 10_000

/**
 * Encodings of the ed25519 points of small order (libsodium's blocklist, compared with the
 * sign bit cleared). tweetnacl accepts a trivial signature for some of them, so a binding
 * to one of these "identities" proves nothing: anyone could write it under any name.
 */
const SMALL_ORDER = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'
].map((hex) => Buffer.from(hex, 'hex'))

/** Whether a public key is a small-order point no one can be held to. */
export function isWeakPublicKey (publicKey: Uint8Array): boolean {
  if (publicKey.length !== 32) return true
  const key = Buffer.from(publicKey)
  key[31] &= 0x7f
  return SMALL_ORDER.some((bad) => bad.equals(key))
}
