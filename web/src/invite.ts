/**
 * The invite in the page's address fragment (`#tamtam1…`, docs/protocol.md §2): only the
 * room secret is taken from it. The fragment never leaves the browser; nothing here sends it.
 */
import { bech32m } from 'bech32'

const PREFIX = 'tamtam'
const VERSION = 1
const SECRET_BYTES = 32

/** The room secret of the invite in `hash` (`location.hash`), or null when there is none or it is damaged. */
export function secretFromHash (hash: string): Uint8Array | null {
  let code = hash.replace(/^#/, '')
  try {
    code = decodeURIComponent(code)
  } catch {
    return null
  }
  code = code.replace(/[\s-]+/g, '')
  if (!code.toLowerCase().startsWith(`${PREFIX}1`)) return null
  try {
    const decoded = bech32m.decode(code, 1000)
    if (decoded.prefix !== PREFIX) return null
    const bytes = bech32m.fromWordsUnsafe(decoded.words)
    if (bytes === undefined || bytes[0] !== VERSION || bytes.length < 1 + SECRET_BYTES) return null
    return Uint8Array.from(bytes.slice(1, 1 + SECRET_BYTES))
  } catch {
    return null
  }
}
