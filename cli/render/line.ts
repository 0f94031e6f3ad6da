/**
 * The timeline line renderer, shared by the one-shot CLI (`tamtam log`) and the terminal
 * app's timeline view: the same words for a join, a nick change, an edited, deleted or
 * moderated message, in the user's language. Text from peers is already sanitised by the
 * library.
 */
import { formatDateTime, type Translate } from '../../src/i18n/index.js'
import type { TimelineItem } from '../../src/timeline/index.js'

/** What formatting needs: a translator and the language for dates. */
export interface Formatter { t: Translate, lang: string }

/** The text of a timeline line without its time, with the author shown as `who`. */
export function lineText (item: TimelineItem, who: string, t: Translate): string {
  switch (item.type) {
    case 'join': return t('line.join', { who }) + (item.rewrote === true ? ` ${t('line.rewrote')}` : '')
    case 'nick': return t('line.nick', { who, text: item.text })
    case 'doc': return t('line.doc', { who, text: item.text })
    case 'drill-probe': return item.probe === undefined ? `${who}: ${item.text}` : t('line.drill', { who, number: item.probe.number, total: item.probe.total ?? '?', name: item.probe.name })
    case 'rekey': return item.text === '' ? `${who}: ${t('rekey.line')}` : `${who}: ${t('rekey.lineRemoved', { names: item.text })}`
    case 'skipped': return t('line.skipped', { who, count: String(item.skipped ?? 0) })
    default: {
      const text = item.deleted === true ? t('line.deleted') : item.edited === true ? `${item.text} ${t('line.edited')}` : item.text
      return `${who}: ${text}${item.moderated === true ? ` ${t('line.moderated')}` : ''}${item.rewrote === true ? ` ${t('line.rewrote')}` : ''}`
    }
  }
}

/** The text of a timeline line without its time, as the CLI prints it. */
export function itemText (item: TimelineItem, t: Translate): string {
  return lineText(item, `${item.name} (${item.author.slice(0, 9)})`, t)
}

/** One timeline line: local date and time, then the text. */
export function formatItem (item: TimelineItem, f: Formatter): string {
  return `${formatDateTime(item.ts, f.lang)}  ${itemText(item, f.t)}`
}
