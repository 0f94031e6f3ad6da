/**
 * A room-protocol peer made by hand, for attacks: real TCP on loopback, real Noise
 * (secret-stream), the real tamtam/rooms encodings, but no store and no rules. It records
 * every message it receives and sends whatever proofs a test gives it.
 */
import net from 'node:net'
import { EventEmitter } from 'node:events'
import NoiseSecretStream from '@hyperswarm/secret-stream'
import Protomux, { type Message } from 'protomux'
import c from 'compact-encoding'
import { helloEncoding, membersEncoding, selfEncoding, ROOM_PROTOCOL, ROOM_PROTOCOL_VERSION, type Hello, type Members, type Self } from '../../src/replication/messages.js'

/** One connection of the hand-made peer. */
export class RawRoomPeer extends EventEmitter {
  readonly stream: NoiseSecretStream
  readonly hellos: Hello[] = []
  readonly members: Members[] = []
  readonly selves: Self[] = []
  opened = false
  private readonly hello: Message<Hello>

  constructor (socket: net.Socket, initiator: boolean) {
    super()
    this.stream = new NoiseSecretStream(initiator, socket)
    this.stream.on('error', () => {}) // the other side may cut us; tests check what arrived
    const channel = Protomux.from(this.stream).createChannel({
      protocol: ROOM_PROTOCOL,
      handshake: c.uint,
      messages: [
        { encoding: helloEncoding, onmessage: (m: Hello) => { this.hellos.push(m) } },
        { encoding: membersEncoding, onmessage: (m: Members) => { this.members.push(m) } },
        { encoding: selfEncoding, onmessage: (m: Self) => { this.selves.push(m) } }
      ],
      onopen: () => { this.opened = true }
    })
    if (channel === null) throw new Error('the rooms channel is already open on this stream')
    this.hello = channel.messages[0] as Message<Hello>
    channel.open(ROOM_PROTOCOL_VERSION)
  }

  /** This session's Noise handshake hash (once open). */
  get handshakeHash (): Buffer {
    const hash = this.stream.handshakeHash
    if (hash === null) throw new Error('the Noise handshake is not done')
    return hash
  }

  get initiator (): boolean {
    return this.stream.isInitiator
  }

  /** Send a hello carrying exactly these proofs. */
  sendHello (proofs: Buffer[]): void {
    this.hello.send({ proofs })
  }

  /** Every tag a members or self message carried. */
  tags (): Buffer[] {
    return [...this.members.map((m) => m.tag), ...this.selves.map((s) => s.tag)]
  }

  /** Every core key a members or self message carried, hex. */
  coreKeys (): string[] {
    return [...this.members.flatMap((m) => m.cores), ...this.selves.map((s) => s.core)].map((k) => k.toString('hex'))
  }

  close (): void {
    this.stream.destroy()
  }
}

/** Dial a tamtam node on 127.0.0.1: we are the Noise initiator. */
export function dialRaw (port: number): RawRoomPeer {
  return new RawRoomPeer(net.connect(port, '127.0.0.1'), true)
}

/** A loopback listener for nodes to dial: each accepted socket is a responder session. */
export class RawListener {
  readonly sessions: RawRoomPeer[] = []
  port = 0
  private readonly server = net.createServer((socket) => this.sessions.push(new RawRoomPeer(socket, false)))

  async listen (): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    this.port = (this.server.address() as net.AddressInfo).port
    return this.port
  }

  close (): void {
    for (const s of this.sessions) s.close()
    this.server.close()
  }
}
