/**
 * A drill report as one standalone HTML page: inline CSS and inline SVG charts, no script
 * and no external resource, so it opens from a USB stick in a room with no Internet. The
 * page is also well-formed XML (void elements self-closed), which is what the tests check.
 */
import { METHOD } from '../report.js'
import type { DrillReport } from '../types.js'
import { cleanText, escapeMarkup as h, reportName } from './format.js'
import { label, toLang, type Lang } from './labels.js'
import { builtLine, caughtUpLines, caughtUpNote, hopTable, latencyTable, participantTable, probeTable, reachTable, summary, type Table } from './rows.js'
import { latencyHistogramSvg, reachChartSvg } from './svg.js'

// Defence in depth: even if some text escaped our escaping, the browser runs no script
// and fetches nothing. Inline styles are all the page needs.
const CSP = "default-src 'none'; style-src 'unsafe-inline'"

const CSS = `
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 75rem; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dt { font-weight: bold; }
dd { margin: 0; }
figure { margin: 1rem 0; }
figure svg { width: 100%; height: auto; }
.note { color: #555; max-width: 50rem; }
footer { color: #666; font-size: 0.9rem; margin-top: 2rem; }
@media print { body { margin: 0; } figure { break-inside: avoid; } }
`

/** The whole report as an HTML page in `lang`, ending with a newline. */
export function renderHtml (report: DrillReport, lang: Lang = 'en'): string {
  lang = toLang(lang)
  const title = `${label(lang, 'title')} — ${reportName(report)}`
  return [
    '<!DOCTYPE html>',
    `<html lang="${lang}">`,
    '<head>',
    '<meta charset="utf-8" />',
    '<meta name="viewport" content="width=device-width, initial-scale=1" />',
    `<meta http-equiv="Content-Security-Policy" content="${h(CSP)}" />`,
    `<title>${h(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>${h(title)}</h1>`,
    `<dl>${summary(report, lang).map((item) => `<dt>${h(item.label)}</dt><dd>${h(item.value)}</dd>`).join('')}</dl>`,
    `<figure>${reachChartSvg(report, { lang, fluid: true })}</figure>`,
    ...section(label(lang, 'reach'), table(reachTable(report, lang))),
    ...section(label(lang, 'latency'), table(latencyTable(report, lang))),
    `<figure>${latencyHistogramSvg(report, { lang, fluid: true })}</figure>`,
    ...section(label(lang, 'probeTable'), table(probeTable(report, lang))),
    ...section(label(lang, 'hops'), table(hopTable(report, lang)) + note(label(lang, 'hopsNote'))),
    ...section(label(lang, 'participants'), note(label(lang, 'participantsNote')) + table(participantTable(report, lang))),
    ...section(label(lang, 'caughtUp'), list(caughtUpLines(report, lang), lang) + note(caughtUpNote(report, lang))),
    ...section(label(lang, 'neverReached'), list(report.unreached, lang)),
    ...section(label(lang, 'method'), `<p>${h(cleanText(report.method === METHOD ? label(lang, 'methodText') : report.method))}</p>`),
    `<footer><p>${h(builtLine(report, lang))}</p></footer>`,
    '</body>',
    '</html>',
    ''
  ].join('\n')
}

function section (title: string, body: string): string[] {
  return [`<h2>${h(title)}</h2>`, body]
}

function table ({ header, rows }: Table): string {
  const cells = (tag: 'th' | 'td', row: string[]): string =>
    `<tr>${row.map((cell) => `<${tag}>${h(cell)}</${tag}>`).join('')}</tr>`
  return [
    '<table>',
    `<thead>${cells('th', header)}</thead>`,
    `<tbody>${rows.map((row) => cells('td', row)).join('\n')}</tbody>`,
    '</table>'
  ].join('\n')
}

function note (text: string): string {
  return `\n<p class="note">${h(text)}</p>\n`
}

function list (names: string[], lang: Lang): string {
  if (names.length === 0) return `<p>${h(label(lang, 'none'))}</p>`
  return `<ul>${names.map((name) => `<li>${h(cleanText(name))}</li>`).join('')}</ul>`
}
