/**
 * The only file that talks to blessed. It lays out the panes, forwards keys to the
 * model, and paints the views' text. Tags are off everywhere: text is shown as text.
 */
import blessed from 'blessed'
import { MAX_TEXT_BYTES } from '../../src/log/index.js'
import { drillView } from './drill-view.js'
import type { BaseModel } from './base-model.js'
import { PasteGuard } from './paste-guard.js'
import { charWidth, membersView, promptView, roomsView, statusView, timelineView, WIDE_CHAR } from './views.js'

const ROOMS_WIDTH = 18
const MEMBERS_WIDTH = 24
/** Rows below the panes: prompt, input, status. */
const BOTTOM_ROWS = 3
/** The drill panel never leaves the timeline fewer rows than this. */
const MIN_TIMELINE_ROWS = 5

/** The parts of blessed's unicode module that decide how many cells a character takes. */
interface BlessedUnicode {
  charWidth: (text: string | number, index?: number) => number
  codePointAt: (text: string, index: number) => number
  combining: Record<number, boolean>
  chars: { all: RegExp }
}

let widthsTaught = false

/**
 * blessed's table of wide characters dates from Unicode 5: it gives ✅, ⭐, 🀄 or 😀 one cell
 * where the terminal draws two, and the rest of the row, borders and members pane included,
 * lands out of place. Teach it the views' table, once: a second cell is reserved after every
 * wide character (`chars.all`) and skipped when drawing (`charWidth`), and a zero-width
 * character joins the cell before it (`combining`).
 */
function teachWidths (): void {
  if (widthsTaught) return
  widthsTaught = true
  const unicode = (blessed as unknown as { unicode: BlessedUnicode }).unicode
  const blessedWidth = unicode.charWidth
  unicode.charWidth = (text, index = 0) => {
    const cp = typeof text === 'number' ? text : unicode.codePointAt(text, index)
    return cp < 0x300 ? blessedWidth(text, index) : charWidth(cp)
  }
  unicode.chars.all = new RegExp(`(${WIDE_CHAR.source})`, 'gu')
  unicode.combining = new Proxy(unicode.combining, {
    get: (known, key) => typeof key === 'string' && /^\d+$/.test(key) ? charWidth(Number(key)) === 0 : Reflect.get(known, key)
  })
}

/**
 * The views wrap the timeline and the drill panel to the pane's columns. blessed would wrap
 * them a second time counting UTF-16 units, not columns, and break every row holding two
 * emoji: let it only split the lines.
 */
function keepRows (box: blessed.Widgets.BoxElement): void {
  const element = box as unknown as { _wrapContent: (content: string, width: number) => unknown }
  const wrapContent = element._wrapContent
  element._wrapContent = function (this: unknown, content: string) {
    return wrapContent.call(this, content, Number.MAX_SAFE_INTEGER)
  }
}

