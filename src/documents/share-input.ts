/** What `share` checks of its input before anything is written: the file, and the name announced for it. */
import { promises as fs } from 'node:fs'
import { fail } from '../errors/index.js'
import { sanitizeText } from '../text/sanitize.js'

/** Longest announced name, in UTF-8 bytes (the record schema's limit). */
const MAX_DOC_NAME_BYTES = 1024

/** Size of a regular file to share; FILE_NOT_FOUND or USAGE otherwise. */
export async function fileSize (file: string): Promise<number> {
  let stat
  try {
    stat = await fs.stat(file)
  } catch (err) {
    throw fail('FILE_NOT_FOUND', `${file} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`, err)
  }
  if (!stat.isFile()) throw fail('USAGE', `${file} is not a regular file`)
  return stat.size
}

/** A name to announce: printable, one line, 1 to 1024 bytes. */
export function announcedName (name: string): string {
  const clean = sanitizeText(name).trim()
  if (clean.length === 0) throw fail('USAGE', 'a document needs a name (--name)')
  if (Buffer.byteLength(clean) > MAX_DOC_NAME_BYTES) throw fail('USAGE', `the document name is over ${MAX_DOC_NAME_BYTES} bytes`)
  return clean
}
