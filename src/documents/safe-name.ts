/**
 * File names from peers, made safe to create on any common file system. A peer controls
 * every byte of a document's name; without this, `../../.bashrc` or `/etc/passwd` would
 * write outside the download dir, `CON` would hang a Windows share, and control bytes would
 * reach the terminal through the name.
 */
import path from 'node:path'
import { sanitizeText } from '../text/sanitize.js'

/** Used when nothing usable is left of a name. */
export const FALLBACK_NAME = 'document'
/** Longest name kept, in UTF-8 bytes: under the usual 255, with room for " (999)" and temp names. */
export const MAX_NAME_BYTES = 200

// Windows device names, with or without an extension (CON.txt is as bad as CON).
const RESERVED = /^(con|prn|aux|nul|clock\$|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i
// Characters Windows, macOS or SMB refuse in names; '/' and '\' were split on already.
const FORBIDDEN = /[<>:"|?*]/g
// Zero-width and other invisible characters that make two names look the same.
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff]/g

/**
 * A harmless file name for `name`: only its last path component (either separator),
 * no control or escape sequences, no characters forbidden on Windows, no leading dots or
 * spaces (so never hidden and never `..`), no trailing dots or spaces, no reserved device
 * name, at most MAX_NAME_BYTES bytes with the extension kept, NFC. Never empty.
 */
export function safeFileName (name: string): string {
  let s = sanitizeText(String(name ?? '')).normalize('NFC').replace(INVISIBLE, '')
  s = s.split(/[/\\]/).pop() ?? ''
  s = s.replace(FORBIDDEN, '_').replace(/\s+/g, ' ')
  s = s.replace(/^[\s.]+/, '').replace(/[\s.]+$/, '')
  s = truncateName(s, MAX_NAME_BYTES)
  // After truncating (which may strip dots and spaces and uncover "con"), and on the stem
  // without trailing dots or spaces, because Windows opens the device for "CON .txt" too.
  const stem = s.split('.')[0].replace(/[\s.]+$/, '')
  if (RESERVED.test(s) || RESERVED.test(stem)) s = `_${truncateName(s, MAX_NAME_BYTES - 1)}`
  return s.length === 0 ? FALLBACK_NAME : s
}

/** Cut a name to `max` UTF-8 bytes on a code point boundary, keeping a short extension. */
export function truncateName (name: string, max: number): string {
  if (Buffer.byteLength(name) <= max) return name
  const ext = path.extname(name)
  const keep = Buffer.byteLength(ext) <= 32 ? ext : ''
  const stem = keep === '' ? name : name.slice(0, -keep.length)
  let out = ''
  for (const ch of stem) {
    if (Buffer.byteLength(out + ch + keep) > max) break
    out += ch
  }
  return (out.replace(/[\s.]+$/, '') + keep)
}

/** `name`, or `stem (n).ext` for n = 1, 2, ...: the i-th candidate when the name is taken. */
export function numberedName (name: string, n: number): string {
  if (n === 0) return name
  const ext = path.extname(name)
  return `${name.slice(0, name.length - ext.length)} (${n})${ext}`
}
