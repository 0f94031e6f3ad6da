/**
 * Make text from peers safe to print on a terminal. A peer controls every byte of its
 * messages and names; without this, it could recolour or clear our screen, fake other
 * people's lines, write to our clipboard (OSC 52), or reorder text with bidi controls.
 */

// Escape sequences are removed whole, not just their ESC, so no parameter garbage leaks out.
// Alternatives, in order:
//  1. String sequences: OSC (ESC ] / 0x9D), DCS (ESC P / 0x90), SOS (ESC X / 0x98),
//     PM (ESC ^ / 0x9E), APC (ESC _ / 0x9F), ending at BEL or ST (ESC \ / 0x9C). Without an
//     end, a terminal would swallow everything after, so we drop everything after too.
//  2. CSI (ESC [ / 0x9B) with parameter and intermediate bytes; the final byte is optional so
//     an unterminated CSI is still removed.
//  3. Any other ESC sequence: intermediates then one final byte (ESC 7, ESC ( B, ...).
const ESCAPE_SEQUENCE = /(?:\x1b[\]PX^_]|[\x90\x98\x9d-\x9f])[\s\S]*?(?:\x07|\x1b\\|\x9c|$)|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?|\x1b[ -/]*[0-~]?/g

// Unicode bidi embeddings, overrides, isolates and marks: they can make a line read
// differently from what was sent ("Trojan Source").
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g

// A lone surrogate is not text; some terminals print garbage or stop rendering the line.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

// Leftover C0 controls, DEL and C1 controls. \t and \n are handled separately.
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g

const NAME_MAX_CHARS = 64

/**
 * Remove escape sequences, control characters and bidi controls from `text`. With
 * `multiline`, newlines and tabs are kept; otherwise both become spaces so a single-line
 * field can never spill onto the next line. Everything else (accents, emoji, CJK) is kept.
 */
export function sanitizeText (text: string, opts: { multiline?: boolean } = {}): string {
  const whitespace = opts.multiline === true ? '' : ' '
  let out = text
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(ESCAPE_SEQUENCE, '')
    .replace(CONTROLS, '')
    .replace(BIDI_CONTROLS, '')
  if (whitespace !== '') out = out.replace(/[\t\n]/g, whitespace)
  return out
}

/**
 * Clean a display name from a peer: single line, trimmed, runs of whitespace collapsed,
 * at most 64 characters (code points, so an emoji is never cut in half).
 */
export function sanitizeName (name: string): string {
  // Zero-width characters are fine in a message body (emoji sequences, Persian, Indic
  // scripts) but in a name they let "A\u200bwa" pass for "Awa": strip them there.
  const clean = sanitizeText(name).replace(/[\u200b-\u200d\u2060\ufeff]/g, '').replace(/\s+/g, ' ').trim()
  return Array.from(clean).slice(0, NAME_MAX_CHARS).join('').trimEnd()
}
