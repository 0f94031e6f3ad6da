/**
 * The app's model when a node already runs on the home (`tamtam up`): it owns no store.
 * It reads what it draws with the node's `view` command, runs every command (messages,
 * slash commands) in the node through the control socket, and reads again when the node's
 * event stream says something changed (docs/protocol.md §6, "Events").
 */
import { callNode, NO_NODE, subscribeNode, type ControlEvent, type StreamEnd } from '../../src/control/index.js'
import type { NodeView, RoomView } from '../../src/commands/view.js'
import type { Args, Output } from '../../src/commands/types.js'
import { fail } from '../../src/errors/index.js'
import { AttachedDrills } from './attached-drill.js'
import { AttachedMentions } from './attached-mentions.js'
import { BaseModel } from './base-model.js'
import { Coalescer } from './coalesce.js'
import { dmEntries, dmEntryId, dmItems } from './dm-watch.js'
import type { LatestDrill } from './drill-watch.js'
import { keyChangeWarnings } from './people.js'
import type { HostRoom } from './slash-host.js'
import type { RoomEntry } from './state.js'

/** How many timeline items are kept in memory for drawing and scrolling back (as TuiModel). */
const TIMELINE_WINDOW = 300
/** The first paint of a room reads about a screenful, so it is drawn fast; later reads the window. */
const FIRST_PAINT_ITEMS = 60
/** Events that mean "read the view again". */
const READ_AGAIN = new Set(['update', 'rooms', 'peers', 'presence', 'synced', 'document', 'resync'])

/** The model of an app attached to the node serving `socketPath`. */
export class AttachedModel extends BaseModel {
  readonly socketPath: string
  private readonly loads = new Coalescer(async () => await this.load())
  private readonly drills: AttachedDrills
  private readonly mentions: AttachedMentions
  private view: NodeView | null = null
  private readonly painted = new Set<string>()
  /** Per room, the readable length of its logs when last on screen; per conversation, its messages read. */
  private readonly seen = new Map<string, number>()
  private readonly warned = new Map<string, Set<string>>()
  private readonly probesHeard = new Set<string>()
  private closeStream: (() => void) | null = null
  /** Why the node's stream ended under the app, or null while attached (or after a plain quit). */
  ended: StreamEnd | null = null

  constructor (socketPath: string, lang: string) {
    super(lang)
    this.socketPath = socketPath
    this.drills = new AttachedDrills(async (name, args) => await this.run(name, args))
    const readRoom = async (room: string, limit: number): Promise<RoomView | null> => ((await this.run('view', { room, limit })) as NodeView).room
    this.mentions = new AttachedMentions(readRoom, () => this.emit('bell'))
  }

  /**
   * Subscribe to the node's events. False when no node answers (the app then opens its own).
   * If the node stops, or the connection drops, while attached, `ended` says so and the app quits.
   */
  async attach (): Promise<boolean> {
    const onEnd = (why: StreamEnd): void => {
      if (why === 'closed') return
      this.ended = why
      this.quit()
    }
    const subscription = await subscribeNode(this.socketPath, { onEvent: (e) => this.event(e), onEnd })
    if (subscription === NO_NODE) return false
    this.closeStream = subscription.close
    this.state.attached = { pid: subscription.pid }
    return true
  }

  /** Stop listening to the node (the node itself keeps running). */
  detach (): void {
    this.closeStream?.()
    this.closeStream = null
  }

  private event (event: ControlEvent): void {
    if (event.event === 'drill-ack') return this.probeAcknowledged(event.room, event.drill)
    // The room on screen may have a drill panel to refresh at once after its probe is heard.
    if (READ_AGAIN.has(event.event)) void this.refresh().catch((err) => this.error(err))
  }

  private probeAcknowledged (roomId: unknown, drill: unknown): void {
    const key = `${String(roomId)}/${String(drill)}`
    if (this.probesHeard.has(key)) return
    this.probesHeard.add(key)
    const name = this.view?.rooms.find((r) => r.id === roomId)?.name ?? ''
    this.notice(this.t('tui.drillProbeReceived', { room: name }))
  }

  /** Read the view again; bursts of events cost one read (and one redraw). */
  async refresh (): Promise<void> {
    if (await this.loads.run()) this.emit('change')
  }

  private async load (): Promise<void> {
    if (this.closeStream === null) return
    const roomId = this.state.current?.split('/')[0] ?? this.view?.rooms[0]?.id
    const first = roomId !== undefined && !this.painted.has(roomId)
    const view = await this.run('view', { room: roomId, limit: first ? FIRST_PAINT_ITEMS : TIMELINE_WINDOW, dm: this.currentDm() ?? undefined }) as NodeView
    if (roomId !== undefined) this.painted.add(roomId)
    if (first) setImmediate(() => { this.refresh().catch((err) => this.error(err)) })
    this.view = view
    this.state.me = view.me
    // No room asked for yet, or the one on screen was left: the first room, read again.
    if (view.room === null && view.rooms.length > 0 && roomId !== view.rooms[0].id) {
      this.state.current = view.rooms[0].id
      return await this.load()
    }
    // A private conversation on screen reads the room as not on screen: its mentions still count.
    await this.mentions.update(view.rooms, this.currentDm() === null ? view.room : null, view.me)
    this.state.rooms = this.entries(view)
    if (!this.state.rooms.some((e) => e.id === this.state.current)) this.state.current = view.room?.id ?? null
    if (view.room === null) {
      Object.assign(this.state, { timeline: [], members: [], drill: null, dm: null })
      return
    }
    this.show(view.room)
    this.state.drill = await this.drills.panel(view.room.id).catch((err) => { this.error(err); return null })
  }

