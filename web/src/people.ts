/**
 * Who is in the room, as the host tells the page (docs/protocol.md §17 `members` and
 * `presence`): one entry per person (a phone served by two hosts has two logs, one
 * identity), who is online, and "seen by k of n" for the page's own messages.
 */
import type { PhoneMessage } from '../../src/phone/index.js'

/** One person of the room. */
export interface Person { name: string, fingerprint: string, identity: string, online: boolean }

/** The `presence` frame. */
interface Presence { online: string[], holders: number[], n: number }

export class People {
  private known: Array<Omit<Person, 'online'>> = []
  private presence: Presence = { online: [], holders: [], n: 0 }

  membersFrame (m: PhoneMessage): void {
    if (Array.isArray(m.members)) this.known = m.members as Array<Omit<Person, 'online'>>
  }

  presenceFrame (m: PhoneMessage): void {
    const online = Array.isArray(m.online) ? m.online.filter((x): x is string => typeof x === 'string') : []
    const holders = Array.isArray(m.holders) ? m.holders.filter((x): x is number => typeof x === 'number') : []
    this.presence = { online, holders, n: typeof m.n === 'number' ? m.n : 0 }
  }

  /** Each person once, online first, then by name. */
  list (): Person[] {
    const online = new Set(this.presence.online)
    const byIdentity = new Map<string, Person>()
    for (const m of this.known) byIdentity.set(m.identity, { ...m, online: online.has(m.identity) })
    return [...byIdentity.values()].sort((a, b) => Number(b.online) - Number(a.online) || a.name.localeCompare(b.name))
  }

  /**
   * How many of the room's other member logs hold block `seq` of the page's hosted log: the
   * host (which stored it), and each peer connected to it that holds the log that far.
   */
  seen (seq: number): { k: number, n: number } {
    const { holders, n } = this.presence
    return { k: Math.min(n, 1 + holders.filter((h) => h > seq).length), n }
  }
}
