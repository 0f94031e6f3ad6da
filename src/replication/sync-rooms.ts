/**
 * What the room protocol needs to know about a room, whether we are a member (we hold the
 * secret and our own log) or a relay (we hold only the capability and ciphertext). The
 * protocol itself is the same for both: prove the capability, swap member-log keys.
 */
import type { Room } from '../room/index.js'
import type { RelayRoom } from '../relay/relay-rooms.js'
import type { Tamtam } from '../tamtam.js'

/** A room as the room protocol sees it. */
export interface SyncRoom {
  id: string
  name: string
  capability: Buffer
  /** Key of member proofs (want messages); null for a relay, which cannot make them. */
  memberKey: Buffer | null
  /** Member logs to announce: every valid log we hold. */
  members: () => Promise<Buffer[]>
  /** Our own log in the room, or null for a relay (it writes nothing). */
  self: () => Promise<Buffer | null>
  /** Accept member-log keys announced by a peer that proved the capability. */
  addMembers: (keys: string[]) => Promise<void>
  /** Whether a member log flooded us in this run (its author is not served). */
  flooding: (key: string) => Promise<boolean>
}

/** A room we are a member of. */
export function memberRoom (tt: Tamtam, room: Room): SyncRoom {
  return {
    id: room.id,
    name: room.name,
    capability: room.keys.capability,
    memberKey: room.keys.memberKey,
    members: async () => (await tt.logs(room)).list().filter((l) => !l.invalid).map((l) => l.core.key),
    self: async () => (await tt.logs(room)).own.core.key,
    addMembers: async (keys) => {
      const logs = await tt.logs(room)
      // Only keys the registry accepted (it caps members per room) are opened.
      const fresh = await tt.rooms.addMembers(room, keys.filter((k) => k !== logs.own.key))
      for (const key of fresh) await logs.addMember(Buffer.from(key, 'hex'))
    },
    flooding: async (key) => (await tt.logs(room)).flooding.has(key)
  }
}

/** A room we only relay. */
export function relayRoom (tt: Tamtam, room: RelayRoom): SyncRoom {
  return {
    id: room.id,
    name: room.name,
    capability: room.capability,
    memberKey: null,
    members: async () => room.members.map((k) => Buffer.from(k, 'hex')),
    self: async () => null,
    addMembers: async (keys) => { await tt.relays.addMembers(room.id, keys) },
    flooding: async () => false
  }
}

/**
 * Every room this home syncs: member rooms, their past epochs (src/epochs: still served, so
 * a member who missed a rotation fetches its records from us), then relayed rooms it is
 * not a member of. Each epoch is a room of its own here: a connection that proved an old
 * epoch is offered that epoch's logs only.
 */
export function syncRooms (tt: Tamtam): SyncRoom[] {
  const rooms = tt.rooms.list().flatMap((r) => [r, ...r.past])
  const member = new Set(rooms.map((r) => r.id))
  return [...rooms.map((r) => memberRoom(tt, r)), ...tt.relays.list().filter((r) => !member.has(r.id)).map((r) => relayRoom(tt, r))]
}
