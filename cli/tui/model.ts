/**
 * The app's model: owns the state, reads it from the node, and turns typed lines into
 * command calls. It never touches blessed; the screen subscribes to 'change'.
 */
import { commandNamed } from '../../src/commands/lazy.js'
import type { Args, Output } from '../../src/commands/types.js'
import { mentionBellOn, mutedIn, setMentionBell } from '../../src/room/settings.js'
import { fail, isTamtamError } from '../../src/errors/index.js'
import type { TamtamNode } from '../../src/node/index.js'
import type { Room } from '../../src/room/index.js'
import { Coalescer } from './coalesce.js'
import { dmItems, DmWatch } from './dm-watch.js'
import { DrillWatch, type LatestDrill } from './drill-watch.js'
import { keyChangeWarnings, mentionsMeIn } from './people.js'
import { RoomList } from './room-list.js'
import { logLengths, memberEntries } from './room-people.js'
import { BaseModel } from './base-model.js'
import type { DrillPanel } from './state.js'
import type { HostRoom } from './slash-host.js'
import { roomStatus } from './status.js'

/** How many timeline items are kept in memory for drawing and scrolling back. */
const TIMELINE_WINDOW = 300
/** The first paint reads only about a screenful, so a big room opens fast; later refreshes read the window. */
const FIRST_PAINT_ITEMS = 60

/**
 * The model of the terminal app running its own node (BaseModel has the events it emits).
 */
export class TuiModel extends BaseModel {
  readonly node: TamtamNode
  /** Feeds the drill panel, at most one report a second. */
  private readonly drillWatch: DrillWatch
  /** Private conversations, read at most once a second. */
  private readonly dmWatch: DmWatch
  /** Unread messages and mentions of every room. */
  private readonly roomList: RoomList
  private readonly painted = new Set<string>()
  private readonly loads = new Coalescer(async () => await this.load())
  private readonly probesHeard = new Set<string>()
  /** Per room, the identities already warned about (a name back with another key). */
  private readonly warned = new Map<string, Set<string>>()
  /** The last failure of private messages, said once rather than on every refresh. */
  private dmFailed: string | null = null

  constructor (node: TamtamNode, lang: string) {
    super(lang)
    this.node = node
    this.drillWatch = new DrillWatch(node.context)
    this.dmWatch = new DmWatch(node.context)
    this.roomList = new RoomList({ tt: node.tt, dms: this.dmWatch, bell: () => this.emit('bell'), dmFailed: (err) => this.dmFailure(err) })
  }

  /** The current room (the room of the conversation on screen, if one is), or null. */
  currentRoom (): Room | null {
    const id = this.state.current
    if (id === null) return null
    const [roomId, ...rest] = id.split('/')
    // A key rotation moved the room to a new id (src/epochs): keep it on screen under that id.
    const room = this.node.tt.rooms.currentOf(roomId) ?? null
    if (room !== null && room.id !== roomId) this.state.current = [room.id, ...rest].join('/')
    return room
  }

  /** Reload everything from the node; calls are coalesced so bursts cost one refresh (and one redraw). */
  async refresh (): Promise<void> {
    if (await this.loads.run()) this.emit('change')
  }

  private async load (): Promise<void> {
    const tt = this.node.tt
    // After quitting, late events may still ask for a refresh: there is nothing to draw.
    if (tt.closed) return
    this.state.me ??= await this.myIdentity()
    const rooms = tt.rooms.list()
    if (this.currentRoom() === null) this.state.current = rooms[0]?.id ?? null
    const room = this.currentRoom()
    const entries = await this.roomList.entries(rooms, room, this.currentDm(), this.state.me)
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
    this.state.status = await roomStatus(this.node, room, this.state.timeline)
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
    await this.roomList.read(room, this.state.timeline, lengths, (i) => mentionsMeIn(i, this.state))
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

  protected async answerName (name: string): Promise<void> {
    await this.run('init', { name })
    this.state.stage = this.needsLang ? 'lang' : 'chat'
    await this.node.open()
    if (this.state.stage === 'chat') this.notice(this.t('tui.askRoom'))
    await this.refresh()
  }

  /** Send a message: shown at once as pending, then as sent once durable. */
  async send (text: string): Promise<void> {
    const room = this.currentRoom()
    if (room === null) return this.notice(this.t('tui.needRoom'))
    await this.sendShowingPending(text, async (dm) => dm !== null ? await this.dmWatch.send(room, dm, text) : await this.run('send', { room: room.id, text }))
  }

  /** The room on screen, or null. */
  room (): HostRoom | null {
    return this.currentRoom()
  }

  /** Run a command of the shared table in this node, in the UI's language; notes become notices. */
  async run (name: string, args: Args, out: Partial<Output> = {}): Promise<unknown> {
    const command = await commandNamed(name)
    if (command === undefined) throw fail('USAGE', `${name} is not available in this version`)
    return await command.run(this.node.context, { lang: this.state.lang, ...args }, { ...this.out, ...out })
  }

  /** The mention bell of the room on screen, set first when `on` is given (saved with the rooms). */
  async mentionBell (on?: boolean): Promise<boolean> {
    const room = this.roomOnScreen()
    if (on !== undefined && setMentionBell(room, on)) await this.node.tt.rooms.save()
    return mentionBellOn(room)
  }

  /** The latest drill of the room on screen, or null. */
  async latestDrill (): Promise<LatestDrill | null> {
    return await this.drillWatch.latest(this.roomOnScreen())
  }

  /** A drill started here: read the room's drills again, so its panel shows at once. */
  drillStarted (): void {
    this.drillWatch.forget(this.roomOnScreen().id)
  }

  /** A private message went to `identity` from the room on screen: it is read. */
  dmSent (identity: string): void {
    this.dmWatch.sent(this.roomOnScreen().id, identity)
  }

  private roomOnScreen (): Room {
    const room = this.currentRoom()
    if (room === null) throw fail('USAGE', this.t('tui.needRoom'))
    return room
  }
}
