/**
 * The room handshake on one connection. Over the Noise stream's protomux it proves which
 * room secrets each side holds (proofs bound to the handshake hash), then exchanges the
 * member-log keys of the rooms both hold and opens those logs, so corestore replicates
 * every member's log: store-and-forward across hops. An outsider sees random-looking
 * proofs, learns no room id or member, and is sent no core key.
 */
import { EventEmitter } from 'node:events'
import c from 'compact-encoding'
import type NoiseSecretStream from '@hyperswarm/secret-stream'
import type Corestore from 'corestore'
import type { Hypercore } from 'hypercore'
import type Protomux from 'protomux'
import { requireCjs } from '../cjs.js'
import type { Channel, Message } from 'protomux'
import { fail } from '../errors/index.js'
import type { Tamtam } from '../tamtam.js'
import { syncRooms, type SyncRoom } from './sync-rooms.js'
import { WindowQuota } from './window-quota.js'
import { helloEncoding, membersEncoding, roomProof, selfEncoding, wantEncoding, memberProofEncoding, pushMuteEncoding, ROOM_PROTOCOL, ROOM_PROTOCOL_VERSION, type Hello, type Members, type Self, type Want, type MemberProof, type PushMute } from './messages.js'

/**
 * Per-connection quota on room-protocol messages (hello, members, self together): at most
 * ROOM_MESSAGE_QUOTA in any fixed window of ROOM_MESSAGE_WINDOW_MS. Honest peers send a
 * handful per room, plus one members message per new member learned; a peer over the
 * quota is flooding, so its channel is closed and its stream destroyed.
 */
export const ROOM_MESSAGE_QUOTA = 512
/** Length of the quota window, in milliseconds. */
export const ROOM_MESSAGE_WINDOW_MS = 10_000
/**
 * Per-connection quota on channel opens (Hypercore and any other protocol), in the same
 * window. Protomux keeps every unanswered open in an unbounded backlog: 565,400 opens in
 * 25 s took a node to 970 MB. An honest peer opens one channel per core of the rooms it
 * shares with us (at most 2,000 member logs per room, plus documents).
 */
export const CHANNEL_OPEN_QUOTA = 8192

/** Code of the warning emitted when a peer goes over the quota. */
export const PEER_FLOOD = 'PEER_FLOOD'

/** The room protocol running on one connection. */
export class PeerRooms extends EventEmitter {
  readonly stream: NoiseSecretStream
  /** Ids of the rooms both sides hold. */
  readonly shared = new Set<string>()
  /** Per shared room id, the remote's own member log (hex): that member is online here. */
  readonly remoteSelf = new Map<string, string>()
  /** Messages dropped because they named no shared room. */
  ignored = 0
  /** Whether this peer went over the message quota and was disconnected. */
  flooded = false
  private readonly messageQuota = new WindowQuota(ROOM_MESSAGE_QUOTA, ROOM_MESSAGE_WINDOW_MS)
  private readonly openQuota = new WindowQuota(CHANNEL_OPEN_QUOTA, ROOM_MESSAGE_WINDOW_MS)
  private readonly tt: Tamtam
  private channel: Channel | null = null
  private helloMessage: Message<Hello> | null = null
  private membersMessage: Message<Members> | null = null
  private selfMessage: Message<Self> | null = null
  private wantMessage: Message<Want> | null = null
  private memberMessage: Message<MemberProof> | null = null
  private pushMuteMessage: Message<PushMute> | null = null
  /** Rooms where the peer proved it is a member (not a relay): only those get our `self`. */
  private readonly memberPeer = new Set<string>()

  constructor (tt: Tamtam, stream: NoiseSecretStream) {
    super()
    this.tt = tt
    this.stream = stream
  }

