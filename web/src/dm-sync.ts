/**
 * The phone's `dms` requests (docs/protocol.md §17, "Private messages"): ask for the `dm`
 * records since the cursor after the welcome, on each `update` and after each member list,
 * one request at a time, and again at once while the host says there are `more`. Nudges
 * ask at most once every DM_NUDGE_GAP_MS: a busy room sends an `update` every 250 ms, and
 * the phone's frames are limited to 50 per 10 s (§17 limits), which `history` already
 * uses most of. What
 * arrives is opened by PhoneDms; the page hears only of messages that opened.
 */
import type { PhoneMessage } from '../../src/phone/index.js'
import type { PhoneDm, PhoneDms } from './dms.js'

/** Least time between two `dms` requests that nudges cause (the first, and `more`, go at once). */
export const DM_NUDGE_GAP_MS = 2000

export class DmSync {
  private readonly send: (m: PhoneMessage) => boolean
  private readonly dms: PhoneDms
  private readonly opened: (fresh: PhoneDm[]) => void
  private asking = false
  private askAgain = false
  private lastAsk = 0
  private timer: ReturnType<typeof setTimeout> | null = null

  constructor (send: (m: PhoneMessage) => boolean, dms: PhoneDms, opened: (fresh: PhoneDm[]) => void) {
    this.send = send
    this.dms = dms
    this.opened = opened
  }

  /** The room changed: ask, or wait until DM_NUDGE_GAP_MS after the last request. */
  nudge (): void {
    if (this.timer !== null) return
    const wait = this.lastAsk + DM_NUDGE_GAP_MS - Date.now()
    if (wait <= 0) return this.ask()
    this.timer = setTimeout(() => {
      this.timer = null
      this.ask()
    }, wait)
  }

  /** Ask for what arrived since the cursor (or once more after the request in flight). */
  ask (): void {
    if (this.asking) {
      this.askAgain = true
      return
    }
    this.asking = true
    this.lastAsk = Date.now()
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
