/**
 * Name comparison for people, not for machines: "Moussa", "moussa", "MOUSSA" and "Moussà"
 * are one name to a reader, so mentions, look-alike detection and key-change warnings
 * compare names in this folded form. Folding is for comparing only: names are shown as
 * their owner wrote them.
 */

// Combining marks (accents, once NFKD has split them from their letter).
const MARKS = /\p{M}/gu
// Format characters (zero-width spaces and joiners, bidi controls, soft hyphens): invisible,
// so "Mou\u200bssa" must fold to "moussa".
const FORMAT = /\p{Cf}/gu
// Control characters, read as spaces so they can never glue two words together.
const CONTROLS = /\p{Cc}/gu

/** Fold for comparison without trimming: NFKD, no marks or invisible characters, lower case, single spaces. */
export function foldText (s: string): string {
  // Lower-casing can produce new marks (İ becomes i + combining dot), hence the second NFKD.
  return String(s ?? '').normalize('NFKD').replace(FORMAT, '').replace(CONTROLS, ' ').toLowerCase()
    .normalize('NFKD').replace(MARKS, '').replace(/\s+/g, ' ')
}

/**
 * The form in which two names are the same name: NFKD, combining marks stripped, lower
 * case, trimmed (plus invisible characters removed and whitespace collapsed to one space).
 */
export function normalizeName (s: string): string {
  return foldText(s).trim()
}
