/**
 * The parts of the room screen around the messages: who is here (online first), "seen by
 * k of n" under the box, the button that brings older messages, and the count of unread
 * mentions in the tab's title while the page is hidden. Peer text goes in as text only.
 */
import { text, type Lang } from './i18n.js'
import type { Item } from './session.js'
import type { Person } from './people.js'

const $ = (id: string): HTMLElement => document.getElementById(id) as HTMLElement

export class RoomExtras {
  private people: Person[] = []
  private seen: { k: number, n: number } | null = null
  private unreadMentions = 0
  /** Ids of the messages that mention me, already counted (a page shown again counts nothing twice). */
  private readonly counted = new Set<string>()
  private first = true

  constructor (private readonly lang: () => Lang) {
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) this.unreadMentions = 0
      this.render()
    })
  }

  showPeople (people: Person[]): void {
    this.people = people
    this.render()
  }

  showSeen (seen: { k: number, n: number } | null): void {
    this.seen = seen
    this.render()
  }

  /** Count the mentions of `me` that arrived since the first screen, while the page is hidden. */
  countMentions (items: Item[], me: string): void {
    for (const item of items) {
      if (item.mentions?.includes(me) !== true || this.counted.has(item.id)) continue
      this.counted.add(item.id)
      if (!this.first && document.hidden) this.unreadMentions++
    }
    this.first = false
    this.render()
  }

  onOlder (ask: () => void): void {
    $('older').onclick = ask
  }

  showOlder (more: boolean): void {
    $('older').hidden = !more
  }

  render (): void {
    const lang = this.lang()
    const online = this.people.filter((p) => p.online).length
    $('people-count').textContent = text(lang, 'people', { online: String(online), all: String(this.people.length) })
    const list = $('people')
    list.textContent = ''
    for (const p of this.people) {
      const li = document.createElement('li')
      li.className = p.online ? 'online' : 'offline'
      li.textContent = `${p.online ? '●' : '○'} ${p.name} · ${p.fingerprint}`
      li.title = text(lang, p.online ? 'online' : 'offline')
      list.appendChild(li)
    }
    $('seen').textContent = this.seen === null ? '' : text(lang, 'seenBy', { k: String(this.seen.k), n: String(this.seen.n) })
    document.title = this.unreadMentions > 0 ? `(${this.unreadMentions}) tamtam` : 'tamtam'
  }
}
