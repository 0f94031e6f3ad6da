/**
 * Slash commands of the terminal app, as a table. Each entry names the command it calls in
 * the shared table (src/commands), so the app and the CLI never disagree; the entry only
 * builds its arguments from what was typed and shows the result. The few entries with no
 * command behind them (/help, /quit, /lang, /bell) say so: they are `local`.
 */
import path from 'node:path'
import type { NamedPeer } from '../../src/commands/peers.js'
import { peerAddress, peerWho, shortKey } from '../render/peer.js'
import { DRILL_ENTRIES } from './slash-drill.js'
import { needRoom, type SlashEntry, type SlashHost, type SlashLine } from './slash-host.js'
import { EXPIRE_ENTRY, PANIC_ENTRY } from './slash-panic.js'
import { PEOPLE_ENTRIES } from './slash-people.js'
import { REKEY_ENTRY } from './slash-rekey.js'

/** `/get` shows its progress at most this often: it must not flood the screen. */
const PROGRESS_EVERY_MS = 500

/** Rooms, names and peers. */
const GENERAL_ENTRIES: SlashEntry[] = [
  { name: '/help', help: 'tui.help', local: (_line, host) => { for (const key of new Set(SLASH_ENTRIES.map((e) => e.help))) host.notice(host.t(key)) } },
  { name: '/quit', help: 'tui.help', local: (_line, host) => host.quit() },
  {
    name: '/lang',
    help: 'tui.help',
    local: async (line, host) => {
      await host.setLang(line.words[0] === 'fr' ? 'fr' : 'en')
      host.notice(host.t('tui.lang'))
    }
  },
  {
    name: '/create',
    help: 'tui.help',
    command: 'room.create',
    args: (line) => ({ name: line.rest }),
    show: async (r, host) => {
      host.select(r.id)
      host.notice(host.t('tui.created', { room: r.room, invite: r.invite }))
      await host.refresh()
    }
  },
  {
    name: '/join',
    help: 'tui.help',
    command: 'room.join',
    args: ({ words }) => ({ invite: words[0], name: words[1] === '--name' ? words[2] : undefined }),
    show: async (r, host) => {
      host.select(r.id)
      host.notice(host.t('tui.joinedRoom', { room: r.room }))
      await host.refresh()
    }
  },
  {
    name: '/invite',
    help: 'tui.help',
    command: 'room.invite',
    args: (line, host) => ({ room: needRoom(host).id, qr: line.words.includes('--qr') }),
    show: (r, host) => {
      host.notice(host.t('tui.invite', { room: r.room, invite: r.invite }))
      if (typeof r.qr === 'string') host.showQr(r.qr)
    }
  },
  {
    name: '/web',
    help: 'tui.help',
    command: 'web',
    // The app's node (or the node it is attached to) starts serving phones if it does not yet.
    args: (_line, host) => ({ room: needRoom(host).id, qr: true, start: true }),
    show: (r, host) => {
      for (const link of r.links as string[]) host.notice(host.t('tui.web', { room: r.room, link }))
      if (typeof r.qr === 'string') host.showQr(r.qr)
    }
  },
  {
    name: '/nick',
    help: 'tui.help',
    command: 'nick',
    args: (line) => ({ name: line.rest }),
    show: async (r, host) => {
      host.notice(host.t('tui.nick', { name: r.name }))
      await host.refresh()
    }
  },
  muteEntry('/mute', 'mute', 'tui.muted'),
  muteEntry('/unmute', 'unmute', 'tui.unmuted'),
  {
    name: '/peers',
    help: 'tui.help',
    command: 'peers',
    args: () => ({}),
    show: (peers: NamedPeer[], host) => {
      if (peers.length === 0) host.notice(host.t('tui.peersNone'))
      for (const p of peers) host.notice(host.t('tui.peer', { who: peerWho(p, host.t), address: peerAddress(p), source: String(p.source), key: shortKey(p) }))
    }
  }
]

function muteEntry (name: string, command: string, said: 'tui.muted' | 'tui.unmuted'): SlashEntry {
  return {
    name,
    help: 'tui.help',
    command,
    args: (line, host) => ({ room: needRoom(host).id, member: line.rest }),
    show: async (r, host) => {
      host.notice(host.t(said, { name: r.member }))
      await host.refresh()
    }
  }
}

/** Documents: paths are relative to the folder the app was started from. */
const DOCUMENT_ENTRIES: SlashEntry[] = [
  {
    name: '/share',
    help: 'tui.help',
    command: 'share',
    args: (line, host) => ({ room: needRoom(host).id, path: path.resolve(line.rest) }),
    show: (r, host, line) => host.notice(`${String(r.id ?? '')} ${String(r.name ?? line.rest)} (${String(r.size ?? '?')} B)`)
  },
  {
    name: '/get',
    help: 'tui.help',
    command: 'get',
    args: (line, host) => ({ room: needRoom(host).id, id: line.words[0] ?? '', dir: process.cwd() }),
    output: (host) => {
      let last = 0
      return {
        progress: (e) => {
          if (Date.now() - last < PROGRESS_EVERY_MS) return
          last = Date.now()
          host.progress(`${String(e.bytes ?? e.have ?? '')} / ${String(e.total ?? '')} B`)
        }
      }
    },
    show: (r, host) => host.notice(String(r.path ?? r.file ?? JSON.stringify(r)))
  },
  {
    name: '/docs',
    help: 'tui.help',
    command: 'docs',
    args: (_line, host) => ({ room: needRoom(host).id }),
    show: (docs: Array<Record<string, unknown>>, host) => {
      if (docs.length === 0) host.notice('-')
      for (const d of docs) host.notice(`${String(d.id)}  ${String(d.name)}  ${String(d.size)} B  ${String(d.status ?? '')}`)
    }
  }
]

/** Every slash command, in the order `/help` tells about them. */
export const SLASH_ENTRIES: readonly SlashEntry[] = [...GENERAL_ENTRIES, ...DOCUMENT_ENTRIES, ...DRILL_ENTRIES, ...PEOPLE_ENTRIES, EXPIRE_ENTRY, REKEY_ENTRY, PANIC_ENTRY]

const BY_NAME = new Map(SLASH_ENTRIES.map((e) => [e.name, e]))

/** The entry for a typed line: a sub-command (`/drill report`) first, else the command word. */
export function slashEntry (word: string, next = ''): SlashEntry | undefined {
  return BY_NAME.get(`${word} ${next}`.toLowerCase()) ?? BY_NAME.get(word.toLowerCase())
}

/** Split a typed slash line into its command word and the line after it. */
export function slashLine (text: string): { word: string, line: SlashLine } {
  const [word, ...words] = text.split(/\s+/)
  return { word, line: { words, rest: text.slice(word.length).trim() } }
}

/** Run one slash command line against the app. */
export async function runSlash (host: SlashHost, text: string): Promise<void> {
  const { word, line } = slashLine(text)
  const entry = slashEntry(word, line.words[0])
  if (entry === undefined) return host.notice(host.t('tui.unknownCommand', { command: word }))
  if ('local' in entry) return await entry.local(line, host)
  const args = await entry.args(line, host)
  if (typeof args === 'string') return host.notice(args)
  const command = typeof entry.command === 'string' ? entry.command : entry.command(line)
  await entry.show(await host.run(command, args, entry.output?.(host)), host, line)
}
