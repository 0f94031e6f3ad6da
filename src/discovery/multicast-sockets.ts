/**
 * The sockets of LAN discovery: one receiver on the beacon port, a member of the group on
 * every interface address, and one sender bound to each address. Multicast must be joined
 * and sent once per interface: on a LAN with no default route the kernel cannot pick one
 * (interfaces.ts). Raw datagrams only; what they mean is the beacon's business.
 */
import dgram from 'node:dgram'
import net from 'node:net'

/** Where the beacons travel, and on which addresses. */
export interface MulticastOptions {
  /** IPv4 multicast group. */
  group: string
  /** UDP port of the group, shared by every node on a host (SO_REUSEADDR). */
  port: number
  /** The interface addresses to use, asked again at every refresh(); non-IPv4 entries are ignored. */
  addresses: () => Array<{ address: string }>
  /** False: only listen (no sender is opened). */
  send: boolean
}

/** What the sockets report to their owner. */
export interface MulticastHooks {
  /** A datagram arrived on the group. */
  message: (msg: Buffer, rinfo: dgram.RemoteInfo) => void
  /** A datagram went out. */
  sent: () => void
  /** A socket failed; never thrown. */
  warn: (context: string, cause?: unknown) => void
}

interface Sender { socket: dgram.Socket, ready: boolean }

/** The multicast sockets of one run of a beacon: refresh() follows interface changes, close() ends them for good. */
export class MulticastSockets {
  private readonly senders = new Map<string, Sender>()
  private readonly joined = new Set<string>()
  private receiver: dgram.Socket | null = null
  // Work begun before close() notices and quits instead of reopening sockets.
  private closed = false

  constructor (private readonly opts: MulticastOptions, private readonly hooks: MulticastHooks) {}

  /** Join new interface addresses and drop vanished ones. Never rejects: a failed re-scan is retried at the next call. */
  async refresh (): Promise<void> {
    try {
      await this.rescan()
    } catch (err) {
      this.hooks.warn('interface re-scan failed', err)
    }
  }

  /** Send `packet` to the group through every ready sender. */
  send (packet: Buffer): void {
    for (const [address, sender] of this.senders) {
      if (!sender.ready) continue
      try {
        sender.socket.send(packet, this.opts.port, this.opts.group, (err) => {
          if (err === null || err === undefined) this.hooks.sent()
          else this.hooks.warn(`cannot send a beacon on ${address}`, err)
        })
      } catch (err) {
        this.hooks.warn(`cannot send a beacon on ${address}`, err) // the socket died under us; the next re-scan replaces it
      }
    }
  }

  /** Close every socket. Idempotent. */
  async close (): Promise<void> {
    this.closed = true
    const sockets = [...[...this.senders.values()].map((s) => s.socket), ...(this.receiver === null ? [] : [this.receiver])]
    this.senders.clear()
    this.joined.clear()
    this.receiver = null
    await Promise.all(sockets.map(closeSocket))
  }

  private async rescan (): Promise<void> {
    if (this.receiver === null) await this.openReceiver()
    if (this.closed) return
    let wanted: Set<string>
    try {
      wanted = new Set(this.opts.addresses().map((a) => a.address).filter((a) => net.isIPv4(a)))
    } catch (err) {
      this.hooks.warn('cannot list the network interfaces', err)
      return
    }
    const vanished = [...this.joined].filter((a) => !wanted.has(a))
    for (const address of vanished) this.leave(address)
    // Two addresses can share one interface, and leaving through one left it for both: join the rest again.
    if (vanished.length > 0) this.joined.clear()
    for (const address of wanted) if (!this.joined.has(address)) this.join(address)
    for (const [address, sender] of this.senders) {
      if (wanted.has(address)) continue
      this.senders.delete(address)
      void closeSocket(sender.socket)
    }
    if (!this.opts.send) return
    await Promise.all([...wanted].filter((a) => !this.senders.has(a)).map(async (a) => await this.openSender(a)))
  }

  private async openReceiver (): Promise<void> {
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true })
    socket.on('error', (err) => this.hooks.warn(`beacon socket on port ${this.opts.port}`, err))
    socket.on('message', (msg, rinfo) => this.hooks.message(msg, rinfo))
    this.receiver = socket
    this.joined.clear()
    const ok = await bindSocket(socket, this.opts.port, '0.0.0.0')
    if (ok && !this.closed) return
    // Failed: retried at the next refresh, in case whoever held the port without SO_REUSEADDR has gone.
    if (this.receiver === socket) this.receiver = null
    await closeSocket(socket)
  }

  private join (address: string): void {
    if (this.receiver === null) return
    try {
      this.receiver.addMembership(this.opts.group, address)
      this.joined.add(address)
    } catch (err) {
      // EADDRINUSE: the interface is a member already (a second address on it, or an address that came back).
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') this.joined.add(address)
      else this.hooks.warn(`cannot join ${this.opts.group} on ${address}`, err)
    }
  }

  private leave (address: string): void {
    this.joined.delete(address)
    try {
      this.receiver?.dropMembership(this.opts.group, address)
    } catch {
      // The address is gone, so the kernel can no longer find its interface; nothing is left to undo.
    }
  }

  private async openSender (address: string): Promise<void> {
    const socket = dgram.createSocket({ type: 'udp4' })
    socket.on('error', (err) => this.hooks.warn(`beacon send socket on ${address}`, err))
    const sender: Sender = { socket, ready: false }
    this.senders.set(address, sender)
    const ok = await bindSocket(socket, 0, address)
    if (this.closed || this.senders.get(address) !== sender) return
    try {
      if (!ok) throw new Error(`cannot bind to ${address}`)
      // Without an explicit interface, a host with no default route has no route to the group (ENETUNREACH).
      socket.setMulticastInterface(address)
      socket.setMulticastTTL(1)
      // Two nodes on one host must hear each other.
      socket.setMulticastLoopback(true)
      sender.ready = true
    } catch (err) {
      if (ok) this.hooks.warn(`cannot set up multicast on ${address}`, err)
      this.senders.delete(address) // retried at the next refresh
      await closeSocket(socket)
    }
  }
}

/** Resolves true once bound, false on an error or if the socket is closed first (the error itself goes to the socket's 'error' listener). */
async function bindSocket (socket: dgram.Socket, port: number, address: string): Promise<boolean> {
  return await new Promise((resolve) => {
    const done = (ok: boolean): void => {
      socket.off('listening', onListening)
      socket.off('error', onError)
      socket.off('close', onClose)
      resolve(ok)
    }
    const onListening = (): void => done(true)
    const onError = (): void => done(false)
    const onClose = (): void => done(false)
    socket.once('listening', onListening)
    socket.once('error', onError)
    socket.once('close', onClose)
    try {
      socket.bind(port, address)
    } catch (err) {
      socket.emit('error', err) // reported like any other socket error, and done(false) through onError
    }
  })
}

/** Close a socket and wait for it; closing one twice is not an error here. */
async function closeSocket (socket: dgram.Socket): Promise<void> {
  await new Promise<void>((resolve) => {
    try {
      socket.close(() => resolve())
    } catch {
      resolve() // already closed
    }
  })
}
