/**
 * The report formats and how a file name picks one: apart from the renderers, so the CLI
 * checks arguments without loading them.
 */

/** Formats a report can be written in. */
export type ReportFormat = 'md' | 'csv' | 'html' | 'json' | 'svg'

/** Every format, in the order help texts list them. */
export const REPORT_FORMATS: readonly ReportFormat[] = ['md', 'csv', 'html', 'json', 'svg']

// Extensions people actually type, mapped to the format they mean.
// A Map, not an object literal: "x.constructor" must not find Object's own properties.
const EXTENSIONS = new Map<string, ReportFormat>([
  ['md', 'md'], ['markdown', 'md'], ['csv', 'csv'], ['html', 'html'], ['htm', 'html'], ['json', 'json'], ['svg', 'svg']
])

/** The format named by a file's extension (case-insensitive), or null when there is none we know. */
export function formatFromPath (file: string): ReportFormat | null {
  const base = file.split(/[\\/]/).pop() ?? ''
  const dot = base.lastIndexOf('.')
  if (dot <= 0) return null
  return EXTENSIONS.get(base.slice(dot + 1).toLowerCase()) ?? null
}