  /** The room on screen: its members (warning once about a name back with another key), timeline and status. */
  private show (room: RoomView): void {
    this.state.members = room.members
    const warned = this.warned.get(room.id) ?? new Set<string>()
    this.warned.set(room.id, warned)
    for (const warning of keyChangeWarnings(room.name, room.members, warned, this.t)) {
      warned.add(warning.identity)
      this.notice(warning.text)
    }
    const name = this.state.rooms.find((e) => e.id === this.state.current)?.name ?? '?'
    this.state.dm = room.dm === undefined ? null : { room: room.id, identity: room.dm.identity, name }
    this.state.timeline = room.dm === undefined ? room.timeline : dmItems(room.dm.messages)
    this.state.status = room.status
  }

  /** Room-list entries with unread counts: what came since a room or conversation was last on screen. */
  private entries (view: NodeView): RoomEntry[] {
    const onScreen = view.room?.id
    const dm = this.currentDm()
    const unread = (key: string, total: number, viewing: boolean): number => {
      if (viewing || !this.seen.has(key)) this.seen.set(key, total)
      return Math.max(0, total - (this.seen.get(key) ?? total))
    }
    const entries: RoomEntry[] = []
    for (const r of view.rooms) {
      entries.push({ id: r.id, name: r.name, unread: unread(r.id, r.length, r.id === onScreen && dm === null), mentions: this.mentions.count(r.id) })
      const counts = new Map(r.conversations.map((c) => [c.identity, unread(dmEntryId(r.id, c.identity), c.count, r.id === onScreen && c.identity === dm)]))
      entries.push(...dmEntries(r.id, r.conversations, new Map(), counts))
    }
    return entries
  }

  /** The room on screen, or null. */
  room (): HostRoom | null {
    const id = this.state.current?.split('/')[0]
    const room = this.view?.rooms.find((r) => r.id === id)
    return room === undefined ? null : { id: room.id, name: room.name }
  }

  /** Run a command of the shared table in the node, in the UI's language; its notes and progress come back here. */
  async run (name: string, args: Args, out: Partial<Output> = {}): Promise<unknown> {
    const o = { ...this.out, ...out }
    const result = await callNode(this.socketPath, name, { lang: this.state.lang, ...args }, { onNote: (level, text) => o[level](text), onProgress: o.progress, signal: o.signal, timeoutMs: 5 * 60_000 })
    if (result === NO_NODE) throw fail('NODE_NOT_RUNNING', this.t('tui.nodeStopped'))
    return result
  }

  /** Send a message: shown at once as pending, then as sent once the node has stored it. */
  async send (text: string): Promise<void> {
    const room = this.room()
    if (room === null) return this.notice(this.t('tui.needRoom'))
    await this.sendShowingPending(text, async (dm) => dm !== null ? await this.run('dm', { room: room.id, member: dm, text }) : await this.run('send', { room: room.id, text }))
  }

  protected async answerName (): Promise<void> {
    // A running node has an identity: the first-run questions are never asked when attached.
    throw fail('USAGE', 'the running node already has an identity')
  }

  /** The mention bell of the room on screen, set in the node first when `on` is given. */
  async mentionBell (on?: boolean): Promise<boolean> {
    const room = this.roomOnScreen()
    const result = await this.run('room.bell', { room: room.id, on }) as { bell: boolean }
    return result.bell
  }

  /** The latest drill of the room on screen, or null. */
  async latestDrill (): Promise<LatestDrill | null> {
    return await this.drills.latest(this.roomOnScreen().id)
  }

  /** A drill started here: ask the node again, so its panel shows at once. */
  drillStarted (): void {
    this.drills.forget(this.roomOnScreen().id)
  }

  /** Called every second by the app: redraw the drill panel while a drill runs. */
  async tickDrill (): Promise<void> {
    const room = this.room()
    if (this.state.drill === null || room === null || this.closeStream === null) return
    const panel = await this.drills.panel(room.id)
    if (this.room()?.id !== room.id) return
    this.state.drill = panel
    this.emit('change')
  }

  /** A private message was sent to `identity` here: it counts as read. */
  dmSent (identity: string): void {
    const key = dmEntryId(this.roomOnScreen().id, identity)
    this.seen.set(key, (this.seen.get(key) ?? 0) + 1)
  }

  private roomOnScreen (): HostRoom {
    const room = this.room()
    if (room === null) throw fail('USAGE', this.t('tui.needRoom'))
    return room
  }
}
