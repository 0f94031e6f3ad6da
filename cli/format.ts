/**
 * Human-readable output for each command's result. Commands return data; this file
 * turns it into lines. Everything here is already sanitised by the library.
 */
import type { TimelineItem } from '../src/timeline/index.js'

type Result = Record<string, unknown>

function when (ts: number): string {
  const date = new Date(ts)
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' }).format(date)
}

/** One timeline line: date, name, short fingerprint, text. */
export function formatItem (item: TimelineItem): string {
  const who = `${item.name} (${item.author.slice(0, 9)})`
  switch (item.type) {
    case 'join': return `${when(item.ts)}  * ${who} joined`
    case 'nick': return `${when(item.ts)}  * ${who} is now known as ${item.text}`
    case 'doc': return `${when(item.ts)}  ${who} shared ${item.text}`
    default: {
      const suffix = item.deleted === true ? '[deleted]' : item.edited === true ? `${item.text} (edited)` : item.text
      return `${when(item.ts)}  ${who}: ${suffix}`
    }
  }
}

/** Format a command's result for people. */
export function formatResult (command: string, result: unknown): string {
  const r = result as Result
  switch (command) {
    case 'init':
    case 'whoami':
    case 'nick':
      return `${String(r.name)}\nfingerprint: ${String(r.fingerprint)}\nwords:       ${(r.words as string[]).join(' ')}`
    case 'room.create':
    case 'room.invite':
      return [`room ${String(r.room)} (${String(r.id).slice(0, 12)})`, `invite: ${String(r.invite)}`, typeof r.qr === 'string' ? r.qr : ''].filter(Boolean).join('\n')
    case 'room.join':
      return `joined room ${String(r.room)} (${String(r.id).slice(0, 12)})`
    case 'room.leave':
      return `left room ${String(r.room)}; its history stays on disk`
    case 'room.list': {
      const rooms = result as Result[]
      if (rooms.length === 0) return 'no rooms yet: `tamtam room create NAME` or `tamtam room join INVITE`'
      return rooms.map((x) => `${String(x.room).padEnd(20)} ${String(x.id).slice(0, 12)}  ${String(x.members)} member log(s)`).join('\n')
    }
    case 'send':
      return `sent ${String(r.id)}`
    case 'log': {
      const items = result as TimelineItem[]
      return items.length === 0 ? '(no messages yet)' : items.map(formatItem).join('\n')
    }
    case 'peers': {
      const peers = result as Result[]
      if (peers.length === 0) return 'no peers connected'
      return peers.map((p) => `${String(p.publicKey).slice(0, 8)}  ${String(p.host)}:${String(p.port)}  ${String(p.source).padEnd(8)} rooms: ${(p.rooms as string[]).join(', ') || '-'}  in ${String(p.bytesIn)} B, out ${String(p.bytesOut)} B`).join('\n')
    }
    case 'peer.add':
      return `peer ${String(r.host)}:${String(r.port)} saved${r.connecting === true ? ', connecting now' : '; it will be used by the next `tamtam up`'}`
    case 'status':
      return `TCP port ${String(r.port)}, ${String(r.connections)} connection(s), LAN ${r.lan === true ? 'on' : 'off'}, Internet ${r.internet === true ? 'on' : 'off'}, ${String(r.rooms)} room(s)`
    default:
      return JSON.stringify(result, null, 2)
  }
}

/** JSON output: one object, or one object per line for lists that scripts stream. */
export function formatJson (command: string, result: unknown): string {
  if (command === 'log' && Array.isArray(result)) {
    return result.map((i: TimelineItem) => JSON.stringify({ id: i.id, author: i.author, authorKey: i.authorKey, name: i.name, ts: i.ts, type: i.type, text: i.text, edited: i.edited, deleted: i.deleted })).join('\n')
  }
  return JSON.stringify(result)
}
