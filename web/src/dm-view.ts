/**
 * The page's private messages (DOM only; web/src/dms.ts opens and seals them): a row of
 * members to write to, each with the number of unread messages from them, and one
 * conversation at a time in place of the room. Names, fingerprints and texts from peers
 * go in with `textContent` only. What was read is kept per member as a time in
 * localStorage (never a text), so a reload does not mark everything unread again.
 */
import { fromHex } from './bytes.js'
import type { PhoneDms, SealRefusal } from './dms.js'
import { text, type Key, type Lang } from './i18n.js'
import { shortFingerprint } from './identity.js'
import type { Member } from './session.js'

const READ_SLOT = 'tamtam.dm-read'
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T
const REFUSALS: Record<SealRefusal, Key> = { empty: 'dmEmptyText', tooLong: 'dmTooLong', badKey: 'dmBadKey' }

export class DmView {
  private lang: Lang
  private readonly dms: PhoneDms
  private readonly me: string
  private readonly store: Storage
  private members: Member[] = []
  private open: string | null = null
  private refusal: Key | null = null
  private readonly read: Record<string, number>

  constructor (lang: Lang, dms: PhoneDms, me: string, store: Storage) {
    this.lang = lang
    this.dms = dms
    this.me = me
    this.store = store
    this.read = loadRead(store)
    $('dm-close').onclick = () => this.show(null)
    this.render()
  }

  setLang (lang: Lang): void {
    this.lang = lang
    this.render()
  }

  /** The members the host listed (the phone itself left out). */
  setMembers (members: Member[]): void {
    this.members = members.filter((m) => m.identity !== this.me)
    this.render()
  }

  /** New messages opened: redraw (the open conversation counts as read). */
  update (): void {
    this.render()
  }

  /** Call `send(to, text)` with each private message typed; a refusal is shown. */
  onSend (send: (to: string, text: string) => SealRefusal | null): void {
    $<HTMLFormElement>('dm-compose').onsubmit = (e) => {
      e.preventDefault()
      const input = $<HTMLTextAreaElement>('dm-message')
      if (this.open === null || input.value.trim() === '') return
      const refused = send(this.open, input.value.trim())
      this.refusal = refused === null ? null : REFUSALS[refused]
      if (refused === null) input.value = ''
      this.render()
    }
  }

  /** Open the conversation with `peer`, or go back to the room (null). */
  private show (peer: string | null): void {
    this.open = peer
    this.refusal = null
    this.render()
    if (peer !== null) $<HTMLTextAreaElement>('dm-message').focus()
  }

  private render (): void {
    if (this.open !== null) this.markRead(this.open)
    $('chat').classList.toggle('private', this.open !== null)
    $('dm-panel').hidden = this.open === null
    $<HTMLTextAreaElement>('dm-message').placeholder = text(this.lang, 'dmPlaceholder')
    this.renderMembers()
    if (this.open !== null) this.renderConversation(this.open)
  }

  /** Everyone to write to: listed members, and anyone we have messages with who is not (yet) listed. */
  private renderMembers (): void {
    const list = $('dm-members')
    list.textContent = ''
    const known = new Set(this.members.map((m) => m.identity))
    const people = [...this.members, ...this.dms.peers().filter((p) => !known.has(p)).map((p) => ({ name: '?', fingerprint: fingerprintOf(p), identity: p }))]
    for (const member of people) list.appendChild(this.memberButton(member))
    $('dm-nobody').hidden = people.length > 0
  }

  private memberButton (member: Member): HTMLElement {
    const li = document.createElement('li')
    const button = document.createElement('button')
    button.type = 'button'
    button.className = 'dm-member'
    button.dataset.identity = member.identity
    button.setAttribute('aria-pressed', String(this.open === member.identity))
    const name = document.createElement('span')
    name.className = 'name'
    name.textContent = String(member.name)
    const unread = this.unread(member.identity)
    button.append(name)
    if (unread > 0) {
      const badge = document.createElement('span')
      badge.className = 'unread'
      badge.textContent = String(unread)
      badge.title = text(this.lang, 'dmUnread', { n: String(unread) })
      button.append(badge)
    }
    button.onclick = () => this.show(member.identity)
    li.append(button)
    return li
  }

  private renderConversation (peer: string): void {
    const member = this.members.find((m) => m.identity === peer)
    $('dm-with').textContent = text(this.lang, 'dmWith', { name: member?.name ?? '?', fp: member?.fingerprint ?? fingerprintOf(peer) })
    const items = $('dm-items')
    items.textContent = ''
    const messages = this.dms.with(peer)
    for (const m of messages) {
      const li = document.createElement('li')
      li.className = m.mine ? 'mine' : 'theirs'
      const who = document.createElement('div')
      who.className = 'head name'
      who.textContent = m.mine ? text(this.lang, 'dmYou') : String(member?.name ?? '?')
      const body = document.createElement('p')
      body.className = 'text'
      body.textContent = m.text
      li.append(who, body)
      items.appendChild(li)
    }
    $('dm-empty').hidden = messages.length > 0
    $('dm-refused').hidden = this.refusal === null
    $('dm-refused').textContent = this.refusal === null ? '' : text(this.lang, this.refusal)
    items.lastElementChild?.scrollIntoView({ block: 'end' })
  }

  /** Messages from `peer` newer than what was read. */
  private unread (peer: string): number {
    const since = this.read[peer] ?? 0
    return this.dms.with(peer).filter((m) => !m.mine && m.ts > since).length
  }

  private markRead (peer: string): void {
    const last = this.dms.with(peer).reduce((ts, m) => Math.max(ts, m.ts), this.read[peer] ?? 0)
    if (last === (this.read[peer] ?? 0)) return
    this.read[peer] = last
    this.store.setItem(READ_SLOT, JSON.stringify(this.read))
  }
}

function loadRead (store: Storage): Record<string, number> {
  try {
    const kept = JSON.parse(store.getItem(READ_SLOT) ?? '{}') as unknown
    return kept !== null && typeof kept === 'object' && !Array.isArray(kept) ? kept as Record<string, number> : {}
  } catch {
    return {}
  }
}

const fingerprintOf = (identity: string): string => shortFingerprint(fromHex(identity))
