/**
 * The files given beside the tarball: the page (`index.html`, both languages, plain
 * offline HTML with no external resource and no script), the text guides (`LISEZMOI.txt`,
 * `README.txt`) and `SHA256SUMS` (the `sha256sum -c` format). Pure functions of the facts;
 * every value that is not a literal of this file is escaped.
 */
import { guide, GUIDE_LANGS, type Block, type GuideFacts, type GuideLang } from './guide.js'

/** The text guide's file name in each language. */
export const TEXT_GUIDES: Record<GuideLang, string> = { fr: 'LISEZMOI.txt', en: 'README.txt' }
/** Locks the page down where a browser honours it: no script, no request to anything. */
export const PAGE_CSP = 'default-src \'none\'; style-src \'unsafe-inline\'; base-uri \'none\'; form-action \'none\''

const LANG_NAMES: Record<GuideLang, string> = { fr: 'Français', en: 'English' }

/** Escape text for HTML element content and attribute values. */
export function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' })[c] as string)
}

/** `SHA256SUMS`: one line, checked with `sha256sum -c SHA256SUMS`. */
export function sha256Sums (f: Pick<GuideFacts, 'sha256' | 'name'>): string {
  return `${f.sha256}  ${f.name}\n`
}

/** Escaped text with `code` spans. */
function inline (text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>')
}

function blockHtml (b: Block, f: GuideFacts): string {
  if ('h' in b) return `<h2>${inline(b.h)}</h2>`
  if ('p' in b) return `<p>${inline(b.p)}</p>`
  if ('warn' in b) return `<p class="warn">${inline(b.warn)}</p>`
  if ('cmd' in b) return `<pre><code>${b.cmd.map(escapeHtml).join('\n')}</code></pre>`
  return `<p class="dl"><a href="${escapeHtml(encodeURIComponent(f.name))}" download>${inline(b.download)}</a> · <a href="SHA256SUMS">SHA256SUMS</a></p>`
}

const STYLE = [
  'body{font-family:system-ui,sans-serif;max-width:46em;margin:1em auto;padding:0 1em;line-height:1.45;color:#111;background:#fff}',
  'nav{font-size:1.1em;margin-bottom:1em}h2{font-size:1.15em;margin-top:1.4em}',
  'pre{background:#f2f2f2;padding:.6em .8em;overflow-x:auto}code{font-family:ui-monospace,monospace;word-break:break-all}',
  '.warn{border-left:4px solid #c60;background:#fff4e5;padding:.5em .8em}',
  '.dl a{font-weight:bold}hr{margin:2.5em 0}'
].join('')

/**
 * The page, both languages on it: `first` (the sharer's language) on top, a link to the
 * other at the top of the page. Works from a web server and opened from a USB stick alike.
 */
export function renderPage (f: GuideFacts, first: GuideLang = 'fr'): string {
  const order = [first, ...GUIDE_LANGS.filter((l) => l !== first)]
  const sections = order.map((lang) => `<section id="${lang}" lang="${lang}">\n${guide(f, lang).map((b) => blockHtml(b, f)).join('\n')}\n</section>`)
  return [
    '<!doctype html>',
    `<html lang="${first}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(PAGE_CSP)}">`,
    `<title>tamtam ${escapeHtml(f.version)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<nav>${order.map((l) => `<a href="#${l}" hreflang="${l}">${LANG_NAMES[l]}</a>`).join(' · ')}</nav>`,
    sections.join('\n<hr>\n'),
    '</body>',
    '</html>',
    ''
  ].join('\n')
}

/** The guide as plain text, for `LISEZMOI.txt` (fr) and `README.txt` (en). */
export function renderText (f: GuideFacts, lang: GuideLang): string {
  const lines: string[] = []
  for (const b of guide(f, lang)) {
    if ('h' in b) lines.push('', b.h, '='.repeat(Array.from(b.h).length))
    else if ('p' in b) lines.push(b.p)
    else if ('warn' in b) lines.push(`! ${b.warn}`)
    else if ('cmd' in b) lines.push(...b.cmd.map((c) => `    ${c}`))
    else lines.push(lang === 'fr' ? `Le fichier ${f.name} est à côté de ce texte, avec SHA256SUMS.` : `The file ${f.name} is next to this text, with SHA256SUMS.`)
  }
  lines.push('', lang === 'fr' ? 'La même chose dans un navigateur : ouvrez index.html.' : 'The same in a browser: open index.html.', '')
  return lines.join('\n').replace(/^\n/, '')
}
