/**
 * What the web server answers over plain HTTP, apart from the WebSocket: a fixed table of
 * paths, never mapped to the file system from the request (no traversal is possible). The
 * phone page itself is built elsewhere (`web/dist/`); until it is there, `/` is a
 * placeholder in French and English with no external resource.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** Only our own resources; the page needs no inline script or style. */
export const WEB_CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/** Headers on every response, refusals included. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': WEB_CSP,
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY'
}

/** The placeholder served at `/` until the phone page exists. */
export const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tamtam</title>
</head>
<body>
<h1>tamtam</h1>
<p lang="fr">La page pour téléphone arrive bientôt. Ce serveur tamtam fonctionne.</p>
<p lang="en">The phone page is coming soon. This tamtam server is running.</p>
</body>
</html>
`

/**
 * Where `npm run build` puts the phone page: `web/dist/` of the package this file is in,
 * found by walking up to its `package.json` (the same from `src/web/` and from the
 * compiled `dist/src/web/`). Null when there is no such folder (the placeholder is served).
 */
export function defaultDistDir (from: string = path.dirname(fileURLToPath(import.meta.url))): string | null {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) {
      const dist = path.join(dir, 'web', 'dist')
      return existsSync(dist) ? dist : null
    }
    if (path.dirname(dir) === dir) return null
  }
}

/** One servable file: its content type and where it comes from. */
interface Asset { type: string, file?: string }

/** The fixed table: `/` and the two built files of the page. */
const ASSETS = new Map<string, Asset>([
  ['/', { type: 'text/html; charset=utf-8', file: 'index.html' }],
  ['/app.js', { type: 'text/javascript; charset=utf-8', file: 'app.js' }],
  ['/app.css', { type: 'text/css; charset=utf-8', file: 'app.css' }]
])

/**
 * Bodies read once per server. Every response then shares one buffer: a client that asks
 * `/app.js` 200 times in one pipelined write and never reads (node answers them all into
 * its queue) holds 200 references, not 200 copies (test/lan/web-hostile.test.ts saw one
 * grow the host by 250 MiB). A rebuilt page is served after the node restarts.
 */
export type AssetCache = Map<string, Promise<Buffer | null>>

/** A body to send, or null for 404. `/` falls back to the placeholder when no built page exists. */
export async function readAsset (where: string, distDir: string | null, cache: AssetCache = new Map()): Promise<{ type: string, body: Buffer } | null> {
  const asset = ASSETS.get(where)
  if (asset === undefined) return null
  const file = distDir === null || asset.file === undefined ? null : path.join(distDir, asset.file)
  if (file !== null && !cache.has(file)) cache.set(file, readFile(file).catch(() => null))
  const body = file === null ? null : await cache.get(file)!
  if (body !== null) return { type: asset.type, body }
  return where === '/' ? { type: asset.type, body: Buffer.from(PLACEHOLDER_PAGE) } : null
}
