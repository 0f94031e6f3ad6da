/**
 * What both models of the app share: the state, notices, language, scrolling and the
 * handling of a typed line. TuiModel reads a node it runs itself; AttachedModel reads a
 * running node (`tamtam up`) through its control socket. The screen needs only this.
 */
import { EventEmitter } from 'node:events'
import type { Args, Output } from '../../src/commands/types.js'
import { isTamtamError } from '../../src/errors/index.js'
import { loadLang, translator, type Translate } from '../../src/i18n/index.js'
import { MAX_TEXT_BYTES } from '../../src/log/index.js'
import { runSlash } from './slash.js'
import type { HostRoom, SlashHost } from './slash-host.js'
import type { LatestDrill } from './drill-watch.js'
import { emptyState, type TuiState } from './state.js'

/** Notices shown at once. */
const MAX_NOTICES = 6

/**
 * The app's model as the screen and the slash commands see it. Emits 'change' after any
 * state change, 'quit' on /quit, 'bell' for a mention to ring for and 'qr' with a QR code.
 */
export abstract class BaseModel extends EventEmitter implements SlashHost {
  state: TuiState
  t: Translate
  /** Set by the app when LANG gave no language, so the first run asks for one. */
  needsLang = false

  constructor (lang: string) {
    super()
    this.state = emptyState(lang)
    this.t = translator(lang)
  }

  abstract refresh (): Promise<void>
  abstract room (): HostRoom | null
  abstract run (name: string, args: Args, out?: Partial<Output>): Promise<unknown>
  abstract mentionBell (on?: boolean): Promise<boolean>
  abstract latestDrill (): Promise<LatestDrill | null>
  abstract drillStarted (): void
  abstract dmSent (identity: string): void
  /** Send a message to the conversation on screen. */
  abstract send (text: string): Promise<void>
  /** The first run's answer to "your name?". */
  protected abstract answerName (name: string): Promise<void>

  /**
   * Show `text` at once as pending, deliver it (to the room, or as a private message when
   * one is open), then drop the pending line and refresh: sent once it is stored.
   */
  protected async sendShowingPending (text: string, deliver: (dm: string | null) => Promise<unknown>): Promise<void> {
    const pending = { text, ts: Date.now() }
    this.state.pending = [...this.state.pending, pending]
    this.state.scroll = 0
    this.emit('change')
    try {
      await deliver(this.currentDm())
    } finally {
      this.state.pending = this.state.pending.filter((p) => p !== pending)
      await this.refresh()
    }
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

  private async answerLang (lang: string): Promise<void> {
    await this.setLang(lang.toLowerCase().startsWith('fr') ? 'fr' : 'en')
    this.state.stage = 'chat'
    this.notice(this.t('tui.askRoom'))
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

  // The app as slash commands see it (SlashHost): they change it only through these.

  /** The UI's language code. */
  get lang (): string {
    return this.state.lang
  }

  /** Show a progress line in place of the notices. */
  progress (text: string): void {
    this.state.notices = [text]
    this.emit('change')
  }

  /** Put a room or conversation on screen from the next refresh. */
  select (id: string): void {
    this.state.current = id
  }

  /** Show a QR code (the screen draws it). */
  showQr (text: string): void {
    this.emit('qr', text)
  }

  /** Ask the app to leave. */
  quit (): void {
    this.emit('quit')
  }

  /** The identity of the private conversation on screen, or null when it is a room. */
  currentDm (): string | null {
    const at = this.state.current?.indexOf('/@') ?? -1
    return at === -1 ? null : (this.state.current as string).slice(at + 2)
  }
}
