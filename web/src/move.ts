/**
 * Moving to another host (docs/protocol.md §17, "Another host"). A browser keeps the
 * phone's identity per origin, and another host's address is another origin: opened
 * there, the page would make a new key, and peers would list a second member. So the page
 * the phone already has opens the other host's page in a new tab and hands it the key
 * with postMessage, addressed to that origin only, once the new page says it is ready.
 * The new page asks the person before it takes the key. The key never goes into an
 * address (addresses stay in the browser's history) and never crosses the network.
 */
import { fromHex, toHex } from './bytes.js'
import type { PhoneKeys } from './identity.js'

const READY = 'tamtam-move-ready'
const KEY = 'tamtam-move-key'
/** How long the old page waits for the new one to say it is ready. */
const WAIT_MS = 60_000
/** How long a new page waits for the key once it said it is ready (the old page answers at once). */
const KEY_WAIT_MS = 5_000

/** What the new page is given. */
export interface MovedIdentity { secretKey: Uint8Array, name: string }

/** `10.42.0.2:8080`, `http://10.42.0.2:8080/…` → `http://10.42.0.2:8080`; null when it is no address. */
export function hostOrigin (typed: string): string | null {
  const raw = typed.trim()
  if (raw === '') return null
  try {
    const url = new URL(/^https?:\/\//i.test(raw) ? raw : `http://${raw}`)
    // Old Chrome keeps spaces and the like in a host (percent-encoded): only names and IPv4 addresses go.
    return /^[a-z0-9.-]+$/i.test(url.hostname) ? url.origin : null
  } catch {
    return null
  }
}

/** Open the page of the host at `origin` with the same invite, and hand it our key when it asks. */
export function moveTo (origin: string, hash: string, me: PhoneKeys, name: string): boolean {
  const tab = window.open(`${origin}/${hash}`, '_blank')
  if (tab === null) return false
  const listen = (e: MessageEvent): void => {
    if (e.source !== tab || e.origin !== origin || (e.data as { t?: unknown })?.t !== READY) return
    tab.postMessage({ t: KEY, secretKey: toHex(me.secretKey), name }, origin)
    window.removeEventListener('message', listen)
  }
  window.addEventListener('message', listen)
  setTimeout(() => window.removeEventListener('message', listen), WAIT_MS)
  return true
}

/**
 * On a page opened by another tamtam page: say we are ready, and wait for a key from the
 * page that opened us (null when none comes, or this page was not opened by another).
 */
export async function receiveMove (): Promise<{ identity: MovedIdentity, from: string } | null> {
  const opener = window.opener as Window | null
  if (opener === null) return null
  return await new Promise((resolve) => {
    const done = (value: { identity: MovedIdentity, from: string } | null): void => {
      window.removeEventListener('message', listen)
      clearTimeout(timer)
      resolve(value)
    }
    const listen = (e: MessageEvent): void => {
      const d = e.data as { t?: unknown, secretKey?: unknown, name?: unknown }
      if (e.source !== opener || d?.t !== KEY) return
      if (typeof d.secretKey !== 'string' || !/^[0-9a-f]{128}$/.test(d.secretKey) || typeof d.name !== 'string') return done(null)
      done({ identity: { secretKey: fromHex(d.secretKey), name: d.name }, from: e.origin })
    }
    const timer = setTimeout(() => done(null), KEY_WAIT_MS)
    window.addEventListener('message', listen)
    // Nothing secret in "ready": any page that opened us may hear it.
    opener.postMessage({ t: READY }, '*')
  })
}
