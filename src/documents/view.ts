/** What `docs` shows of a document: plain JSON, safe to print. */
import type { Hypercore } from 'hypercore'
import { shortFingerprint } from '../identity/index.js'
import { sanitizeName } from '../text/sanitize.js'
import type { IndexedDoc } from './doc-index.js'
import { estimateBytes, localBlocks } from './fetch.js'
import type { DocumentLimits } from './limits.js'
import { safeFileName } from './safe-name.js'

/**
 * Where a document stands here: `complete` (every byte in the store), `partial`, `remote`
 * (nothing here yet), `too-large` (over the per-file limit: never fetched), `bad` (its
 * bytes did not match its sha256), `invalid` (no storage this version can read).
 */
export type DocStatus = 'complete' | 'partial' | 'remote' | 'too-large' | 'bad' | 'invalid'

/** One line of `docs --json`. */
export interface DocView {
  id: string
  name: string
  /** The name it gets on disk here (see safeFileName). */
  fileName: string
  size: number
  mime: string
  sha256: string
  ts: number
  /** Short fingerprint, key and current nickname of the author's identity. */
  author: string
  authorKey: string
  authorName: string
  mine: boolean
  status: DocStatus
  /** Bytes of it in the store here (estimated from the blocks held). */
  localBytes: number
  /** Why it cannot be fetched, for `too-large`, `bad` and `invalid`. */
  reason?: string
}

/** Build the view of one document; `core` is its blobs core, null when it has none. */
export async function docView (item: IndexedDoc, core: Hypercore | null, ctx: { limits: DocumentLimits, bad: boolean, ownLog: string, notOwner?: boolean }): Promise<DocView> {
  const { doc, log } = item
  const identity = log.author?.identity ?? ''
  const have = core === null || doc.blob === null ? 0 : await localBlocks(core, doc.blob)
  const localBytes = doc.blob === null ? 0 : estimateBytes({ ...doc, blob: doc.blob }, have)
  const view: DocView = {
    id: doc.id,
    name: doc.name,
    fileName: safeFileName(doc.name),
    size: doc.size,
    mime: doc.mime,
    sha256: doc.sha256,
    ts: doc.ts,
    author: identity === '' ? '' : shortFingerprint(Buffer.from(identity, 'hex')),
    authorKey: identity,
    authorName: sanitizeName(await log.currentName() ?? log.author?.name ?? ''),
    mine: log.key === ctx.ownLog,
    status: 'remote',
    localBytes
  }
  if (doc.problem !== null) return { ...view, status: 'invalid', reason: doc.problem }
  // A record pointing at a blobs core that is not its author's: a lure, never fetched.
  if (ctx.notOwner === true) return { ...view, status: 'invalid', localBytes: 0, reason: 'its blobs core is not its author\'s' }
  if (ctx.bad) return { ...view, status: 'bad', reason: 'its bytes do not match its sha256' }
  if (doc.blob !== null && have >= doc.blob.blockLength) return { ...view, status: 'complete', localBytes: doc.size }
  if (doc.size > ctx.limits.maxFileBytes) return { ...view, status: 'too-large', reason: 'over this room\'s per-file limit' }
  return { ...view, status: have > 0 ? 'partial' : 'remote' }
}
