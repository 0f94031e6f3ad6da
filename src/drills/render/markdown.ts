/**
 * A drill report as Markdown, to paste into a wiki, an issue or a workshop's notes.
 * Names come from peers: they are cleaned of control characters (rows.ts) and their
 * Markdown is escaped here, so a nickname can neither break a table nor inject links or HTML.
 */
import { METHOD } from '../report.js'
import type { DrillReport } from '../types.js'
import { cleanText, reportName } from './format.js'
import { label, toLang, type Lang } from './labels.js'
import { builtLine, caughtUpLines, caughtUpNote, hopTable, latencyTable, participantTable, probeTable, reachTable, summary, type Table } from './rows.js'

/** The whole report as a Markdown document in `lang`, ending with a newline. */
export function renderMarkdown (report: DrillReport, lang: Lang = 'en'): string {
  lang = toLang(lang)
  const unreached = report.unreached.map((name) => `- ${md(cleanText(name))}`).join('\n')
  const caughtUp = caughtUpLines(report, lang).map((line) => `- ${md(line)}`).join('\n')
  return [
    `# ${md(label(lang, 'title'))} — ${md(reportName(report))}`,
    '',
    summary(report, lang).map((item) => `- ${md(label(lang, 'labelled', item))}`).join('\n'),
    '',
    ...section(label(lang, 'reach'), table(reachTable(report, lang))),
    ...section(label(lang, 'latency'), table(latencyTable(report, lang))),
    ...section(label(lang, 'probeTable'), table(probeTable(report, lang))),
    ...section(label(lang, 'hops'), `${table(hopTable(report, lang))}\n\n${md(label(lang, 'hopsNote'))}`),
    ...section(label(lang, 'participants'), `${md(label(lang, 'participantsNote'))}\n\n${table(participantTable(report, lang))}`),
    ...section(label(lang, 'caughtUp'), `${caughtUp === '' ? md(label(lang, 'none')) : caughtUp}\n\n${md(caughtUpNote(report, lang))}`),
    ...section(label(lang, 'neverReached'), unreached === '' ? md(label(lang, 'none')) : unreached),
    ...section(label(lang, 'method'), md(cleanText(report.method === METHOD ? label(lang, 'methodText') : report.method))),
    `_${md(builtLine(report, lang))}_`,
    ''
  ].join('\n')
}

function section (title: string, body: string): string[] {
  return [`## ${md(title)}`, '', body, '']
}

/** A GitHub-style table; every cell is escaped here. An empty table is just its header. */
function table ({ header, rows }: Table): string {
  const line = (cells: string[]): string => `| ${cells.map(md).join(' | ')} |`
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n')
}

/**
 * Escape Markdown in one line of text. CommonMark renders a backslash escape as the bare
 * character, so readers still see the name as typed, but `|` cannot split a cell, `<`
 * cannot open raw HTML, `[` cannot start a link and `&` cannot spell an entity. A leading
 * `#`, `-` or `+` is always escaped (cheap, and still rendered bare) so a name opening a
 * list item cannot become a heading, a rule or a nested list; `1.` only when followed by
 * a space, since numbers like "4.2 s" open many cells and cannot start a list.
 */
function md (text: string): string {
  return text
    .replace(/[\\`*_[\]<>|~&]/g, '\\$&')
    .replace(/^([#+-])/, '\\$1')
    .replace(/^(\d+)([.)])(?=\s|$)/, '$1\\$2')
}
