/**
 * Human-readable output for each command's result, in the user's language. Commands
 * return data; this file turns it into lines. Text from peers is already sanitised by
 * the library.
 */
import { formatDateTime, type MessageKey, type Translate } from '../src/i18n/index.js'
import type { TimelineItem } from '../src/timeline/index.js'
import { formatDoctor } from './doctor.js'

type Result = Record<string, unknown>

/** What formatting needs: a translator and the language for dates. */
export interface Formatter { t: Translate, lang: string }

/** The text of a timeline line without its time, with the author shown as `who`. */
export function lineText (item: TimelineItem, who: string, t: Translate): string {
  switch (item.type) {
    case 'join': return t('line.join', { who }) + (item.rewrote === true ? ` ${t('line.rewrote')}` : '')
    case 'nick': return t('line.nick', { who, text: item.text })
    case 'doc': return t('line.doc', { who, text: item.text })
    case 'drill-probe': return t('line.drill', { who, text: item.text })
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

const short = (v: unknown, n = 12): string => String(v ?? '').slice(0, n)

/** Format a command's result for people. */
export function formatResult (command: string, result: unknown, f: Formatter): string {
  const { t } = f
  const r = result as Result
  switch (command) {
    case 'init':
    case 'whoami':
    case 'nick':
      return t('cli.identity', { name: String(r.name), fingerprint: String(r.fingerprint), words: (r.words as string[]).join(' ') })
    case 'room.create':
    case 'room.invite':
      return [t('cli.room', { room: String(r.room), id: short(r.id) }), t('cli.invite', { invite: String(r.invite) }), typeof r.qr === 'string' ? r.qr : ''].filter(Boolean).join('\n')
    case 'room.join':
      return t('cli.joined', { room: String(r.room), id: short(r.id) })
    case 'room.leave':
      return t('cli.left', { room: String(r.room) })
    case 'room.list': {
      const rooms = result as Result[]
      if (rooms.length === 0) return t('cli.noRooms')
      return rooms.map((x) => t('cli.roomLine', { room: String(x.room).padEnd(20), id: short(x.id), members: String(x.members) })).join('\n')
    }
    case 'send':
      return t('cli.sent', { id: String(r.id) })
    case 'log': {
      const items = result as TimelineItem[]
      return items.length === 0 ? t('cli.noMessages') : items.map((i) => formatItem(i, f)).join('\n')
    }
    case 'peers': {
      const peers = result as Result[]
      if (peers.length === 0) return t('cli.noPeers')
      return peers.map((p) => t('cli.peerLine', {
        key: short(p.publicKey, 8), address: `${String(p.host)}:${String(p.port)}`, source: String(p.source).padEnd(8),
        rooms: (p.rooms as string[]).join(', ') || '-', in: String(p.bytesIn), out: String(p.bytesOut)
      })).join('\n')
    }
    case 'peer.add':
      return t(r.connecting === true ? 'cli.peerSavedConnecting' : 'cli.peerSaved', { address: `${String(r.host)}:${String(r.port)}` })
    case 'status':
      return t('cli.status', { port: String(r.port), connections: String(r.connections), lan: t(r.lan === true ? 'cli.on' : 'cli.off'), internet: t(r.internet === true ? 'cli.on' : 'cli.off'), rooms: String(r.rooms) })
    case 'doctor':
      return formatDoctor(result, t)
    case 'whereami': {
      const addresses = (r.addresses as Array<Record<string, unknown>>).map((a) => `  ${String(a.address)}${r.port === null ? '' : `:${String(r.port)}`}  (${String(a.interface)}, ${t(`kind.${String(a.kind)}` as MessageKey)})`)
      if (r.running !== true) return [t('cli.whereamiNoNode'), ...addresses].join('\n')
      return [t('cli.whereami'), ...addresses, '', t('cli.card', { card: String(r.card) }), typeof r.qr === 'string' ? r.qr : ''].filter((l, i, all) => l !== '' || i < all.length - 1).join('\n')
    }
    default:
      return JSON.stringify(result, null, 2)
  }
}

/** JSON output: one object, or one object per line for lists that scripts stream. */
export function formatJson (command: string, result: unknown): string {
  if (command === 'log' && Array.isArray(result)) {
    return result.map((i: TimelineItem) => JSON.stringify({ id: i.id, author: i.author, authorKey: i.authorKey, name: i.name, ts: i.ts, type: i.type, text: i.text, edited: i.edited, deleted: i.deleted, moderated: i.moderated, rewrote: i.rewrote, skipped: i.skipped })).join('\n')
  }
  return JSON.stringify(result)
}
