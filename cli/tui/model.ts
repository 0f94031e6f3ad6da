/**
 * The app's model: owns the state, reads it from the node, and turns typed lines into
 * command calls. It never touches blessed; the screen subscribes to 'change'.
 */
import { EventEmitter } from 'node:events'
import { commandNamed } from '../../src/commands/lazy.js'
import type { Output } from '../../src/commands/types.js'
import { mutedIn } from '../../src/commands/mute.js'
import { roomMembers } from '../../src/commands/verify.js'
import { isTamtamError } from '../../src/errors/index.js'
import { loadLang, translator, type Translate } from '../../src/i18n/index.js'
import { MAX_TEXT_BYTES } from '../../src/log/index.js'
import { hasDefaultRoute } from '../../src/doctor/default-route.js'
import { syncState } from '../../src/network/sync-watch.js'
import { reachOf } from '../../src/replication/reach.js'
import type { TamtamNode } from '../../src/node/index.js'
import { displayNames } from '../../src/names/index.js'
import type { Room } from '../../src/room/index.js'
import type { TimelineItem } from '../../src/timeline/index.js'
import { dmEntries, dmItems, DmWatch } from './dm-watch.js'
import { DrillWatch } from './drill-watch.js'
import { MentionTracker } from './mentions.js'
import { keyChangeWarnings, mentionsMeIn, plainName } from './people.js'
import { logLengths, memberEntries, scanMentions } from './room-people.js'
import { emptyState, type DrillPanel, type RoomEntry, type TuiState } from './state.js'
import { runSlash } from './slash.js'

/** How many timeline items are kept in memory for drawing and scrolling back. */
const TIMELINE_WINDOW = 300
/** The first paint reads only about a screenful, so a big room opens fast; later refreshes read the window. */
const FIRST_PAINT_ITEMS = 60
/** Notices shown at once. */
const MAX_NOTICES = 6

/** The model of the terminal app. Emits 'change' after any state change, 'quit' on /quit. */
export class TuiModel extends EventEmitter {
  readonly node: TamtamNode
  /** Feeds the drill panel, at most one report a second. */
  readonly drillWatch: DrillWatch
  /** Private conversations, read at most once a second. */
  readonly dmWatch: DmWatch
  /** Unread mentions of me, per room. */
  readonly mentions = new MentionTracker()
  state: TuiState
  t: Translate
  private readonly seenLength = new Map<string, number>()
  private readonly painted = new Set<string>()
  private refreshing: Promise<void> | null = null
  private again = false
  private readonly probesHeard = new Set<string>()
  /** Per room, the identities already warned about (a name back with another key). */
  private readonly warned = new Map<string, Set<string>>()
  /** The last failure of private messages, said once rather than on every refresh. */
  private dmFailed: string | null = null

  constructor (node: TamtamNode, lang: string) {
    super()
    this.node = node
    this.drillWatch = new DrillWatch(node.context)
    this.dmWatch = new DmWatch(node.context)
    this.state = emptyState(lang)
    this.t = translator(lang)
  }

  /** Output for command functions: their notes become notices. */
  get out (): Output {
    return { info: (m) => this.notice(m), warn: (m) => this.notice(m) }
  }

  /** Show a line from the app itself. */
  notice (text: string): void {
    this.state.notices = [...this.state.notices, text].slice(-MAX_NOTICES)
    this.emit('change')
  }

  /** Switch language for the UI (and the words of fingerprints). */
  async setLang (lang: string): Promise<void> {
    this.state.lang = await loadLang(lang)
    this.t = translator(this.state.lang)
    this.emit('change')
  }

  /** The current room (the room of the conversation on screen, if one is), or null. */
  currentRoom (): Room | null {
    const id = this.state.current
    return id === null ? null : this.node.tt.rooms.byId(id.split('/')[0]) ?? null
  }

  /** The identity of the private conversation on screen, or null when it is a room. */
  currentDm (): string | null {
    const at = this.state.current?.indexOf('/@') ?? -1
    return at === -1 ? null : (this.state.current as string).slice(at + 2)
  }

  /** Reload everything from the node; calls are coalesced so bursts cost one refresh. */
  async refresh (): Promise<void> {
    if (this.refreshing !== null) {
      this.again = true
      return await this.refreshing
    }
    this.refreshing = (async () => {
      do {
        this.again = false
        await this.load()
      } while (this.again)
    })().finally(() => { this.refreshing = null })
    await this.refreshing
    this.emit('change')
  }

