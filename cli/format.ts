/**
 * Human-readable output of the core commands' results (identity, rooms, messages, peers),
 * in the user's language, and the JSON output of every command. Commands return data;
 * this file turns it into lines. Text from peers is already sanitised by the library.
 */
import type { MessageKey } from '../src/i18n/index.js'
import type { TimelineItem } from '../src/timeline/index.js'
import type { NamedPeer } from '../src/commands/peers.js'
import { formatBytes } from '../src/documents/limits.js'
import { formatItem, type Formatter } from './render/line.js'
import { peerAddress, peerWho, shortKey } from './render/peer.js'

type Result = Record<string, unknown>

const short = (v: unknown, n = 12): string => String(v ?? '').slice(0, n)

/** Format a core command's result for people (JSON text for a command that is not core). */
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
      if (r.wiped === true) return t('cli.wiped', { room: String(r.room), cores: String(r.cores), before: formatBytes(Number(r.bytesBefore)), after: formatBytes(Number(r.bytesAfter)) })
      return t('cli.left', { room: String(r.room) })
    case 'room.list': {
      const rooms = result as Result[]
      if (rooms.length === 0) return t('cli.noRooms')
      // A room whose messages expire says so at the end of its line (room set --expire).
      const expiry = (x: Result): string => typeof x.expire === 'number' && x.expire > 0 ? `  ${t('expiry.tag', { after: String(x.expireText) })}` : ''
      // A rekeyed room says how often; one whose keys changed without us says to ask for a new invite.
      const epoch = (x: Result): string => (typeof x.epoch === 'number' && x.epoch > 0 ? `  ${t('rekey.epoch', { epoch: String(x.epoch) })}` : '') + (x.outOfDate === true ? `\n  ${t('rekey.outOfDate', { room: String(x.room) })}` : '')
      return rooms.map((x) => t('cli.roomLine', { room: String(x.room).padEnd(20), id: short(x.id), members: String(x.members) }) + expiry(x) + epoch(x)).join('\n')
    }
    case 'send':
      return t('cli.sent', { id: String(r.id) })
    case 'log': {
      const items = result as TimelineItem[]
      return items.length === 0 ? t('cli.noMessages') : items.map((i) => formatItem(i, f)).join('\n')
    }
    case 'peers': {
      const peers = result as NamedPeer[]
      if (peers.length === 0) return t('cli.noPeers')
      const who = peers.map((p) => peerWho(p, t))
      const width = Math.min(40, Math.max(...who.map((w) => w.length)))
      return peers.map((p, i) => t('cli.peerLine', {
        who: who[i].padEnd(width), address: peerAddress(p).padEnd(21), source: String(p.source).padEnd(8),
        key: shortKey(p), in: String(p.bytesIn), out: String(p.bytesOut)
      })).join('\n')
    }
    case 'peer.add':
      return t(r.connecting === true ? 'cli.peerSavedConnecting' : 'cli.peerSaved', { address: (r.addresses as Array<{ host: string, port: number }>).map(peerAddress).join(', ') })
    case 'status':
      return t('cli.status', { port: String(r.port), connections: String(r.connections), lan: t(r.lan === true ? 'cli.on' : 'cli.off'), internet: t(r.internet === true ? 'cli.on' : 'cli.off'), rooms: String(r.rooms) })
    case 'whereami': {
      const addresses = (r.addresses as Array<Record<string, unknown>>).map((a) => `  ${String(a.address)}${r.port === null ? '' : `:${String(r.port)}`}  (${String(a.interface)}, ${t(`kind.${String(a.kind)}` as MessageKey)})`)
      if (r.running !== true) return [t('cli.whereamiNoNode'), ...addresses].join('\n')
      return [t('cli.whereami'), ...addresses, '', r.card === null ? '' : t('cli.card', { card: String(r.card) }), typeof r.qr === 'string' ? r.qr : ''].filter((l, i, all) => l !== '' || i < all.length - 1).join('\n')
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
