/**
 * Renderers of a drill report: one pure function from report to text per format, so the
 * CLI only picks a format and writes the string where it was asked to.
 */
import type { DrillReport } from '../types.js'
import { renderCsv } from './csv.js'
import { renderHtml } from './html.js'
import { toLang, type Lang } from './labels.js'
import { renderMarkdown } from './markdown.js'
import { reachChartSvg } from './svg.js'
import type { ReportFormat } from './formats.js'

export { renderCsv, CSV_HEADER } from './csv.js'
export { renderHtml } from './html.js'
export { renderMarkdown } from './markdown.js'
export { reachChartSvg, latencyHistogramSvg, type ChartOptions } from './svg.js'
export { type Lang, toLang } from './labels.js'
export { formatMs } from './format.js'
export { REPORT_FORMATS, formatFromPath, type ReportFormat } from './formats.js'

/** The report in `format`; json is the report itself, svg the reach chart. Ends with a newline. */
export function renderReport (report: DrillReport, format: ReportFormat, lang: Lang = 'en'): string {
  switch (format) {
    case 'md': return renderMarkdown(report, toLang(lang))
    case 'csv': return renderCsv(report)
    case 'html': return renderHtml(report, toLang(lang))
    case 'json': return JSON.stringify(report, null, 2) + '\n'
    case 'svg': return reachChartSvg(report, { lang: toLang(lang) })
  }
  // Only reachable from untyped callers: a programmer error, so it throws.
  throw new TypeError(`unknown report format: ${String(format)}`)
}
