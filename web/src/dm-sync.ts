/**
 * The phone's `dms` requests (docs/protocol.md §17, "Private messages"): ask for the `dm`
 * records since the cursor after the welcome, on each `update` and after each member list,
 * one request at a time, and again at once while the host says there are `more`. What
 * arrives is opened by PhoneDms; the page hears only of messages that opened.
 */
import type { PhoneMessage } from '../../src/phone/index.js'
import type { PhoneDm, PhoneDms } from './dms.js'

export class DmSync {
  private readonly send: (m: PhoneMessage) => boolean
  private readonly dms: PhoneDms
  private readonly opened: (fresh: PhoneDm[]) => void
  private asking = false
  private askAgain = false

  constructor (send: (m: PhoneMessage) => boolean, dms: PhoneDms, opened: (fresh: PhoneDm[]) => void) {
    this.send = send
    this.dms = dms
    this.opened = opened
  }

  /** Ask for what arrived since the cursor (or once more after the request in flight). */
  ask (): void {
    if (this.asking) {
      this.askAgain = true
      return
    }
    this.asking = true
    this.send({ t: 'dms', since: this.dms.cursor })
  }

  /** One `dm-records` frame; the last of an answer moves the cursor. */
  receive (m: PhoneMessage): void {
    const fresh = this.dms.take(Array.isArray(m.records) ? m.records : [])
    if (fresh.length > 0) this.opened(fresh)
    if (m.last !== true) return
    if (m.cursor !== null && typeof m.cursor === 'object' && !Array.isArray(m.cursor)) this.dms.cursor = m.cursor as Record<string, number>
    this.asking = false
    if (m.more === true || this.askAgain) {
      this.askAgain = false
      this.ask()
    }
  }

  /** The member list: our own sent records may now open (their recipient's key arrived). */
  members (m: PhoneMessage): void {
    const list = Array.isArray(m.members) ? m.members as Array<{ identity?: unknown }> : []
    const fresh = this.dms.setMembers(list.map((p) => String(p.identity)))
    if (fresh.length > 0) this.opened(fresh)
  }

  /** A refused `dms` request: stop asking until the next nudge. */
  refused (): void {
    this.asking = false
  }
}