  /** Open the channel; call after store.replicate(stream) and once the handshake is done. */
  open (): void {
    const channel = this.stream.userData.createChannel({
      protocol: ROOM_PROTOCOL,
      handshake: c.uint,
      messages: [
        { encoding: helloEncoding, onmessage: (m: Hello) => { if (this.admit()) void this.onHello(m).catch((err) => this.fail(err)) } },
        { encoding: membersEncoding, onmessage: (m: Members) => { if (this.admit()) void this.onMembers(m).catch((err) => this.fail(err)) } },
        { encoding: selfEncoding, onmessage: (m: Self) => { if (this.admit()) this.onSelf(m) } },
        { encoding: wantEncoding, onmessage: (m: Want) => { if (this.admit()) this.onWant(m) } },
        { encoding: memberProofEncoding, onmessage: (m: MemberProof) => { if (this.admit()) void this.onMemberProof(m).catch((err) => this.fail(err)) } },
        { encoding: pushMuteEncoding, onmessage: (m: PushMute) => { if (this.admit()) this.onPushMute(m) } }
      ],
      onopen: (version: number) => this.onOpen(version),
      onclose: () => this.emit('close')
    }) as Channel | null
    if (channel === null) return
    this.channel = channel
    this.helloMessage = channel.messages[0] as Message<Hello>
    this.membersMessage = channel.messages[1] as Message<Members>
    this.selfMessage = channel.messages[2] as Message<Self>
    this.wantMessage = channel.messages[3] as Message<Want>
    this.memberMessage = channel.messages[4] as Message<MemberProof>
    this.pushMuteMessage = channel.messages[5] as Message<PushMute>
    channel.open(ROOM_PROTOCOL_VERSION)
  }

  private onOpen (version: number): void {
    // Newer peers must keep speaking version 1 to older ones; a higher number here means
    // the peer cannot, so close instead of guessing.
    if (version !== ROOM_PROTOCOL_VERSION) {
      this.emit('warning', new Error(`peer speaks room protocol ${version}, we speak ${ROOM_PROTOCOL_VERSION}`))
      this.channel?.close()
      return
    }
    this.sendHello()
  }

  /** (Re)announce proofs for every room we hold, e.g. after joining a room. */
  sendHello (): void {
    const hash = this.stream.handshakeHash
    if (hash === null || this.helloMessage === null) return
    const proofs = syncRooms(this.tt).map((r) => roomProof(r.capability, hash, this.stream.isInitiator))
    this.helloMessage.send({ proofs })
  }

  private remoteRoom (proof: Buffer): SyncRoom | undefined {
    const hash = this.stream.handshakeHash as Buffer
    return syncRooms(this.tt).find((r) => roomProof(r.capability, hash, !this.stream.isInitiator).equals(proof))
  }

  private async onHello (hello: Hello): Promise<void> {
    const fresh: SyncRoom[] = []
    for (const proof of hello.proofs) {
      const room = this.remoteRoom(proof)
      if (room === undefined || this.shared.has(room.id)) continue
      this.shared.add(room.id)
      fresh.push(room)
      this.emit('room', room)
    }
    if (fresh.length === 0) return
    // A room the peer joined during this connection: our first hello named it before the
    // peer held it, so the peer dropped that proof. Prove it again, before the members
    // message that the peer would otherwise drop too. The peer finds nothing new in this
    // hello's answer, so it ends after one round.
    this.sendHello()
    for (const room of fresh) {
      await this.attachRoomCores(room.id)
      await this.sendMembers(room)
      this.sendMemberProof(room)
    }
  }

  /** Tell the peer every member log we know in a shared room (or just `only`). */
  async sendMembers (room: SyncRoom, only?: Buffer[]): Promise<void> {
    if (!this.shared.has(room.id) || this.membersMessage === null) return
    const cores = only ?? await room.members()
    const tag = roomProof(room.capability, this.stream.handshakeHash as Buffer, this.stream.isInitiator)
    for (let i = 0; i < cores.length; i += 1024) this.membersMessage.send({ tag, cores: cores.slice(i, i + 1024) })
  }

  /** Prove we are a member (a relay cannot); the peer answers with its `self`. */
  private sendMemberProof (room: SyncRoom): void {
    if (room.memberKey === null || this.memberMessage === null) return
    this.memberMessage.send({ tag: roomProof(room.memberKey, this.stream.handshakeHash as Buffer, this.stream.isInitiator) })
  }