  private async load (): Promise<void> {
    const tt = this.node.tt
    // After quitting, late events may still ask for a refresh: there is nothing to draw.
    if (tt.closed) return
    this.state.me ??= await this.myIdentity()
    const rooms = tt.rooms.list()
    if (this.currentRoom() === null) this.state.current = rooms[0]?.id ?? null
    const room = this.currentRoom()
    const dm = this.currentDm()
    const entries: RoomEntry[] = []
    for (const r of rooms) {
      const viewing = r === room && dm === null
      entries.push({ id: r.id, name: r.name, unread: await this.unread(r), mentions: viewing ? 0 : await this.backgroundMentions(r) })
      entries.push(...await this.conversationEntries(r, r === room ? dm : null))
    }
    this.state.rooms = entries
    // A conversation no longer listed (its room left, say): back to its room.
    if (room !== null && !entries.some((e) => e.id === this.state.current)) this.state.current = room.id
    if (room === null) {
      Object.assign(this.state, { timeline: [], members: [], drill: null, dm: null })
      return
    }
    const muted = new Set(mutedIn(room))
    // Members first: the timeline needs their names to find mentions.
    await this.loadMembers(room, muted)
    const shown = this.currentDm()
    if (shown !== null) await this.loadDm(room, shown)
    else await this.loadTimeline(room, muted)
    await this.loadStatus(room)
    this.state.drill = await this.drillPanel(room)
  }

  private async loadTimeline (room: Room, muted: Set<string>): Promise<void> {
    const tt = this.node.tt
    const firstPaint = !this.painted.has(room.id)
    this.painted.add(room.id)
    // Lengths before items: whatever lands in between is in the items, so counted once.
    const lengths = await logLengths(tt, room)
    const items = await (await tt.timeline(room)).page({ limit: firstPaint ? FIRST_PAINT_ITEMS : TIMELINE_WINDOW })
    if (firstPaint) setImmediate(() => { this.refresh().catch((err) => this.error(err)) })
    this.state.timeline = items.filter((i) => !muted.has(i.authorKey))
    this.state.dm = null
    this.seenLength.set(room.id, await this.totalLength(room))
    this.ring(room, this.mentions.take(room.id, this.state.timeline, lengths, (i) => mentionsMeIn(i, this.state)))
    this.mentions.clear(room.id)
  }

  private async loadDm (room: Room, identity: string): Promise<void> {
    const name = this.state.rooms.find((e) => e.id === this.state.current)?.name ?? '?'
    this.state.dm = { room: room.id, identity, name }
    try {
      this.state.timeline = dmItems(await this.dmWatch.messages(room, identity))
    } catch (err) {
      this.dmFailure(err)
    }
  }

  /** My identity (hex), or null on the first run before there is one. */
  private async myIdentity (): Promise<string | null> {
    try {
      return (await this.node.tt.identity()).publicKey.toString('hex')
    } catch (err) {
      if (isTamtamError(err, 'NOT_INITIALISED')) return null
      throw err
    }
  }

  /** Unread mentions of a room not on screen (read at most once a second), ringing for new ones. */
  private async backgroundMentions (room: Room): Promise<number> {
    if (this.state.me === null) return 0
    this.ring(room, await scanMentions(this.node.tt, room, this.mentions, this.state.me))
    return this.mentions.count(room.id)
  }

  /** Ring the terminal bell for new mentions, if the room asks for it (`/bell on`). */
  private ring (room: Room, fresh: TimelineItem[]): void {
    if (fresh.length > 0 && room.settings.bell === true && this.mentions.ringFor(fresh)) this.emit('bell')
  }

  /** The room-list entries of a room's private conversations; `viewing` is the one on screen. */
  private async conversationEntries (room: Room, viewing: string | null): Promise<RoomEntry[]> {
    try {
      const conversations = await this.dmWatch.conversations(room)
      // Counted even when empty: a room's first listing is its baseline, even with nothing in it.
      const unread = this.dmWatch.unread(room.id, conversations, viewing)
      if (conversations.length === 0) return []
      const people = [...await roomMembers(this.node.tt, room), ...conversations]
      const labels = displayNames(people.map((p) => ({ identity: p.identity, name: plainName(p.name) })))
      return dmEntries(room.id, conversations, labels, unread)
    } catch (err) {
      this.dmFailure(err)
      return []
    }
  }

  /** Say a failure of private messages once, not on every refresh. */
  private dmFailure (err: unknown): void {
    const text = String((err as Error)?.message ?? err)
    if (this.dmFailed === text) return
    this.dmFailed = text
    this.error(err)
  }

  /** The drill panel of a room; a failure becomes a notice and no panel. */
  private async drillPanel (room: Room): Promise<DrillPanel | null> {
    try {
      return await this.drillWatch.panel(room)
    } catch (err) {
      this.error(err)
      return null
    }
  }

  /** Called every second by the app: redraw the drill panel while a drill runs (cheap otherwise). */
  async tickDrill (): Promise<void> {
    const room = this.currentRoom()
    if (this.state.drill === null || room === null || this.node.tt.closed) return
    const panel = await this.drillPanel(room)
    // The user may have switched rooms meanwhile: that room's panel comes with its own refresh.
    if (this.currentRoom()?.id !== room.id) return
    this.state.drill = panel
    this.emit('change')
  }

