/**
 * The state the terminal app draws from: plain data, no blessed, no library objects, so
 * views are pure functions of it and can be tested without a terminal.
 */
import type { TimelineItem } from '../../src/timeline/index.js'

/**
 * One entry of the room list: a room, or a private conversation shown under its room
 * (then `dm` says which, and `name` is the other person's name as shown).
 */
export interface RoomEntry {
  id: string
  name: string
  unread: number
  /** Unread messages that mention me. */
  mentions?: number
  dm?: { room: string, identity: string }
}

/** One member in the member list. */
export interface MemberEntry {
  name: string
  fingerprint: string
  online: boolean
  you: boolean
  muted: boolean
  /** Hex public key: names, mentions and verification go by it. */
  identity?: string
  /** Their six words were checked here (`/verify NAME --yes`). */
  verified?: boolean
  /** Their name was first seen here with another key. */
  keyChanged?: boolean
}

/** The private conversation shown instead of the room's timeline. */
export interface DmView { room: string, identity: string, name: string }

/** A message typed here and not yet durable on disk. */
export interface PendingMessage { text: string, ts: number }

/** Which pane has the keyboard. */
export type Focus = 'input' | 'timeline' | 'rooms'

/** What the first run is asking for, or 'chat' once set up. */
export type Stage = 'name' | 'lang' | 'chat'

/**
 * The live drill of the current room as the drill panel draws it: plain data copied from
 * the drill report (names already sanitised there; the view sanitises them again).
 */
export interface DrillPanel {
  drill: string
  name: string
  /** Facilitator clock when probe 0 was written. */
  startedAt: number
  /** When the drill stops being shown: start plus the planned duration. */
  endsAt: number
  /** When the report was built: the panel's "now". */
  now: number
  probesSent: number
  probesPlanned: number
  /** Participants reached by at least one probe, out of `total` (the facilitator excluded). */
  reached: number
  total: number
  /** Latency percentiles in ms, null before any receipt. */
  p50: number | null
  p90: number | null
  /** Reach over time since the start, ascending, as in the report. */
  curve: Array<{ atMs: number, reached: number }>
  /** "name (fingerprint)" of every participant not reached yet: never reached, or missing a probe that is due. */
  unreached: string[]
  /** Participants who received probes late (away, then back), with the longest delay. */
  caughtUp: Array<{ who: string, lateMs: number }>
}

/** Everything on screen. */
export interface TuiState {
  stage: Stage
  lang: string
  rooms: RoomEntry[]
  current: string | null
  timeline: TimelineItem[]
  pending: PendingMessage[]
  members: MemberEntry[]
  /** Lines scrolled up from the bottom of the timeline. */
  scroll: number
  focus: Focus
  /** Short-lived lines from the app itself (command results, errors), newest last. */
  notices: string[]
  status: { lanPeers: number, internet: boolean | null, missing: number, seen: { k: number, n: number } | null, expire?: number }
  /** The drill running in the current room, or null when none is. */
  drill: DrillPanel | null
  /** My identity (hex), to tell which messages mention me; null before there is one. */
  me: string | null
  /** The private conversation shown, or null when the timeline is the room's. */
  dm: DmView | null
  /** The running node (`tamtam up`) this app is attached to, or null when it runs its own. */
  attached: { pid: number } | null
}

/** A blank state for the first paint. */
export function emptyState (lang: string): TuiState {
  return {
    stage: 'chat',
    lang,
    rooms: [],
    current: null,
    timeline: [],
    pending: [],
    members: [],
    scroll: 0,
    focus: 'input',
    notices: [],
    status: { lanPeers: 0, internet: null, missing: 0, seen: null },
    drill: null,
    me: null,
    dm: null,
    attached: null
  }
}