  /**
   * The peer proved membership of a shared room: only now tell it which log is ours. A relay
   * (which holds only the capability) could otherwise map member logs to IP addresses.
   */
  private async onMemberProof (proof: MemberProof): Promise<void> {
    const hash = this.stream.handshakeHash as Buffer
    const room = syncRooms(this.tt).find((r) => r.memberKey !== null && this.shared.has(r.id) && roomProof(r.memberKey, hash, !this.stream.isInitiator).equals(proof.tag))
    if (room === undefined) {
      this.ignored++
      return
    }
    if (this.memberPeer.has(room.id)) return
    this.memberPeer.add(room.id)
    await this.sendSelf(room)
  }

  private async sendSelf (room: SyncRoom): Promise<void> {
    const core = await room.self()
    if (core === null) return
    const tag = roomProof(room.capability, this.stream.handshakeHash as Buffer, this.stream.isInitiator)
    this.selfMessage?.send({ tag, core })
  }

  private onSelf (self: Self): void {
    const room = this.remoteRoom(self.tag)
    if (room === undefined || !this.shared.has(room.id)) {
      this.ignored++
      return
    }
    const core = self.core.toString('hex')
    this.remoteSelf.set(room.id, core)
    this.emit('self', room)
    // A member whose log flooded us earlier in this run is not served again.
    void room.flooding(core).then((flooded) => {
      if (flooded) this.disconnectFlooder(`member ${core.slice(0, 8)} flooded its log earlier; not reconnecting in this run`)
    }, () => {})
  }

  private async onMembers (members: Members): Promise<void> {
    const room = this.remoteRoom(members.tag)
    if (room === undefined || !this.shared.has(room.id)) {
      this.ignored++
      return
    }
    await room.addMembers(members.cores.map((k) => k.toString('hex')))
  }

  /**
   * Ask the peer to fetch blocks of a document's blobs core too, so it can pass them on
   * (a document crossing a hop whose middle peer never asked for it). Members only.
   */
  sendWant (room: SyncRoom, core: Buffer, start: number, length: number): void {
    if (!this.shared.has(room.id) || room.memberKey === null || this.wantMessage === null) return
    const tag = roomProof(room.memberKey, this.stream.handshakeHash as Buffer, this.stream.isInitiator)
    this.wantMessage.send({ tag, core, start, length })
  }

  /** A want counts only with a member proof for a room shared on this connection. */
  private onWant (want: Want): void {
    const hash = this.stream.handshakeHash as Buffer
    const room = syncRooms(this.tt).find((r) => r.memberKey !== null && this.shared.has(r.id) && roomProof(r.memberKey, hash, !this.stream.isInitiator).equals(want.tag))
    if (room === undefined) {
      this.ignored++
      return
    }
    this.emit('want', room, { core: want.core, start: want.start, length: want.length })
  }

  /** Ask the peer to stop (or resume) pushing one log of a shared room to us (§5a). */
  sendPushMute (roomId: string, core: Buffer, muted: boolean): void {
    const room = syncRooms(this.tt).find((r) => r.id === roomId)
    if (room === undefined || !this.shared.has(roomId) || this.pushMuteMessage === null) return
    const tag = roomProof(room.capability, this.stream.handshakeHash as Buffer, this.stream.isInitiator)
    this.pushMuteMessage.send({ tag, core, muted })
  }

  private onPushMute (mute: PushMute): void {
    const room = this.remoteRoom(mute.tag)
    if (room === undefined || !this.shared.has(room.id)) {
      this.ignored++
      return
    }
    this.emit('push-mute', mute.core, mute.muted)
  }

  /** Replicate every core of a room proven on this connection (and only those). */
  async attachRoomCores (roomId: string): Promise<void> {
    if (!this.shared.has(roomId)) return
    for (const core of await this.tt.roomCores(roomId)) await this.attachCore(core)
  }

  /** Replicate one core on this connection (once), if its room is proven here. */
  async attachCoreOfRoom (roomId: string, core: Hypercore): Promise<void> {
    if (this.shared.has(roomId)) await this.attachCore(core)
  }