/** Build the screen for a model; resolves when the user quits. */
export async function runScreen (model: BaseModel): Promise<void> {
  teachWidths()
  const guard = new PasteGuard(process.stdin, MAX_TEXT_BYTES, (bytes) => model.notice(model.t('tui.tooLong', { size: `${Math.round(bytes / 1024)} KiB` })))
  const screen = blessed.screen({ smartCSR: true, fullUnicode: true, forceUnicode: true, title: 'tamtam', input: guard as unknown as NodeJS.ReadStream, output: process.stdout, autoPadding: true })
  const pane = { tags: false, border: { type: 'line' as const } }
  const rooms = blessed.box({ ...pane, parent: screen, top: 0, left: 0, width: ROOMS_WIDTH, bottom: BOTTOM_ROWS, label: ` ${model.t('tui.rooms')} ` })
  const timeline = blessed.box({ ...pane, parent: screen, top: 0, left: ROOMS_WIDTH, right: MEMBERS_WIDTH, bottom: BOTTOM_ROWS })
  // Under the timeline, shown only while a drill runs in the current room.
  const drill = blessed.box({ ...pane, parent: screen, left: ROOMS_WIDTH, right: MEMBERS_WIDTH, bottom: BOTTOM_ROWS, height: 3, hidden: true })
  const members = blessed.box({ ...pane, parent: screen, top: 0, right: 0, width: MEMBERS_WIDTH, bottom: BOTTOM_ROWS, label: ` ${model.t('tui.members')} ` })
  keepRows(timeline)
  keepRows(drill)
  const prompt = blessed.box({ parent: screen, bottom: 2, left: 0, right: 0, height: 1, tags: false })
  const input = blessed.textbox({ parent: screen, bottom: 1, left: 0, right: 0, height: 1, inputOnFocus: false, tags: false, style: { bg: 'blue' } })
  const status = blessed.box({ parent: screen, bottom: 0, left: 0, right: 0, height: 1, tags: false, style: { inverse: true } })
  let qr: blessed.Widgets.BoxElement | null = null
  // blessed's textbox would insert Tab as a character; Tab switches panes here.
  const typing = (input as unknown as { _listener: (ch: string, key: { name?: string }) => unknown })
  const original = typing._listener
  typing._listener = function (this: unknown, ch, key) {
    if (key?.name === 'tab') return
    return original.call(this, ch, key)
  }

  // The panel takes rows from the bottom of the timeline; blessed recomputes sizes from `bottom`.
  const paintDrill = (width: number): void => {
    const rows = Math.max(0, (screen.height as number) - BOTTOM_ROWS - MIN_TIMELINE_ROWS - 2 - 2)
    const lines = drillView(model.state, model.t, width).slice(0, rows)
    if (lines.length === 0) {
      drill.hide()
      timeline.bottom = BOTTOM_ROWS
      return
    }
    drill.height = lines.length + 2
    drill.setContent(lines.join('\n'))
    drill.show()
    timeline.bottom = BOTTOM_ROWS + lines.length + 2
  }

  const paint = (): void => {
    const s = model.state
    rooms.setLabel(` ${model.t('tui.rooms')} `)
    members.setLabel(` ${model.t('tui.members')} `)
    rooms.setContent(roomsView(s, model.t))
    members.setContent(membersView(s, model.t))
    const width = Math.max(10, (timeline.width as number) - 2)
    paintDrill(width)
    const height = Math.max(1, (timeline.height as number) - 2)
    timeline.setContent(timelineView(s, model.t, width, height).join('\n'))
    prompt.setContent(promptView(s, model.t))
    status.setContent(statusView(s, model.t))
    for (const [box, name] of [[rooms, 'rooms'], [timeline, 'timeline']] as const) box.style.border = { fg: s.focus === name ? 'yellow' : 'white' }
    screen.render()
  }

  const read = (): void => {
    if (model.state.focus === 'input') input.readInput(() => {})
  }
  let sending = Promise.resolve()
  input.on('submit', (value: string) => {
    input.clearValue()
    // Read again at once: a command that takes a while (a drill's first panel, a slow node)
    // would otherwise drop what is typed meanwhile, like the news sent right after /drill.
    read()
    const line = value ?? ''
    const run = async (): Promise<void> => await model.submit(line).then(read, (err) => { model.error(err); read() })
    // Messages go out one after another, in the order typed, and /quit waits for them; a
    // slash command runs at once (a long /get must not hold the chat up).
    if (line.trim().startsWith('/')) void run()
    else sending = sending.then(run)
  })
  input.on('cancel', () => { qr?.destroy(); qr = null; read(); paint() })

  let done: () => void = () => {}
  const finished = new Promise<void>((resolve) => { done = resolve })
  const quit = (): void => done()
  const cycle = (): void => {
    const order = ['input', 'timeline', 'rooms'] as const
    model.state.focus = order[(order.indexOf(model.state.focus) + 1) % order.length]
    if (model.state.focus === 'input') input.focus()
    else { input.cancel(); screen.focusPop() }
    paint()
    read()
  }
  // Keys must work whether or not the textbox is reading, so bind them on both.
  for (const target of [screen, input] as const) {
    target.key(['C-c'], quit)
    target.key(['tab'], cycle)
    target.key(['pageup'], () => model.scroll(Math.max(1, (timeline.height as number) - 3)))
    target.key(['pagedown'], () => model.scroll(-Math.max(1, (timeline.height as number) - 3)))
    target.key(['C-n'], () => { model.switchRoom(1).catch((err) => model.error(err)) })
    target.key(['C-p'], () => { model.switchRoom(-1).catch((err) => model.error(err)) })
  }
  screen.key(['up'], () => { if (model.state.focus === 'timeline') model.scroll(1) })
  screen.key(['down'], () => { if (model.state.focus === 'timeline') model.scroll(-1) })
  screen.on('resize', paint)
  model.on('change', paint)
  model.on('quit', quit)
  // A mention in a room with /bell on: the terminal's own bell (it may flash instead).
  const ring = (): void => { screen.program.bell() }
  model.on('bell', ring)
  model.on('qr', (text: string) => {
    qr?.destroy()
    qr = blessed.box({ parent: screen, top: 0, left: 'center', shrink: true, border: { type: 'line' }, tags: false, content: `${text}\n(Esc)` })
    paint()
  })

  input.focus()
  paint()
  read()
  await finished
  await sending
  model.off('change', paint)
  model.off('bell', ring)
  guard.detach()
  screen.destroy()
}