  /** The node acknowledged someone's probe: say so once per drill, so a participant knows. */
  probeAcknowledged (info: { room?: unknown, drill?: unknown }): void {
    const key = `${String(info.room)}/${String(info.drill)}`
    if (this.probesHeard.has(key)) return
    this.probesHeard.add(key)
    this.notice(this.t('tui.drillProbeReceived', { room: String(info.room ?? '') }))
  }

  private async totalLength (room: Room): Promise<number> {
    return (await this.node.tt.logs(room)).list().reduce((sum, l) => sum + l.readable, 0)
  }

  private async unread (room: Room): Promise<number> {
    const seen = this.seenLength.get(room.id)
    const total = await this.totalLength(room)
    if (seen === undefined) {
      this.seenLength.set(room.id, total)
      return 0
    }
    return Math.max(0, total - seen)
  }

  /** The member list; a name back with another key is warned about once per session. */
  private async loadMembers (room: Room, muted: Set<string>): Promise<void> {
    const online = this.node.network?.online(room.id) ?? new Set<string>()
    this.state.members = await memberEntries(this.node.tt, room, online, muted)
    const warned = this.warned.get(room.id) ?? new Set<string>()
    this.warned.set(room.id, warned)
    for (const warning of keyChangeWarnings(room.name, this.state.members, warned, this.t)) {
      warned.add(warning.identity)
      this.notice(warning.text)
    }
  }

  private async loadStatus (room: Room): Promise<void> {
    const logs = await this.node.tt.logs(room)
    const peers = this.node.network?.peers() ?? []
    const lastMine = this.state.timeline.filter((i) => i.core === logs.own.key && i.type === 'msg').pop()
    this.state.status = {
      lanPeers: peers.filter((p) => p.source !== 'internet').length,
      internet: hasDefaultRoute(),
      missing: syncState(logs).missing,
      // Reach receipts: how many connected peers hold my log up to my last message.
      seen: lastMine === undefined ? null : reachOf(logs, lastMine.seq)
    }
  }

  /** Handle a typed line: first-run answers, slash commands, or a message. */
  async submit (line: string): Promise<void> {
    if (Buffer.byteLength(line) > MAX_TEXT_BYTES) {
      this.notice(this.t('tui.tooLong', { size: `${Math.round(Buffer.byteLength(line) / 1024)} KiB` }))
      return
    }
    const text = line.trim()
    if (text.length === 0) return
    // Notices answer the last thing typed; a new line starts fresh.
    this.state.notices = []
    try {
      if (this.state.stage === 'name') return await this.answerName(text)
      if (this.state.stage === 'lang') return await this.answerLang(text)
      if (text.startsWith('/')) return await runSlash(this, text)
      await this.send(text)
    } catch (err) {
      this.error(err)
    }
  }

  /** Report an error as a notice, with its stable code. */
  error (err: unknown): void {
    if (isTamtamError(err)) this.notice(this.t('tui.error', { code: err.code, message: err.message }))
    else this.notice(this.t('tui.error', { code: 'internal', message: String((err as Error)?.message ?? err) }))
  }

  private async answerName (name: string): Promise<void> {
    await (await commandNamed('init'))!.run(this.node.context, { name }, this.out)
    this.state.stage = this.needsLang ? 'lang' : 'chat'
    await this.node.open()
    if (this.state.stage === 'chat') this.notice(this.t('tui.askRoom'))
    await this.refresh()
  }

  /** Set by the app when LANG gave no language, so the first run asks for one. */
  needsLang = false

  private async answerLang (lang: string): Promise<void> {
    await this.setLang(lang.toLowerCase().startsWith('fr') ? 'fr' : 'en')
    this.state.stage = 'chat'
    this.notice(this.t('tui.askRoom'))
  }

  /** Send a message: shown at once as pending, then as sent once durable. */
  async send (text: string): Promise<void> {
    const room = this.currentRoom()
    if (room === null) {
      this.notice(this.t('tui.needRoom'))
      return
    }
    const pending = { text, ts: Date.now() }
    this.state.pending = [...this.state.pending, pending]
    this.state.scroll = 0
    this.emit('change')
    try {
      const dm = this.currentDm()
      if (dm !== null) await this.dmWatch.send(room, dm, text)
      else await (await commandNamed('send'))!.run(this.node.context, { room: room.id, text }, this.out)
    } finally {
      this.state.pending = this.state.pending.filter((p) => p !== pending)
      await this.refresh()
    }
  }

  /** Next or previous room. */
  async switchRoom (delta: number): Promise<void> {
    const rooms = this.state.rooms
    if (rooms.length === 0) return
    const at = Math.max(0, rooms.findIndex((r) => r.id === this.state.current))
    this.state.current = rooms[(at + delta + rooms.length) % rooms.length].id
    this.state.scroll = 0
    await this.refresh()
  }

  /** Scroll the timeline by `lines` (positive = back in time). */
  scroll (lines: number): void {
    this.state.scroll = Math.max(0, this.state.scroll + lines)
    this.emit('change')
  }
}