  private async attachCore (core: Hypercore): Promise<void> {
    if (!core.opened) await core.ready()
    const mux = this.stream.userData as Protomux
    const replicator = (core as unknown as { core: { replicator: { attached: (m: Protomux) => boolean, attachTo: (m: Protomux) => void } } | null }).core?.replicator
    if (replicator === undefined || this.stream.destroyed || core.closed) return
    if (!replicator.attached(mux)) replicator.attachTo(mux)
  }

  /**
   * The remote opened a Hypercore channel for a core we have not attached here. Answer only
   * for a core of a room proven on this connection; anything else is refused exactly as an
   * unknown core is, so an outsider learns no key and cannot ask "do you hold K?".
   */
  async onRemoteCore (discoveryKey: Buffer): Promise<void> {
    for (const roomId of this.shared) {
      const core = (await this.tt.roomCores(roomId)).find((c) => c.discoveryKey?.equals(discoveryKey) === true)
      if (core !== undefined) {
        await this.attachCore(core)
        return
      }
    }
  }

  /** Count one channel open against its quota; false (and disconnect) when over it. */
  admitOpen (): boolean {
    return this.within(this.openQuota, `peer opened over ${CHANNEL_OPEN_QUOTA} channels in ${ROOM_MESSAGE_WINDOW_MS} ms`)
  }

  /** Count one incoming message against the quota; false (and disconnect) when over it. */
  private admit (): boolean {
    return this.within(this.messageQuota, `peer sent over ${ROOM_MESSAGE_QUOTA} room messages in ${ROOM_MESSAGE_WINDOW_MS} ms`)
  }

  private within (quota: WindowQuota, detail: string): boolean {
    if (this.flooded) return false
    if (quota.take(Date.now())) return true
    this.disconnectFlooder(detail)
    return false
  }

  /** Close the channel and destroy the stream of a peer that went over a quota. */
  disconnectFlooder (detail: string): void {
    if (this.flooded) return
    this.flooded = true
    this.channel?.close()
    this.stream.destroy()
    this.emit('warning', fail('PEER_FLOOD', detail))
  }

  private fail (err: unknown): void {
    this.emit('warning', err)
    this.channel?.close()
  }

  /** Close the channel (the connection itself belongs to the transport). */
  close (): void {
    this.channel?.close()
  }
}

/**
 * Attach tamtam to a connection: the room protocol, and Hypercore replication on the same
 * protomux, for the cores of proven rooms only. This is synchronous on purpose: it must run
 * in the same tick as the connection event. With an await in between, the remote's first
 * protomux frames were sometimes lost and the room channel never opened (seen on 1
 * connection in 3 on a LAN of three nodes). The protomux and its pairing handler exist from
 * this tick on; cores are attached later, when a room is proven, and Hypercore pairs them
 * with channels the remote opened before (or the remote answers ours).
 *
 * Before this, `store.replicate(stream)` offered every core of the store to any
 * authenticated connection: an outsider with no invite received a channel, and so the
 * discovery key, of every member log, and could ask "do you hold K?".
 */
export function attachPeer (tt: Tamtam, _store: Corestore, stream: NoiseSecretStream): PeerRooms {
  const peer = new PeerRooms(tt, stream)
  HypercoreClass.createProtocolStream(stream, {
    ondiscoverykey: async (discoveryKey: Buffer) => await peer.onRemoteCore(discoveryKey).catch(() => {})
  })
  countOpens(stream.userData as Protomux, peer)
  peer.open()
  return peer
}

const HypercoreClass = requireCjs('hypercore') as { createProtocolStream: (stream: unknown, opts: { ondiscoverykey: (key: Buffer) => Promise<void> }) => unknown }

/**
 * Count every channel the remote opens (any protocol) against the peer's quota. Protomux
 * has no hook for this and keeps unanswered opens without bound, so wrap its handler on
 * this one muxer; an open over the quota disconnects the peer before it is buffered.
 */
function countOpens (mux: Protomux, peer: PeerRooms): void {
  const inner = mux as unknown as { _onopensession: (state: unknown) => unknown }
  const original = inner._onopensession.bind(mux)
  inner._onopensession = (state: unknown) => peer.admitOpen() ? original(state) : null
}
