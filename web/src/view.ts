/**
 * The page's DOM. Everything that comes from the host or from peers (names, fingerprints,
 * message text, the room name) goes in with `textContent`, never as HTML: a peer's text
 * is shown, never run.
 */
import { lifetime, text, type Key, type Lang } from './i18n.js'
import { RoomExtras } from './room-view.js'
import type { Item } from './session.js'

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T

/** The status line: a catalogue key, with a retry button or not. */
interface Status { key: Key, retry: boolean, fields?: Record<string, string> }

export class View {
  lang: Lang
  private status: Status | null = null
  private me: { name: string, fp: string } | null = null
  private roomName: string | null = null
  private expire = 0
  /** Members, "seen by", older messages, mentions. */
  readonly extras = new RoomExtras(() => this.lang)
  /** My identity (hex): messages that mention it are marked. */
  private identity = ''

  constructor (lang: Lang) {
    this.lang = lang
    this.translate()
  }

  /** Show every fixed string in `lang`. */
  setLang (lang: Lang): void {
    this.lang = lang
    this.translate()
  }

  /** Say `key` in the status area (null clears it); `retry` shows the retry button. */
  say (key: Key | null, retry = false, fields?: Record<string, string>): void {
    this.status = key === null ? null : { key, retry, fields }
    this.showStatus()
  }

  /** Wait for a name from the person (the form stays until one is valid). */
  async askName (check: (raw: string) => string | null): Promise<string> {
    const form = $<HTMLFormElement>('name-form')
    form.hidden = false
    $<HTMLInputElement>('name-input').focus()
    return await new Promise((resolve) => {
      form.onsubmit = (e) => {
        e.preventDefault()
        const name = check($<HTMLInputElement>('name-input').value)
        if (name === null) return
        form.hidden = true
        resolve(name)
      }
    })
  }

  showMe (name: string, fp: string, identity: string): void {
    this.me = { name, fp }
    this.identity = identity
    this.translate()
  }

  showRoom (name: string): void {
    this.roomName = name
    this.translate()
  }

  /** The room's expiry (seconds, 0: off), shown after its name. */
  showExpiry (seconds: number): void {
    if (seconds === this.expire) return
    this.expire = seconds
    this.translate()
  }

  /**
   * The room's messages, oldest first, replacing what was shown. Older messages added at
   * the top keep the place the person reads; new ones scroll down only for someone who
   * was already at the bottom.
   */
  showItems (items: Item[], older = false): void {
    const page = document.scrollingElement ?? document.documentElement
    const fromBottom = page.scrollHeight - page.scrollTop
    const atBottom = fromBottom - page.clientHeight < 120
    const list = $('items')
    const shown = items.filter((i) => i.type === 'msg' && i.deleted !== true && i.moderated !== true)
    list.textContent = ''
    for (const item of shown) list.appendChild(itemElement(item, this.identity, this.lang))
    $('empty').hidden = shown.length > 0
    this.extras.countMentions(shown, this.identity)
    if (older) page.scrollTop = page.scrollHeight - fromBottom
    else if (atBottom) list.lastElementChild?.scrollIntoView({ block: 'end' })
  }

  /** Call `send` with each message typed; the box is cleared. */
  onSend (send: (text: string) => void): void {
    const form = $<HTMLFormElement>('compose')
    form.onsubmit = (e) => {
      e.preventDefault()
      const input = $<HTMLTextAreaElement>('message')
      const value = input.value.trim()
      if (value === '') return
      input.value = ''
      send(value)
    }
  }

  onRetry (retry: () => void): void {
    $('retry').onclick = retry
  }

  onSwitch (pick: (lang: Lang) => void): void {
    $('lang').onclick = () => pick(this.lang === 'fr' ? 'en' : 'fr')
  }

  /** Show or hide the room (messages and the box): nothing of it shows before the host accepted us. */
  showChat (on: boolean): void {
    $('chat').hidden = !on
  }

  private showStatus (): void {
    const s = this.status
    $('status').hidden = s === null
    $('status-text').textContent = s === null ? '' : text(this.lang, s.key, s.fields)
    $('retry').hidden = s === null || !s.retry
  }

  private translate (): void {
    document.documentElement.lang = this.lang
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-t]'))) el.textContent = text(this.lang, el.dataset.t as Key)
    $<HTMLTextAreaElement>('message').placeholder = text(this.lang, 'placeholder')
    $('me').textContent = this.me === null ? '' : text(this.lang, 'you', this.me)
    const expiry = this.expire > 0 ? ` · ${text(this.lang, 'expiry', { after: lifetime(this.expire) })}` : ''
    $('room').textContent = this.roomName === null ? '' : text(this.lang, 'room', { name: this.roomName }) + expiry
    this.extras.render()
    this.showStatus()
  }
}

/** One message: author name, short fingerprint, text, all as text nodes; marked when it mentions me. */
function itemElement (item: Item, me: string, lang: Lang): HTMLElement {
  const li = document.createElement('li')
  if (item.mentions?.includes(me) === true) li.className = 'mention'
  const head = document.createElement('div')
  head.className = 'head'
  const name = document.createElement('span')
  name.className = 'name'
  name.textContent = String(item.name)
  const fp = document.createElement('span')
  fp.className = 'fp'
  fp.textContent = String(item.author)
  head.append(name, fp)
  if (item.edited === true) {
    const edited = document.createElement('span')
    edited.className = 'edited'
    edited.textContent = text(lang, 'edited')
    head.append(edited)
  }
  const body = document.createElement('p')
  body.className = 'text'
  body.textContent = String(item.text)
  li.append(head, body)
  return li
}
