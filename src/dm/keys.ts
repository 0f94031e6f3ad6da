/**
 * Box keys for private messages, derived from the ed25519 identities: ed2curve turns an
 * ed25519 public key into its X25519 (Curve25519) form and the signing secret into the
 * matching X25519 scalar, so a member can encrypt to anyone whose binding we verified
 * without any new key being published. The shared key of a pair (nacl.box.before) is
 * the same from both ends, which is how a sender reads back its own sent messages.
 */
import type Ed2curve from 'ed2curve'
import type Nacl from 'tweetnacl'
import { requireCjs } from '../cjs.js'
import type { Identity } from '../identity/index.js'

const nacl = requireCjs('tweetnacl') as typeof Nacl
const ed2curve = requireCjs('ed2curve') as typeof Ed2curve

/** Shared keys of one identity with every other one, each computed once (tweetnacl is slow). */
export class DmKeys {
  /** Our identity public key, hex. */
  readonly me: string
  private readonly secret: Uint8Array
  private readonly shared = new Map<string, Uint8Array | null>()

  constructor (identity: Pick<Identity, 'publicKey' | 'secretKey'>) {
    this.me = identity.publicKey.toString('hex')
    this.secret = ed2curve.convertSecretKey(identity.secretKey)
  }

  /**
   * The nacl.box shared key between us and `identity` (hex), or null when that key has no
   * usable X25519 form: not a curve point, or a low-order point whose shared secret is
   * all zeros (then anyone could compute the key, so nothing is sent or read with it).
   */
  sharedWith (identity: string): Uint8Array | null {
    let key = this.shared.get(identity)
    if (key === undefined) {
      key = derive(this.secret, identity)
      this.shared.set(identity, key)
    }
    return key
  }
}

function derive (secret: Uint8Array, identity: string): Uint8Array | null {
  if (!/^[0-9a-f]{64}$/.test(identity)) return null
  const theirs = ed2curve.convertPublicKey(Buffer.from(identity, 'hex'))
  if (theirs === null) return null
  if (nacl.scalarMult(secret, theirs).every((b) => b === 0)) return null
  return nacl.box.before(theirs, secret)
}
