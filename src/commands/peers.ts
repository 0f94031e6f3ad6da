/**
 * `peers`: who is connected now. In each room we share, the room protocol tells which
 * member log a connected peer owns (its `self`, sent only once it proved membership), and
 * the members view names that log's author. So a facilitator reads names, and sees who is
 * missing, where hex keys said nothing. Peers that prove no membership are labelled.
 */
import { fail } from '../errors/index.js'
import { logMembers, type Member } from '../members/index.js'
import type { PeerStatus } from '../network/network.js'
import type { Room } from '../room/index.js'
import type { Tamtam } from '../tamtam.js'
import type { Command } from './types.js'

/**
 * What a connected peer is to us: `member` proved membership of a room we share; `relay`
 * shares a room we are a member of but proved no membership there; `unknown` shares only
 * rooms we relay (a relay cannot check membership); `stranger` shares no room.
 */
export type PeerKind = 'member' | 'relay' | 'unknown' | 'stranger'

/** A room where a connected peer proved membership, and who it is there. */
export interface PeerMember {
  room: string
  roomId: string
  /** Current nickname, sanitised; '?' while its log's binding has not arrived. */
  name: string
  fingerprint: string
  identity: string
  /** The peer's own member log in that room (hex). */
  log: string
}

/** A connected peer as `peers` returns it: the network's view plus who it is. */
export interface NamedPeer extends Omit<PeerStatus, 'memberLogs'> {
  kind: PeerKind
  members: PeerMember[]
}

const KIND_ORDER: PeerKind[] = ['member', 'relay', 'unknown', 'stranger']

/** `peers`: connected peers, named where they are members, members first by name. */
export const peers: Command = {
  name: 'peers',
  summary: 'list connected peers, by member name where they are members',
  run: async ({ tt, network }) => {
    if (network === null) throw fail('NODE_NOT_RUNNING')
    return await namePeers(tt, network.peers())
  }
}

/** Name each peer from the members view of the rooms where it said which log is its own. */
export async function namePeers (tt: Tamtam, list: PeerStatus[]): Promise<NamedPeer[]> {
  const byRoom = new Map<string, Promise<Map<string, Member>>>()
  const membersOf = async (room: Room): Promise<Map<string, Member>> => {
    if (!byRoom.has(room.id)) byRoom.set(room.id, tt.logs(room).then(logMembers).then((all) => new Map(all.map((m) => [m.log, m]))))
    return await (byRoom.get(room.id) as Promise<Map<string, Member>>)
  }
  const named: NamedPeer[] = []
  for (const { memberLogs, ...status } of list) {
    const members: PeerMember[] = []
    for (const [roomId, log] of Object.entries(memberLogs)) {
      const room = tt.rooms.byId(roomId)
      if (room === undefined) continue
      const m = (await membersOf(room)).get(log)
      members.push({ room: room.name, roomId, name: m?.name ?? '?', fingerprint: m?.fingerprint ?? '', identity: m?.identity ?? '', log })
    }
    named.push({ ...status, kind: kindOf(tt, status.roomIds, members), members })
  }
  return named.sort(byKindThenName)
}

function kindOf (tt: Tamtam, roomIds: string[], members: PeerMember[]): PeerKind {
  if (members.length > 0) return 'member'
  if (roomIds.length === 0) return 'stranger'
  // We sent our member proof in rooms we are a member of; a member answers with its log.
  return roomIds.some((id) => tt.rooms.byId(id) !== undefined) ? 'relay' : 'unknown'
}

function byKindThenName (a: NamedPeer, b: NamedPeer): number {
  const kinds = KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind)
  if (kinds !== 0) return kinds
  return (a.members[0]?.name ?? '').localeCompare(b.members[0]?.name ?? '') || a.publicKey.localeCompare(b.publicKey)
}
